#!/usr/bin/env python3
"""Independent reference values for the unit tests of Sources/PDETCore/Statistics.swift and
Sources/PDETReproduce/Confirmatory.swift (Tests/PDETCoreTests/StatisticsTests.swift,
Tests/PDETReproduceTests/ConfirmatoryTests.swift). Needs scipy, numpy, statsmodels:

    python3 -m venv /work/venv-stats && /work/venv-stats/bin/pip install scipy numpy statsmodels
    /work/venv-stats/bin/python scripts/stats-reference.py

Every number the tests pin is printed here with the call that produced it."""
import numpy as np
from scipy import stats, optimize
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestPower

def show(label, value):
    print(f"{label} = {value!r}")

# Student t quantiles and CDF at integer and real df.
for p, df in [(0.975, 4), (0.975, 6.3), (0.95, 3.7), (0.975, 100.0), (0.999, 1.5)]:
    show(f"stats.t.ppf({p}, {df})", stats.t.ppf(p, df))
for x, df in [(-2.1, 5.5), (0.7, 2.0), (3.0, 14.0)]:
    show(f"stats.t.cdf({x}, {df})", stats.t.cdf(x, df))

# Noncentral t upper tails and t-test power.
for c, df, nc in [(2.776445105197793, 4, 2.0), (1.8, 6.4, 3.1), (2.0, 30, -1.0)]:
    show(f"stats.nct.sf({c}, {df}, {nc})", stats.nct.sf(c, df, nc))
def power(delta, df, alpha=0.05, two_sided=True):
    if two_sided:
        c = stats.t.ppf(1 - alpha / 2, df)
        return stats.nct.sf(c, df, delta) + stats.nct.sf(c, df, -delta)  # lower tail by symmetry (nct.cdf(-c) is NaN far out)
    return stats.nct.sf(stats.t.ppf(1 - alpha, df), df, delta)
show("power two-sided delta 2.5 df 6.3 (nct)", power(2.5, 6.3))
show("power one-sided delta 2.5 df 6.3 (nct)", power(2.5, 6.3, two_sided=False))
# statsmodels' paired/one-sample t power: effect size d = mean/sd, n = 15 → delta = d*sqrt(15), df 14.
show("TTestPower().power(effect_size=0.6, nobs=15, alpha=0.05, alternative='two-sided')",
     TTestPower().power(effect_size=0.6, nobs=15, alpha=0.05, alternative='two-sided'))
show("TTestPower().power(effect_size=0.6, nobs=15, alpha=0.01, alternative='larger')",
     TTestPower().power(effect_size=0.6, nobs=15, alpha=0.01, alternative='larger'))
for df in [4, 6.3, 14]:
    show(f"MDE/SE at 80% power, two-sided 0.05, df {df} (brentq on nct)",
         optimize.brentq(lambda d: power(d, df) - 0.8, 0.1, 10, xtol=1e-12))
show("MDE/SE at 80% power, one-sided 0.05, df 6.3 (brentq on nct)",
     optimize.brentq(lambda d: power(d, 6.3, two_sided=False) - 0.8, 0.1, 10, xtol=1e-12))

# Pooling. Equal weight over two groups [a, -b] is Welch's two-sample t (the 1/2 cancels).
a = np.array([1.2, 0.4, 2.9, 1.7, 0.8]); b = np.array([-0.5, 0.9, 0.1, -1.4, 0.3, 0.6, -0.2])
r = stats.ttest_ind(a, b, equal_var=False)
show("stats.ttest_ind(a, b, equal_var=False).statistic", r.statistic)
show("stats.ttest_ind(a, b, equal_var=False).pvalue", r.pvalue)
show("stats.ttest_ind(a, b, equal_var=False).df", r.df)
r1 = stats.ttest_1samp(a, 0)
show("stats.ttest_1samp(a, 0).pvalue", r1.pvalue)
show("stats.ttest_1samp(a, 0, alternative='less').pvalue", stats.ttest_1samp(a, 0, alternative='less').pvalue)
# Three groups, equal weight: by hand.
g = [np.array([0.02, 0.05, -0.01, 0.03, 0.04]), np.array([0.10, 0.01, 0.06, 0.08, -0.02]),
     np.array([0.30, -0.20, 0.05, 0.12, -0.04])]
