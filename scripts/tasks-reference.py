#!/usr/bin/env python3
"""An independent re-implementation of pdet-tui's six task generators, from docs/tasks.md alone.

Writes the same JSON lines as `pdet-tui dataset` so the two can be compared byte for byte:

    python3 scripts/tasks-reference.py --task listops --split train --count 256 --seed 1 > ref.jsonl
    pdet-tui dataset --task listops --split train --count 256 --seed 1 --out ours.jsonl
    cmp ref.jsonl ours.jsonl

Standard library only. docs/tasks.md ("Re-implementing the generators") records the comparison.
"""
import argparse, gzip, os, sys

MASK = (1 << 64) - 1
TASKS = ["reverse", "sort", "copy", "listops", "digits", "pathfinder"]
TRAIN_SALT = 0x7472_6169_6E00_0001
TEST_SALT = 0x7465_7374_0000_0002


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def derived(self, salt):
        g = SplitMix64(self.state ^ ((salt * 0xD1B54A32D192ED03) & MASK))
        g.next()
        return g

    def next_int(self, n):
        limit = MASK - MASK % n
        while True:
            r = self.next()
            if r < limit:
                return r % n

    def unit_below_0_4(self):
        # nextUnitFloat() < Float(0.4): (next() >> 40) / 2^24 < 13421773 / 2^25
        return (self.next() >> 40) <= 6710886


def task_salt(kind):
    return ((TASKS.index(kind) + 1) * 0x9E3779B97F4A7C15) & MASK


# --- reverse, sort, copy -------------------------------------------------------------------
PAD, SEP, BLANK = 10, 11, 12

