import json, sys, glob, os, collections
import numpy as np
from spec_reference import Reference
from crosscheck import compare
C = collections.Counter()
for d in sorted(glob.glob(sys.argv[1] + "/case*")):
    c = json.load(open(d + "/in.json"))
    if not os.path.exists(d + "/tool.json"): C["tool-error"] += 1; continue
    tool = json.load(open(d + "/tool.json"))
    o = c["optimizer"]
    R = Reference(c, q1_floor=True)
    gb = [0]
    orig = R.start_period
    def sp(dd, R=R):
        before = R.K_adj; orig(dd); gb[0] += before - R.K_adj
    R.start_period = sp
    out = R.run()
    v = o["variant"].lower()
    if v == "sgd": v += "-mom" if o.get("momentum", 0) > 0 else ""; v += "-damp" if o.get("dampening", 0) > 0 else ""
    C["variant " + v] += 1
    C["wd>0"] += o["weightDecay"] > 0
    C[f"s={o['targetGroupSparsity']}"] += 1
    C[f"P={R.P}"] += 1
    C[f"Tp={R.Tp if R.Tp<=3 else '>=4'}"] += 1
    C[f"q={R.q}"] += 1
    C[f"warm={'0' if R.start==0 else '1' if R.start==1 else '>1'}"] += 1
    C["weights " + ("default" if "saliencyWeights" not in o else "+".join(k for k, w in o["saliencyWeights"].items() if w))] += 0
    C["weights " + ("default" if "saliencyWeights" not in o else "magnitude-only" if o["saliencyWeights"] == {"magnitude": 1} else "taylor-only" if set(o["saliencyWeights"]) <= {"taylorFirstOrder", "taylorSecondOrder"} else "mixed")] += 1
    npr = int(R.pruned.sum())
    C["some channel pruned"] += npr > 0
    C["periods finished (all P)"] += R.periods_started == R.P and not R.redundant.any()
    C["ended mid-period (redundant pending)"] += bool(R.redundant.any())
    C["pruning never started"] += R.periods_started == 0 and R.K > 0
    C["give-back happened"] += gb[0] > 0
    C["give-back with q>1"] += gb[0] > 0 and R.q > 1
    C["has non-prunable group"] += any(not g["prunable"] for g in R.groups)
    C["has axis-1 member"] += any(m.get("axis", 0) == 1 for g in c["nodeGroups"] for m in g["members"])
    ties = any(len(set(map(float, np.round(x, 0)))) for x in []) 
    alt = Reference(c, q1_floor=True, quota_mode="remainder").run()
    if compare(alt, out):
        C["quota fixed vs remainder distinguishable"] += 1
        C["  ... tool matches fixed"] += not compare(out, tool)
        C["  ... tool matches remainder"] += not compare(alt, tool)
    alt = Reference(c, q1_floor=True, giveback_ties="lowidx").run()
    if compare(alt, out):
        C["giveback tie rule distinguishable"] += 1
        C["  ... tool matches reverse(higher idx back)"] += not compare(out, tool)
    for flag in ("norm_exclude_pruned", "adamw_score_after_decay"):
        alt = Reference(c, q1_floor=True, **{flag: True}).run()
        if compare(alt, out):
            C[flag + " distinguishable"] += 1
            C["  ... tool matches default reading (" + flag + "=False)"] += not compare(out, tool)
            C["  ... tool matches " + flag + "=True"] += not compare(alt, tool)
    C["strict match (q1_floor=False)"] += not compare(Reference(c).run(), tool)
    C["match with q1_floor=True"] += not compare(out, tool)
    C["cases"] += 1
for k in sorted(C): print(f"{C[k]:5d}  {k}")
