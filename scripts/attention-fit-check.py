#!/usr/bin/env python3
"""Independent check of docs/results/attention-fit-minilm.md with Hugging Face transformers.

Runs all-MiniLM-L6-v2 (from .cache/minilm) with `transformers` on the same corpus, fits the heat
kernel exp(-(i-j)^2 / (4 kappa)) to every head by a dense grid on log kappa (4001 points over
[1e-3, 1e4], no golden section), and prints per layer the mean fitted cosine, the uniform cosine
and the JSDs, to compare with the Swift report. Needs torch and transformers, e.g. the venv of
docs/minilm.md: /work/venv-torch/bin/python scripts/attention-fit-check.py
"""
import math, os, sys
import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

root = os.path.join(os.path.dirname(__file__), "..")
model_dir = os.path.join(root, ".cache", "minilm")
corpus = os.path.join(root, "assets", "corpus", "attention-sentences.txt")
sentences = [l.strip() for l in open(corpus, encoding="utf-8") if l.strip() and not l.strip().startswith("#")]
tok = AutoTokenizer.from_pretrained(model_dir)
model = AutoModel.from_pretrained(model_dir, attn_implementation="eager").eval()
log_grid = np.linspace(math.log(1e-3), math.log(1e4), 4001)

def cosines(A, pred):
    num = (A * pred).sum(1)
    return num / (np.linalg.norm(A, axis=1) * np.linalg.norm(pred, axis=1))

def jsd(p, q):
    m = 0.5 * (p + q)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(p > 0, p * np.log(p / m), 0.0)
        b = np.where(q > 0, q * np.log(q / m), 0.0)
    return np.clip(0.5 * (a.sum(1) + b.sum(1)), 0, math.log(2))

def fit(A):
    T = A.shape[0]
    d2 = (np.arange(T)[:, None] - np.arange(T)[None, :]) ** 2
    best, best_k = -1.0, None
    for lk in log_grid:
        c = cosines(A, np.exp(-d2 / (4 * math.exp(lk)))).mean()
        if c > best: best, best_k = c, math.exp(lk)
    pred = np.exp(-d2 / (4 * best_k)); pred /= pred.sum(1, keepdims=True)
    uni = np.full_like(A, 1.0 / T)
    rows = A / A.sum(1, keepdims=True)
    return best, cosines(A, uni).mean(), jsd(rows, pred).mean(), jsd(rows, uni).mean()

per_layer = {}
with torch.no_grad():
    for s in sentences:
        enc = tok(s, return_tensors="pt")
        out = model(**enc, output_attentions=True)
        for l, att in enumerate(out.attentions):
            heads = [fit(att[0, h].double().numpy()) for h in range(att.shape[1])]
            per_layer.setdefault(l, []).append(np.mean(heads, axis=0))
print("layer  cosine   uniform  JSD      uniformJSD   (means over %d sentences, transformers %s)" % (len(sentences), __import__("transformers").__version__))
for l in sorted(per_layer):
    m = np.mean(per_layer[l], axis=0)
    print("L%d     %.4f   %.4f   %.4f   %.4f" % (l + 1, *m))
m = np.mean([np.mean([per_layer[l][i] for l in per_layer], axis=0) for i in range(len(sentences))], axis=0)
print("all    %.4f   %.4f   %.4f   %.4f" % tuple(m))
