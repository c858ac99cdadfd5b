"""How many transcript lines extraction proposes as claims, on public labelled debate transcripts.

    python tools/transcript_claim_share.py $DATASETS/checkworthiness/sources [--json] [--limit N]

Data: the CLEF CheckThat! 2019 Task 1 and 2020 Task 5 training transcripts as copied into
`$DATASETS/checkworthiness/sources/ct19_task1_training/*.tsv` and `ct20_task5_v2_training/*.tsv`
(columns line_number, speaker, text, label; 1 = a journalist fact-checked the line; see that
folder's README). Each file is rebuilt as a transcript the way outlets print one: a line starts
with `SPEAKER: ` when the speaker changes, then extracted with `kind="transcript"` (files over
the extraction limit are cut into parts at line boundaries).

Reported per source and overall: lines, lines flagged (at least one proposed claim overlaps
the line), the share flagged, and — against the fact-checked label, which marks only what a
journalist happened to check (1-3 % of lines), so low precision is expected — precision,
recall and F1 of "flagged", and the average precision of the line's highest claim score
(0 when no claim). Issue 14 reported 96 % of sentences flagged by the rule-based extraction.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETS = {"ct19": "ct19_task1_training", "ct20": "ct20_task5_v2_training"}
PART_CHARS = 150_000  # below the extraction limit (pipeline.MAX_CHARS)


def read_transcript(path: Path) -> list[tuple[str, str, int]]:
    """(speaker, text, label) per line of one CheckThat! transcript file."""
    csv.field_size_limit(10**9)
    with path.open(encoding="utf-8", newline="") as fh:
        return [(row[1].strip(), row[2].strip(), int(row[3])) for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
                if len(row) >= 4 and row[2].strip()]


def build(lines: list[tuple[str, str, int]]) -> list[tuple[str, list[tuple[int, int, int]]]]:
    """Transcript parts: (text, [(line start, line end, label)]); a label only where the speaker changes."""
    parts, buf, spans, pos, last = [], [], [], 0, None
    for speaker, text, label in lines:
        prefix = f"{speaker}: " if speaker and speaker != last else ""
        line = prefix + text
        if pos + len(line) + 1 > PART_CHARS and buf:
            parts.append(("\n".join(buf), spans))
            buf, spans, pos = [], [], 0
            if speaker:  # a new part restates the speaker
                prefix, line = f"{speaker}: ", f"{speaker}: {text}"
        last = speaker
        buf.append(line)
        spans.append((pos + len(prefix), pos + len(line), label))
        pos += len(line) + 1
    if buf:
        parts.append(("\n".join(buf), spans))
    return parts


def score_lines(spans, claims) -> list[tuple[int, bool, float]]:
    """(label, flagged, best score) per line."""
    out = []
    for a, z, label in spans:
        hits = [c.checkworthiness for c in claims if c.start < z and c.end > a]
        out.append((label, bool(hits), max(hits, default=0.0)))
    return out


def summary(rows) -> dict:
    from tools.evaluate import average_precision
    n = len(rows)
    flagged = sum(f for _, f, _ in rows)
    pos = sum(l for l, _, _ in rows)
    tp = sum(1 for l, f, _ in rows if l and f)
    p = tp / flagged if flagged else 0.0
    r = tp / pos if pos else 0.0
    return {"lines": n, "flagged": flagged, "share_flagged": round(flagged / n, 4) if n else 0.0,
            "positives": pos, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "average_precision": round(average_precision([l for l, _, _ in rows], [s for _, _, s in rows]), 4),
            "average_precision_random": round(pos / n, 4) if n else 0.0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sources", type=Path, help="the checkworthiness dataset's sources/ folder")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--limit", type=int, default=None, help="only the first N files of each set")
    args = ap.parse_args(argv)

    from api.extraction import extract_many

    report, every = {}, []
    started = time.monotonic()
    for name, folder in SETS.items():
        rows = []
        for path in sorted((args.sources / folder).glob("*.tsv"))[: args.limit]:
            parts = build(read_transcript(path))
            results = extract_many([t for t, _ in parts], kind="transcript")
            before = len(rows)
            for (_, spans), res in zip(parts, results):
                rows.extend(score_lines(spans, res.claims))
            # progress on stderr: a full run (54 files) takes a while on a shared machine
            print(f"{name} {path.stem}: {len(rows) - before} lines, {time.monotonic() - started:.0f} s",
                  file=sys.stderr, flush=True)
        report[name] = summary(rows)
        every.extend(rows)
    report["all"] = summary(every)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name, r in report.items():
            print(f"{name:5} lines {r['lines']:6}  flagged {r['flagged']:6} ({100 * r['share_flagged']:.1f} %)  "
                  f"vs fact-checked label: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} "
                  f"AP {r['average_precision']:.3f} (random {r['average_precision_random']:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