def lengths(kind, T):
    room = T // 2 - 1 if kind == "copy" else T
    allowed = list(range(max(1, (room + 1) // 2), room + 1))
    return [n for n in allowed if (T - n) % 2 == 0] if kind == "reverse" else allowed

def sequence_example(kind, T, rng):
    choices = lengths(kind, T)
    n = choices[rng.next_int(len(choices))]
    x = [rng.next_int(10) for _ in range(n)]
    tokens, targets = [PAD] * T, [-1] * T
    if kind == "reverse":
        s = (T - n) // 2
        for i in range(n):
            tokens[s + i], targets[s + i] = x[i], x[n - 1 - i]
    elif kind == "sort":
        for i, v in enumerate(sorted(x)):
            tokens[i], targets[i] = x[i], v
    else:
        h = T // 2
        tokens[:n] = x
        tokens[h - 1] = SEP
        for j in range(n):
            tokens[h + j], targets[h + j] = BLANK, x[j]
    return tokens, targets


# --- listops -------------------------------------------------------------------------------
def listops_apply(op, args):
    if op == 10: return max(args)
    if op == 11: return min(args)
    if op == 12:
        s = sorted(args); m = len(s) // 2
        return s[m] if len(s) % 2 else (s[m - 1] + s[m]) // 2
    return sum(args) % 10

def listops_generate(rng, budget, depth, max_depth, out):
    leaf = budget < 4 or depth >= max_depth or (depth > 0 and rng.unit_below_0_4())
    if leaf:
        d = rng.next_int(10); out.append(d); return d
    op = 10 + rng.next_int(4)
    remaining = budget - 2
    arity = min(2 + rng.next_int(4), remaining)
    out.append(op)
    args = []
    for k in range(arity):
        reserved = arity - 1 - k
        start = len(out)
        args.append(listops_generate(rng, remaining - reserved, depth + 1, max_depth, out))
        remaining -= len(out) - start
    out.append(14)
    return listops_apply(op, args)

def listops_example(T, rng, wanted):
    max_depth = 3 if T <= 96 else (4 if T <= 384 else 5)
    for _ in range(200):
        expr = []
        value = listops_generate(rng, T, 0, max_depth, expr)
        if value == wanted: break
    return expr + [15] * (T - len(expr)), [value]


# --- pathfinder ----------------------------------------------------------------------------
def neighbours(cell, side):
    r, c = divmod(cell, side)
    out = []
    if r > 0: out.append(cell - side)
    if r < side - 1: out.append(cell + side)
    if c > 0: out.append(cell - 1)
    if c < side - 1: out.append(cell + 1)
    return out

def isolated(cell, grid, side, except_):
    return all(n == except_ or grid[n] == 0 for n in neighbours(cell, side))

def grow_snake(rng, grid, side, length):
    free = [c for c in range(len(grid)) if grid[c] == 0 and isolated(c, grid, side, -1)]
    if not free: return None
    snake = [free[rng.next_int(len(free))]]
    grid[snake[0]] = 1
    while len(snake) < length:
        head = snake[-1]
        options = [n for n in neighbours(head, side) if grid[n] == 0 and isolated(n, grid, side, head)]
        if not options: break
        nxt = options[rng.next_int(len(options))]
        grid[nxt] = 1
        snake.append(nxt)
    if len(snake) < 3:
        for c in snake: grid[c] = 0
        return None
    return snake

def connected(grid, side):
    ends = [c for c in range(side * side) if grid[c] == 2]
    if len(ends) < 2: return False
    seen, queue = {ends[0]}, [ends[0]]
    while queue:
        cell = queue.pop(0)
        if cell != ends[0] and grid[cell] == 2: return True
        for n in neighbours(cell, side):
            if n not in seen and grid[n] in (1, 2):
                seen.add(n); queue.append(n)
    return False

def pathfinder_example(T, rng, want):
    side = 1
    while (side + 1) ** 2 <= T: side += 1
    lo, hi = 3, max(4, side * side // 6)
    for _ in range(1000):
        grid = [0] * (side * side)
        a = grow_snake(rng, grid, side, lo + rng.next_int(hi - lo + 1))
        if a is None: continue
        b = grow_snake(rng, grid, side, lo + rng.next_int(hi - lo + 1))
        if b is None: continue
        if want:
            e0, e1 = a[0], a[-1]
        else:
            e0 = a[0] if rng.next_int(2) == 0 else a[-1]
            e1 = b[0] if rng.next_int(2) == 0 else b[-1]
        grid[e0] = grid[e1] = 2
        if connected(grid, side) == want: break
    else:
        grid = [0] * (side * side)
        for c in range(3): grid[c] = grid[2 * side + c] = 1
        grid[0] = 2; grid[2 if want else 2 * side + 2] = 2
    return grid + [3] * (T - len(grid)), [1 if want else 0]


# --- the streams ---------------------------------------------------------------------------
def rows(kind, split, count, seed, T, B):
    root = SplitMix64(seed).derived(task_salt(kind))
    if kind == "digits":
        folder = os.environ.get("PDET_ASSETS", os.path.join(os.path.dirname(__file__), "..", "assets"))
        with gzip.open(os.path.join(folder, "data", "digits.csv.gz"), "rt") as f:
            table = [[int(v) for v in line.split(",")] for line in f if line.strip()]
        train = [r for r in range(len(table)) if r % 5 != 4]
        test = [r for r in range(len(table)) if r % 5 == 4]
        def digit_row(r):
            return table[r][:64] + [17] * (T - 64), [table[r][64]]
    i = 0
    k = 0
    while i < count:
        if split == "train":
            rng = root.derived(TRAIN_SALT).derived(k & MASK)
            first = None
            for r in range(B):
                if kind in ("reverse", "sort", "copy"): ex = sequence_example(kind, T, rng)
                elif kind == "listops": ex = listops_example(T, rng, rng.next_int(10))
                elif kind == "pathfinder":
                    if first is None: first = rng.next_int(2)
                    ex = pathfinder_example(T, rng, (r + first) % 2 == 1)
                else: ex = digit_row(train[rng.next_int(len(train))])
                if i < count: yield i, k, r, ex
                i += 1
        else:
            for r in range(B):
                e = k * B + r
                if i >= count: break
                if kind == "digits": ex = digit_row(test[e])
                else:
                    rng = root.derived(TEST_SALT).derived(e)
                    if kind in ("reverse", "sort", "copy"): ex = sequence_example(kind, T, rng)
                    elif kind == "listops": ex = listops_example(T, rng, e % 10)
                    else: ex = pathfinder_example(T, rng, e % 2 == 1)
                yield i, k, r, ex
                i += 1
        k += 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", required=True, choices=TASKS)
    p.add_argument("--split", default="train", choices=["train", "heldout"])
    p.add_argument("--count", type=int, default=None, help="default: 1024 (train) or the whole held-out split")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seq-len", type=int, default=64)
    p.add_argument("--batch", type=int, default=32)
    a = p.parse_args()
    if a.count is None:
        a.count = 1024 if a.split == "train" else (359 if a.task == "digits" else 512)
    out = sys.stdout
    for i, k, r, (tokens, targets) in rows(a.task, a.split, a.count, a.seed, a.seq_len, a.batch):
        out.write('{"index":%d,"split":"%s","batch":%d,"row":%d,"tokens":[%s],"targets":[%s]}\n' % (
            i, a.split, k, r, ",".join(map(str, tokens)), ",".join(map(str, targets))))

if __name__ == "__main__":
    main()
