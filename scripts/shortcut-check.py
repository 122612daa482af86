#!/usr/bin/env python3
"""How well do shortcuts that need no tracing predict a pathfinder label? (issue 21, item 3)

Reads `pdet-tui dataset --task pathfinder[-matched]` JSON lines and prints the accuracy of rules
that look only at the endpoints' Manhattan distance d (and, as a check on other leaks, at d
together with the number of path cells):
  bayes   the best distance -> label map on the data itself (in-sample, an upper bound)
  split   that map learned on the first half and scored on the second (unseen d: majority label)
  thresh  the best one-threshold rule "d <= t -> connected" (or its mirror), in-sample
  bayes(d, path cells)   the in-sample best map on (d, number of path cells)
  offset  the in-sample best map on the endpoint offset (|drow|, |dcol|), and on the offset and
          how many endpoints touch the border
  cells   the best map on the two endpoint cells, learned on the first half, scored on the second
Exit status 1 when --max is given and the distance rule ("bayes") scores above it.

  pdet-tui dataset --task pathfinder-matched --seq-len 25 --count 4000 --out pm25.jsonl
  python3 scripts/shortcut-check.py pm25.jsonl --max 0.58
"""
import argparse
import json
import math
import sys
from collections import Counter, defaultdict

EMPTY, PATH, ENDPOINT = 0, 1, 2


def features(tokens):
    """(d, path cells) of one grid: side = the largest s with s*s <= T, cells row-major."""
    side = math.isqrt(len(tokens))
    cells = tokens[: side * side]
    ends = [i for i, t in enumerate(cells) if t == ENDPOINT]
    if len(ends) < 2:
        raise ValueError(f"a grid with {len(ends)} endpoints")
    a, b = ends[0], ends[1]
    offset = (abs(a // side - b // side), abs(a % side - b % side))
    border = sum(1 for e in (a, b) if e // side in (0, side - 1) or e % side in (0, side - 1))
    return sum(offset), sum(1 for t in cells if t == PATH), side, offset, border, (a, b)


def bayes(rows, key):
    """In-sample accuracy of the best key -> label map, and the map."""
    counts = defaultdict(Counter)
    for r in rows:
        counts[key(r)][r["y"]] += 1
    rule = {k: c.most_common(1)[0][0] for k, c in counts.items()}
    return sum(max(c.values()) for c in counts.values()) / len(rows), rule


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl", help="output of pdet-tui dataset (pathfinder or pathfinder-matched)")
    ap.add_argument("--max", type=float, help="fail (exit 1) when the distance rule scores above this")
    args = ap.parse_args()
    rows = []
    try:
        with open(args.jsonl) as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    o = json.loads(line)
                    d, path, side, offset, border, ends = features(o["tokens"])
                    rows.append({"d": d, "path": path, "side": side, "offset": offset, "border": border,
                                 "ends": ends, "y": o["targets"][0]})
    except (OSError, ValueError, KeyError, IndexError) as e:
        sys.exit(f"shortcut-check.py: {args.jsonl}: {e}")
    if len(rows) < 2:
        sys.exit(f"shortcut-check.py: {args.jsonl}: needs at least 2 examples (got {len(rows)})")

    n, side = len(rows), rows[0]["side"]
    pos = sum(r["y"] for r in rows)
    acc, _ = bayes(rows, lambda r: r["d"])
    half = n // 2
    _, rule = bayes(rows[:half], lambda r: r["d"])
    majority = Counter(r["y"] for r in rows[:half]).most_common(1)[0][0]
    split = sum(rule.get(r["d"], majority) == r["y"] for r in rows[half:]) / (n - half)
    ds = sorted({r["d"] for r in rows})
    thresh = max(max(sum((r["d"] <= t) == (r["y"] == 1) for r in rows),
                     sum((r["d"] > t) == (r["y"] == 1) for r in rows)) for t in ds) / n
    joint, _ = bayes(rows, lambda r: (r["d"], r["path"]))
    offset, _ = bayes(rows, lambda r: r["offset"])
    offset_border, _ = bayes(rows, lambda r: (r["offset"], r["border"]))
    _, cell_rule = bayes(rows[:half], lambda r: r["ends"])
    cells = sum(cell_rule.get(r["ends"], majority) == r["y"] for r in rows[half:]) / (n - half)
    hist = {y: Counter(r["d"] for r in rows if r["y"] == y) for y in (0, 1)}

    print(f"{args.jsonl}: {n} examples, {side}x{side} board, {pos} connected")
    print("distance histogram d: negatives/positives  " +
          "  ".join(f"{d}:{hist[0][d]}/{hist[1][d]}" for d in ds))
    print(f"distance rule, bayes (in-sample):       {acc:.4f}")
    print(f"distance rule, learned on first half:   {split:.4f} (scored on {n - half})")
    print(f"distance rule, best threshold:          {thresh:.4f}")
    print(f"(distance, path cells) rule, in-sample: {joint:.4f}")
    print(f"offset (|drow|, |dcol|) rule, in-sample: {offset:.4f}")
    print(f"(offset, endpoints on border), in-sample: {offset_border:.4f}")
    print(f"endpoint cells, learned on first half:  {cells:.4f}")
    if args.max is not None and acc > args.max:
        print(f"FAIL: the distance rule scores {acc:.4f} > {args.max}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
