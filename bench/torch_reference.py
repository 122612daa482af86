#!/usr/bin/env python3
"""PyTorch reference for `pdet-tui bench`: the identical model (pre-LN, 6 layers, d_model 64, 4 heads,
d_ff 256, T 64, GELU-tanh, sinusoidal positions, diffusion after the embedding at scales 1,2,4 with
Neumann boundary, mean over tokens not used: per-token head), AdamW, gradient clipping 1.0.
Measures median ms per training step (batch 32) and per forward of one sequence, on the threads given.

    python3 -m venv /tmp/venv-torch && /tmp/venv-torch/bin/pip install torch
    /tmp/venv-torch/bin/python bench/torch_reference.py --threads 2 [--json]
"""
import argparse, json, math, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as F

class Diffusion(nn.Module):
    """u[t] += sum_s alpha[s,c] * (u[max(t-s,0)] - 2 u[t] + u[min(t+s,T-1)]), one explicit Euler step."""
    def __init__(self, C, scales, alpha):
        super().__init__()
        self.scales = scales
        self.alpha = nn.Parameter(torch.full((len(scales), C), alpha / len(scales)))
    def forward(self, u):  # (B, T, C)
        T = u.shape[1]
        idx = torch.arange(T)
        out = u
        for si, s in enumerate(self.scales):
            left = u[:, (idx - s).clamp(min=0)]
            right = u[:, (idx + s).clamp(max=T - 1)]
            out = out + self.alpha[si] * (left - 2 * u + right)
        return out

class Block(nn.Module):
    def __init__(self, C, NH, Fd):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(C, eps=1e-5), nn.LayerNorm(C, eps=1e-5)
        self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.fc1, self.fc2 = nn.Linear(C, Fd), nn.Linear(Fd, C)
        self.NH = NH
    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = [t.view(B, T, self.NH, C // self.NH).transpose(1, 2) for t in (q, k, v)]
        att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(C // self.NH), dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x)), approximate="tanh"))

class Model(nn.Module):
    def __init__(self, V=13, K=10, T=64, C=64, NH=4, Fd=256, L=6):
        super().__init__()
        self.tok = nn.Embedding(V, C)
        pe = torch.zeros(T, C)
        for p in range(T):
            for i in range(0, C, 2):
                a = p / (10000 ** (i / C))
                pe[p, i] = math.sin(a)
                if i + 1 < C: pe[p, i + 1] = math.cos(a)
        self.register_buffer("pe", pe)
        self.diff = Diffusion(C, [1, 2, 4], 0.1)
        self.blocks = nn.ModuleList([Block(C, NH, Fd) for _ in range(L)])
        self.lnf = nn.LayerNorm(C, eps=1e-5)
        self.head = nn.Linear(C, K)
    def forward(self, tokens):
        x = self.diff(self.tok(tokens) + self.pe)
        for b in self.blocks: x = b(x)
        return self.head(self.lnf(x))

CPU_MS = {}

def median_ms(fn, iterations, warmup, name=None):
    """Median wall-clock ms; the process CPU ms per iteration (all threads) goes to CPU_MS[name]."""
    for _ in range(warmup): fn()
    times = []
    c0 = time.process_time()
    for _ in range(iterations):
        t0 = time.perf_counter(); fn(); times.append((time.perf_counter() - t0) * 1000)
    if name: CPU_MS[name] = (time.process_time() - c0) * 1000 / iterations
    return statistics.median(times)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = Model()
    for p in model.parameters():
        if p.dim() == 2: nn.init.normal_(p, 0, 0.02)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    tokens = torch.randint(0, 13, (32, 64))
    targets = torch.randint(0, 10, (32, 64))
    one = torch.randint(0, 13, (1, 64))
    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(tokens).reshape(-1, 10), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    def fwd32():
        with torch.no_grad(): model(tokens)
    def fwd1():
        with torch.no_grad(): model(one)
    res = {"train_step_b32": median_ms(step, a.iterations, a.warmup, "train_step_b32"),
           "forward_b32": median_ms(fwd32, a.iterations, a.warmup, "forward_b32"),
           "forward_1seq": median_ms(fwd1, a.iterations, a.warmup, "forward_1seq")}
    if a.json:
        print(json.dumps({"torch": torch.__version__, "threads": a.threads, "results": res, "cpuMs": CPU_MS,
                          "cpu_capability": torch.backends.cpu.get_cpu_capability()}, indent=2))
    else:
        print(f"torch {torch.__version__}, {a.threads} threads (median of {a.iterations})")
        for k, v in res.items(): print(f"  {k:28s} {v:9.3f} ms")

if __name__ == "__main__":
    main()
