#!/usr/bin/env python3
"""Times one forward pass of all-MiniLM-L6-v2 on a 12-token sentence: Hugging Face transformers
(torch, no_grad, after warm-up, median of N) and the Swift PDETBert forward (release build, same
sentence, median of N, run right after), each with 2 threads and with 1, then prints the figures
and the ratios Swift / HF. The machine is shared: the load average is printed too, and torch's
OpenMP threads suffer most from a loaded machine, so the 1-thread ratio is the fairer one then.

Run: scripts/fetch-minilm.sh && /work/venv-torch/bin/python bench/minilm_bench.py [--iterations 50]
The Swift side is the test MiniLMParityTests/testForwardTiming, which prints
"MINILM_SWIFT_MS=<median ms>" when MINILM_BENCH_ITERATIONS is set.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, ".cache", "minilm")
TEXT = "The quick brown fox jumps over the lazy dog."  # [CLS] + 10 pieces + [SEP] = 12 tokens


def time_hf(iterations, threads):
    import torch
    from transformers import BertModel, BertTokenizer

    torch.set_num_threads(threads)
    tokenizer = BertTokenizer.from_pretrained(MODEL, local_files_only=True)
    model = BertModel.from_pretrained(MODEL, local_files_only=True)  # default attention (sdpa)
    model.eval()
    enc = tokenizer(TEXT, return_tensors="pt")
    assert enc["input_ids"].shape[1] == 12, enc["input_ids"].shape
    times = []
    with torch.no_grad():
        for _ in range(10):
            model(**enc)
        for _ in range(iterations):
            start = time.perf_counter()
            model(**enc)
            times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), torch.__version__


def time_swift(iterations):
    env = dict(os.environ, MINILM_BENCH_ITERATIONS=str(iterations))
    out = subprocess.run(
        ["swift", "test", "-c", "release", "--filter", "MiniLMParityTests/testForwardTiming"],
        cwd=ROOT, env=env, capture_output=True, text=True)
    match = re.search(r"MINILM_SWIFT_MS=([0-9.]+) MINILM_SWIFT_MS_1T=([0-9.]+)", out.stdout + out.stderr)
    if not match:
        sys.exit("Swift timing not found:\n" + (out.stdout + out.stderr)[-3000:])
    return float(match.group(1)), float(match.group(2))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--skip-swift", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(os.path.join(MODEL, "model.safetensors")):
        sys.exit("MiniLM not downloaded: run scripts/fetch-minilm.sh")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    hf, version = time_hf(args.iterations, 2)
    hf1, _ = time_hf(args.iterations, 1)
    print(f"HF transformers (torch {version}), 2 threads: {hf:.2f} ms, 1 thread: {hf1:.2f} ms (median of {args.iterations})")
    if args.skip_swift:
        return
    swift, swift1 = time_swift(args.iterations)
    print(f"Swift PDETBert (release), 2 threads: {swift:.2f} ms, 1 thread: {swift1:.2f} ms (median of {args.iterations})")
    print(f"ratio Swift / HF, 2 threads each: {swift / hf:.2f}; 1 thread each: {swift1 / hf1:.2f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
