"""`paperwire model prepare`: the bundled MiniLM-L6 as an int8 ONNX graph, built from the
model package's own weights with the `onnx` package alone (no torch, no transformers).

The graph is BERT's encoder as transformers computes it: word + position + token-type
embeddings and a LayerNorm, then six layers of 12-head self-attention (scores scaled by
1/sqrt(head size), padding masked with float32's lowest value) and a GELU (erf) feed-
forward, each followed by a residual LayerNorm. It outputs the last hidden state; mean
pooling and normalization stay in embedding.py. The torch reference in the test extra
checks that both agree.

Quantization (prepare): onnxruntime's dynamic scheme, activations uint8 per tensor and
batch, weights int8 per output channel in 7 bits (reduce_range: -64..64), so that every
x86 kernel computes the integer products exactly. With VNNI or AMX they are exact anyway
(vpdpbusd, tdpbusd: 32-bit sums); without, onnxruntime multiplies by vpmaddubsw, which
sums two u8 x s8 products into a saturating int16: 2 * 255 * 127 overflows it, and the
model then lost accuracy on such CPUs only (min cosine to the reference 0.987 instead of
0.991); 2 * 255 * 64 = 32640 cannot. Float kernels still round differently from CPU to
CPU, so vectors are not bit-identical, but the arithmetic, and so the accuracy, is the
same. The feed-forward output projections (1536 -> 384) stay float32: their input, the
GELU's output, has a long tail, so that one uint8 scale per batch leaves most values
within a few levels of zero; in float they halve the distance to the reference.
benchmarks/RESULTS.md has the measurements that chose this (uint8 weights, also exact,
were slower on AVX2).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from paperwire.embedding import (
    EARLIER_ONNX_FILES,
    ONNX_FILE,
    TOKENIZER_FILE,
    reference_model_dir,
)

OPSET = 17  # LayerNormalization
IR_VERSION = 8  # what onnx writes for opset 17; newer onnx defaults beyond onnxruntime's reach
FLOAT_MATMULS = r"encoder\.layer\.\d+\.output\.dense"  # the feed-forward output projections


class _Graph:
    """Nodes and initializers, with fresh names."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.weights = weights
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def weight(self, name: str, transpose: bool = False) -> str:
        value = self.weights[name]
        return self.const(name, np.ascontiguousarray(value.T if transpose else value))

    def op(self, kind: str, *inputs: str, name: str = "", **attrs) -> str:
        self._n += 1
        out = f"{kind.lower()}_{self._n}"
        self.nodes.append(helper.make_node(kind, list(inputs), [out], name=name or out,
                                           **attrs))
        return out

    def linear(self, x: str, prefix: str) -> str:
        """x · Wᵀ + b, with Wᵀ stored so that the quantizer sees a constant MatMul weight;
        the MatMul is named after the layer (prefix), for the quantizer's choices."""
        matmul = self.op("MatMul", x, self.weight(f"{prefix}.weight", True), name=prefix)
        return self.op("Add", matmul, self.weight(f"{prefix}.bias"))

    def layer_norm(self, x: str, prefix: str, eps: float) -> str:
        return self.op("LayerNormalization", x, self.weight(f"{prefix}.weight"),
                       self.weight(f"{prefix}.bias"), axis=-1, epsilon=eps)


def _embeddings(g: _Graph, eps: float) -> str:
    words = g.op("Gather", g.weight("embeddings.word_embeddings.weight"), "input_ids")
    types = g.op("Gather", g.weight("embeddings.token_type_embeddings.weight"),
                 "token_type_ids")
    length = g.op("Gather", g.op("Shape", "input_ids"), g.const("one", np.array(1)), axis=0)
    positions = g.op("Range", g.const("zero", np.array(0)), length, g.const("step", np.array(1)))
    where = g.op("Gather", g.weight("embeddings.position_embeddings.weight"), positions)
    return g.layer_norm(g.op("Add", g.op("Add", words, types), where), "embeddings.LayerNorm",
                        eps)


def _mask_bias(g: _Graph) -> str:
    """0 where a token is real, float32's lowest where it is padding: [batch, 1, 1, tokens]."""
    keep = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    dropped = g.op("Sub", g.const("ones", np.array(1.0, dtype=np.float32)), keep)
    bias = g.op("Mul", dropped, g.const("lowest", np.array(np.finfo(np.float32).min,
                                                          dtype=np.float32)))
    return g.op("Unsqueeze", bias, g.const("mask_axes", np.array([1, 2])))