m = np.array([x.mean() for x in g]); v = np.array([x.var(ddof=1) / len(x) for x in g]); n = np.array([len(x) for x in g])
est = m.mean(); vk = v / 9; se = np.sqrt(vk.sum()); df = vk.sum() ** 2 / (vk ** 2 / (n - 1)).sum()
show("equal-weight estimate (numpy)", est); show("equal-weight SE (numpy)", se); show("equal-weight Welch df (numpy)", df)
show("equal-weight 95% half-width = stats.t.ppf(0.975, df) * se", stats.t.ppf(0.975, df) * se)
show("equal-weight two-sided p = 2 * stats.t.sf(|est/se|, df)", 2 * stats.t.sf(abs(est / se), df))
from statsmodels.stats.meta_analysis import combine_effects
res = combine_effects(m, v, use_t=False)
show("combine_effects(m, v).mean_effect_fe", res.mean_effect_fe); show("combine_effects(m, v).sd_eff_w_fe", res.sd_eff_w_fe)
w = 1 / v; c = w / w.sum(); vk = c ** 2 * v
show("inverse-variance Welch df (numpy)", vk.sum() ** 2 / (vk ** 2 / (n - 1)).sum())

# Holm.
p = [0.01, 0.04, 0.03, 0.005, 0.2, 0.04]
show("multipletests(p, method='holm')[1]", list(multipletests(p, method='holm')[1]))

# The standard grid (docs/results/standard.csv): what the report's new statistics should print.
import csv, io, os
path = os.path.join(os.path.dirname(__file__), "..", "docs", "results", "standard.csv")
rows = list(csv.DictReader(io.StringIO("".join(l for l in open(path) if not l.startswith("#")))))
acc = {(r["task"], r["variant"], int(r["seed"])): float(np.float32(r["accuracy"])) for r in rows}
tasks = ["listops", "digits", "pathfinder"]; seeds = sorted({int(r["seed"]) for r in rows})
def diffs(v, ref="baseline"):
    return [np.array([acc[(t, v, s)] - acc[(t, ref, s)] for s in seeds]) for t in tasks]
def pooled(groups):
    m = np.array([g.mean() for g in groups]); v = np.array([g.var(ddof=1) / len(g) for g in groups])
    n = np.array([len(g) for g in groups]); K = len(groups)
    vk = v / K ** 2; se = np.sqrt(vk.sum()); df = vk.sum() ** 2 / (vk ** 2 / (n - 1)).sum()
    est = m.mean(); hw = stats.t.ppf(0.975, df) * se
    return est, se, df, est - hw, est + hw, 2 * stats.t.sf(abs(est / se), df)
def pooled_iv(groups):
    # Inverse-variance weights w = n / s², SE = 1/√Σw, df = (Σw)² / Σ w²/(n − 1): the confirmatory plan's primary.
    m = np.array([g.mean() for g in groups]); n = np.array([len(g) for g in groups])
    w = 1 / np.array([g.var(ddof=1) / len(g) for g in groups])
    est = (w * m).sum() / w.sum(); se = 1 / np.sqrt(w.sum()); df = w.sum() ** 2 / (w ** 2 / (n - 1)).sum()
    hw = stats.t.ppf(0.975, df) * se
    return est, se, df, est - hw, est + hw, 2 * stats.t.sf(abs(est / se), df)
sites = ["after-embedding", "before-norm", "before-attention", "after-attention", "after-ffn", "between-layers", "before-head"]
family = [f"{s}/{k}" for s in sites for k in ("s1", "s124")]
ps = []
for v in family:
    est, se, df, lo, hi, p = pooled(diffs(v)); ps.append(p)
holm = multipletests(ps, method="holm")[1]
for v, p, h in zip(family, ps, holm):
    est, se, df, lo, hi, _ = pooled(diffs(v))
    print(f"standard {v}: {est*100:+.2f} pp [{lo*100:+.2f}, {hi*100:+.2f}] df {df:.6f} p {p:.6f} holm {h:.6f}")
for name, v, ref, paper in [("claim 1", "after-embedding/s1", "baseline", 0.041), ("claim 2", "after-attention/s1", "baseline", -0.025),
                            ("claim 3 at after-embedding", "after-embedding/s124", "after-embedding/s1", None)]:
    est, se, df, lo, hi, p = pooled(diffs(v, ref))
    mde = optimize.brentq(lambda d: power(d, df) - 0.8, 0.1, 10, xtol=1e-12) * se
    extra = f" power at paper {power(abs(paper) / se, df):.6f}" if paper else ""
    print(f"standard {name}: {est*100:+.2f} pp [{lo*100:+.4f}, {hi*100:+.4f}] df {df:.4f} MDE80 {mde*100:.4f} pp{extra}")
