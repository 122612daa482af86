#!/usr/bin/env python3
# The power analysis of docs/results/confirmatory-plan.md, from the standard grid's paired differences.
# Run from the repository root with scipy installed: python3 scripts/confirmatory-power.py
import csv, numpy as np
from scipy import stats
rows=[r for r in csv.reader(l for l in open('docs/results/standard.csv') if not l.startswith('#'))][1:]
acc={(r[1],r[2],int(r[3])):float(r[5]) for r in rows}
tasks=['listops','digits']
hyp={'H1':('after-embedding/s1','baseline',4.1),'H2':('after-attention/s1','baseline',-2.5),'H3':('before-attention/s1','baseline',3.9),'H4':('between-layers/s1','baseline',4.1),'H5':('after-embedding/s124','after-embedding/s1',1.0)}
def pooled_power(sds,n,eff,alpha):
    w=np.array([n/s**2 for s in sds]); se=1/np.sqrt(w.sum())
    df=(n-1)*w.sum()**2/(w**2).sum()
    tc=stats.t.ppf(1-alpha,df); ncp=abs(eff)/se
    return se,df,1-stats.nct.cdf(tc,df,ncp)
def task_power(s,n,eff,alpha):
    se=s/np.sqrt(n); df=n-1; tc=stats.t.ppf(1-alpha,df)
    return 1-stats.nct.cdf(tc,df,abs(eff)/se)
for h,(a,b,eff) in hyp.items():
    sds=[np.std([100*(acc[(t,a,s)]-acc[(t,b,s)]) for s in range(1,6)],ddof=1) for t in tasks]
    # upper 80% one-sided confidence bound for an SD from 4 df
    up=[s*np.sqrt(4/stats.chi2.ppf(0.2,4)) for s in sds]
    line=[f"{h} sd {sds[0]:.2f}/{sds[1]:.2f} (80% upper {up[0]:.2f}/{up[1]:.2f})"]
    for n in (10,15,20,25):
        se,df,p01=pooled_power(sds,n,eff,0.01); _,_,p05=pooled_power(sds,n,eff,0.05)
        _,_,pu=pooled_power(up,n,eff,0.01)
        pt=[task_power(s,n,eff,0.01) for s in sds]
        line.append(f"n={n}: SE {se:.2f} df {df:.1f} pow@.01 {p01:.2f} @.05 {p05:.2f} upperSD@.01 {pu:.2f} per-task@.01 {pt[0]:.2f}/{pt[1]:.2f}")
    print("\n  ".join(line))