def _attention(g: _Graph, x: str, mask: str, prefix: str, heads: int, size: int) -> str:
    split = g.const(f"{prefix}.split", np.array([0, 0, heads, size // heads]))

    def heads_of(name: str, perm: list[int]) -> str:
        projected = g.linear(x, f"{prefix}.self.{name}")
        return g.op("Transpose", g.op("Reshape", projected, split), perm=perm)

    q = heads_of("query", [0, 2, 1, 3])
    k = heads_of("key", [0, 2, 3, 1])
    v = heads_of("value", [0, 2, 1, 3])
    scale = g.const(f"{prefix}.scale", np.array(1 / np.sqrt(size // heads), dtype=np.float32))
    scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), mask)
    context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
    merged = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]),
                  g.const(f"{prefix}.merge", np.array([0, 0, size])))
    return g.linear(merged, f"{prefix}.output.dense")


def _gelu(g: _Graph, x: str, prefix: str) -> str:
    """0.5 · x · (1 + erf(x / √2)), BERT's exact GELU."""
    root2 = g.const(f"{prefix}.sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))
    half = g.const(f"{prefix}.half", np.array(0.5, dtype=np.float32))
    one = g.const(f"{prefix}.one", np.array(1.0, dtype=np.float32))
    erf = g.op("Erf", g.op("Div", x, root2))
    return g.op("Mul", g.op("Mul", x, half), g.op("Add", erf, one))


def build_graph(weights: dict[str, np.ndarray], config: dict) -> onnx.ModelProto:
    g = _Graph(weights)
    eps, heads, size = config["layer_norm_eps"], config["num_attention_heads"], \
        config["hidden_size"]
    x, mask = _embeddings(g, eps), _mask_bias(g)
    for n in range(config["num_hidden_layers"]):
        layer = f"encoder.layer.{n}"
        attended = _attention(g, x, mask, f"{layer}.attention", heads, size)
        x = g.layer_norm(g.op("Add", attended, x), f"{layer}.attention.output.LayerNorm", eps)
        inner = _gelu(g, g.linear(x, f"{layer}.intermediate.dense"), layer)
        x = g.layer_norm(g.op("Add", g.linear(inner, f"{layer}.output.dense"), x),
                         f"{layer}.output.LayerNorm", eps)
    g.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    tokens = ["batch", "tokens"]
    inputs = [helper.make_tensor_value_info(name, TensorProto.INT64, tokens)
              for name in ("input_ids", "attention_mask", "token_type_ids")]
    output = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                           [*tokens, size])
    graph = helper.make_graph(g.nodes, "minilm_l6", inputs, [output], g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="paperwire", ir_version=IR_VERSION)
    onnx.checker.check_model(model)
    return model


def read_weights(source: Path) -> tuple[dict[str, np.ndarray], dict]:
    from safetensors.numpy import load_file

    weights = load_file(str(source / "model.safetensors"))
    config = json.loads((source / "config.json").read_text())
    return weights, config


def prepare(model_dir: Path) -> Path:
    """Build, quantize (7-bit int8 MatMul weights per channel, the feed-forward output
    projections kept float32; see the module's docstring) and install into model_dir;
    returns the quantized model's path."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = reference_model_dir()
    model_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model-fp32.onnx"
        graph = build_graph(*read_weights(source))
        onnx.save(graph, str(fp32))
        in_float = [n.name for n in graph.graph.node
                    if n.op_type == "MatMul" and re.fullmatch(FLOAT_MATMULS, n.name)]
        partial = Path(tmp) / ONNX_FILE
        quantize_dynamic(fp32, partial, per_channel=True, op_types_to_quantize=["MatMul"],
                         weight_type=QuantType.QInt8, reduce_range=True,
                         nodes_to_exclude=in_float)
        shutil.copy(source / TOKENIZER_FILE, model_dir / TOKENIZER_FILE)
        shutil.move(partial, model_dir / ONNX_FILE)  # last, so a half-made model never loads
    for earlier in EARLIER_ONNX_FILES:
        (model_dir / earlier).unlink(missing_ok=True)
    return model_dir / ONNX_FILE
