"""One-time export of the bundled model to int8 ONNX (`paperwire model prepare`).

Needs torch and transformers only here; the result runs on onnxruntime alone.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from paperwire.embedding import ONNX_FILE, TOKENIZER_FILE, reference_model_dir

OPSET = 17


def _export_fp32(source: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(source), local_files_only=True).eval()

    class Encoder(torch.nn.Module):  # BertModel wants keyword arguments
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    sample = torch.ones((2, 16), dtype=torch.int64)
    dynamic = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
               "token_type_ids": {0: "batch", 1: "tokens"},
               "last_hidden_state": {0: "batch", 1: "tokens"}}
    with torch.no_grad():
        torch.onnx.export(Encoder(), (sample, sample, torch.zeros_like(sample)), str(target),
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state"], dynamic_axes=dynamic,
                          opset_version=OPSET, dynamo=False)


def prepare(model_dir: Path) -> Path:
    """Export and quantize into model_dir; returns the int8 model's path."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = reference_model_dir()
    model_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model-fp32.onnx"
        _export_fp32(source, fp32)
        partial = Path(tmp) / ONNX_FILE
        quantize_dynamic(fp32, partial, per_channel=True, op_types_to_quantize=["MatMul"],
                         weight_type=QuantType.QInt8)
        shutil.copy(source / TOKENIZER_FILE, model_dir / TOKENIZER_FILE)
        shutil.move(partial, model_dir / ONNX_FILE)  # last, so a half-made model never loads
    return model_dir / ONNX_FILE