# Claim 3 over all sites: per task and seed, the mean over the seven sites of s124 − s1.
g3 = [np.array([np.mean([acc[(t, f"{s}/s124", sd)] - acc[(t, f"{s}/s1", sd)] for s in sites]) for sd in seeds]) for t in tasks]
est, se, df, lo, hi, p = pooled(g3)
mde = optimize.brentq(lambda d: power(d, df) - 0.8, 0.1, 10, xtol=1e-12) * se
print(f"standard claim 3 all sites: {est*100:+.2f} pp [{lo*100:+.4f}, {hi*100:+.4f}] df {df:.4f} MDE80 {mde*100:.2f} pp")
# Best site: bootstrap of seeds within task (numpy's generator, so only close to the Swift figure).
rng = np.random.default_rng(1); best = 0; B = 10000
s1 = [f"{s}/s1" for s in sites]
D = {v: np.array([[acc[(t, v, s)] - acc[(t, "baseline", s)] for s in seeds] for t in tasks]) for v in s1}
for _ in range(B):
    idx = [rng.integers(0, len(seeds), len(seeds)) for _ in tasks]
    means = [np.mean([D[v][k][idx[k]].mean() for k in range(len(tasks))]) for v in s1]
    best += int(np.argmax(means) == 0)
print(f"standard P(after-embedding best) bootstrap (numpy, {B}) = {best / B:.4f}")

# Synthetic confirmatory rows (Tests/PDETReproduceTests/ConfirmatoryTests.swift): correct counts out
# of 512 per (variant, task, seed), seeds 101-106; the test builds CellResults from the printed table.
rng = np.random.default_rng(21)
ctasks = ["listops", "digits", "pathfinder"]; cseeds = list(range(101, 107))
base = {t: np.round(512 * b + rng.normal(0, 10, len(cseeds))).astype(int) for t, b in zip(ctasks, [0.27, 0.88, 0.87])}
spec = {"after-embedding/s1": (25, 8), "after-attention/s1": (-2, 30), "before-attention/s1": (15, 20), "between-layers/s1": (-3, 4)}
counts = {"baseline": base}
for v, (mu, sd) in spec.items():
    counts[v] = {t: base[t] + np.round(rng.normal(mu, sd, len(cseeds))).astype(int) for t in ctasks}
counts["after-embedding/s124"] = {t: counts["after-embedding/s1"][t] + np.round(rng.normal(3, 10, len(cseeds))).astype(int) for t in ctasks}
print("synthetic counts (variant: listops | digits | pathfinder, seeds 101-106):")
for v, by in counts.items():
    print(f'    "{v}": [' + ", ".join("[" + ", ".join(str(int(x)) for x in by[t]) + "]" for t in ctasks) + "],")
H = [("H1", "after-embedding/s1", "baseline", 1, 4.1), ("H2", "after-attention/s1", "baseline", -1, -2.5),
     ("H3", "before-attention/s1", "baseline", 1, 3.9), ("H4", "between-layers/s1", "baseline", 1, 4.1),
     ("H5", "after-embedding/s124", "after-embedding/s1", 1, 1.0)]
res = []
for hid, v, ref, side, planned in H:
    groups = [np.array([float(np.float32(counts[v][t][i] / 512)) - float(np.float32(counts[ref][t][i] / 512)) for i in range(len(cseeds))]) for t in ctasks]
    est, se, df, lo, hi, _ = pooled_iv(groups)
    p1 = stats.t.sf(est / se * side, df)
    pw = stats.nct.sf(stats.t.ppf(0.95, df), df, abs(planned / 100) / se)
    pw5 = stats.nct.sf(stats.t.ppf(1 - 0.01, df), df, abs(planned / 100) / se)
    res.append((hid, est, lo, hi, df, p1, pw, pw5, side))
holm = multipletests([r[5] for r in res], method="holm")[1]
for (hid, est, lo, hi, df, p1, pw, pw5, side), h in zip(res, holm):
    # The plan's rule: holds (Holm p < 0.05), contradicted (95% CI wholly on the other side of zero), else inconclusive.
    verdict = "holds" if h < 0.05 else ("contradicted" if (hi < 0 if side > 0 else lo > 0) else "inconclusive")
    print(f"synthetic {hid}: estimate {est!r} CI [{lo!r}, {hi!r}] df {df!r} p1 {p1!r} holm {h!r} "
          f"power(stats.nct.sf(t.ppf(0.95, df), df, |planned|/se)) {pw!r} power(alpha/5) {pw5!r} verdict {verdict}")

# The confirmatory plan's power table (listops and digits, inverse-variance pooled): scripts/confirmatory-power.py.
