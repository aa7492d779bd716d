#!/usr/bin/env python3
"""Random cross-check of `hesso replay` against spec_reference.py.

Usage: crosscheck.py SEED NCASES [OUTDIR]
"""
import json
import os
import subprocess
import sys

import numpy as np

from spec_reference import Reference

HESSO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bin", "hesso")
RTOL, ATOL = 1e-7, 1e-9


FOCUS = os.environ.get("FOCUS", "")


def gen_case(rng, idx):
    # ---------------- optimizer ----------------
    variant = ["sgd", "sgd", "adam", "adamw"][idx % 4] if rng.random() < 0.8 else str(rng.choice(["sgd", "adam", "adamw", "SGD", "Adam"]))
    o = {"variant": variant, "lr": float(rng.choice([0.01, 0.05, 0.1, 0.25]))}
    v = variant.lower()
    if v == "sgd":
        mode = rng.integers(0, 4)
        o["momentum"] = 0.0 if mode in (0, 2) else float(rng.choice([0.5, 0.9]))
        o["dampening"] = 0.0 if mode in (0, 1) else float(rng.choice([0.1, 0.5, 1.0]))
    else:
        o["beta1"] = float(rng.choice([0.9, 0.8, 0.5]))
        o["beta2"] = float(rng.choice([0.999, 0.99, 0.9]))
        if rng.random() < 0.2:
            o["epsilon"] = float(rng.choice([1e-8, 1e-6, 1e-3]))
    o["weightDecay"] = float(rng.choice([0.0, 0.0, 0.01, 0.1]))
    o["targetGroupSparsity"] = float(rng.choice([0.0, 0.3, 0.5, 0.9]))
    P = int(rng.choice([1, 2, 3]))
    Tp = int(rng.choice([1, 2, 3, 4, 5]))
    extra = int(rng.integers(0, P)) if rng.random() < 0.4 else 0  # pruningSteps not a multiple of P
    o["pruningSteps"] = P * Tp + extra
    o["pruningPeriods"] = P
    warm = int(rng.choice([0, 1, 2, 3, 5, 8]))
    o["startPruningStep"] = warm
    q = int(rng.choice([1, 1, 2, 4]))
    if FOCUS == "quota":
        P = int(rng.choice([2, 3]))
        o["pruningSteps"] = P * Tp + extra
        o["pruningPeriods"] = P
        q = int(rng.choice([2, 3, 4]))
        o["targetGroupSparsity"] = float(rng.choice([0.3, 0.5, 0.7, 0.9]))
    o["groupDivisible"] = q
    wmode = rng.integers(0, 5)
    if wmode == 1:
        o["saliencyWeights"] = {"magnitude": 1}
    elif wmode == 2:
        o["saliencyWeights"] = {"taylorFirstOrder": 1} if rng.random() < 0.5 else {"taylorSecondOrder": 1}
    elif wmode == 3:
        crit = ["magnitude", "avgMagnitude", "cosine", "taylorFirstOrder", "taylorSecondOrder"]
        o["saliencyWeights"] = {c: float(rng.choice([0, 0.1, 0.3, 1.0])) for c in crit}
        if sum(o["saliencyWeights"].values()) == 0:
            o["saliencyWeights"]["cosine"] = 0.5
    elif wmode == 4:
        o["saliencyWeights"] = {"avgMagnitude": 0.5, "cosine": 0.5}
    # else default (no object)

    # steps: sometimes finish, sometimes not
    full = warm + o["pruningSteps"] + 1
    if rng.random() < 0.6:
        nsteps = int(min(30, full + rng.integers(0, 4)))
    else:
        nsteps = int(rng.integers(3, max(4, min(30, full))))
    nsteps = max(3, min(30, nsteps))
    if FOCUS == "mid":
        Tp_ = o["pruningSteps"] // P
        nsteps = int(min(30, max(1, warm + int(rng.integers(0, P)) * Tp_ + int(rng.integers(1, Tp_ + 1)))))

    # ---------------- tensors & groups ----------------
    tensors, groups = [], []
    shapes = {}
    ngroups = int(rng.integers(1, 4))
    tcount = 0

    def add_tensor(shape, axis=None, n=None):
        nonlocal tcount
        name = f"t{tcount}"
        tcount += 1
        vals = rng.normal(size=shape)
        if axis is not None:
            # channel magnitudes differ: scale each channel
            sc = np.exp(rng.normal(scale=0.8, size=n))
            sh = [1] * len(shape)
            sh[axis] = n
            vals = vals * sc.reshape(sh)
        tensors.append({"name": name, "shape": list(shape), "values": vals.ravel().tolist()})
        shapes[name] = (tuple(shape), axis, n)
        return name

    for gi in range(ngroups):
        n = int(rng.choice([1, 2, 3, 4, 5, 6, 8]))
        if FOCUS == "quota":
            n = int(rng.choice([3, 5, 6, 7, 9]))
        if q > 1 and gi == 0 and rng.random() < 0.3:
            n = int(rng.integers(1, q + 1))  # n <= q: not prunable
        mems = []
        for mi in range(int(rng.integers(1, 4))):
            kind = rng.integers(0, 3)
            if kind == 0:
                shape, ax = (n, int(rng.integers(1, 4))), 0
            elif kind == 1:
                shape, ax = (n,), 0
            else:
                shape, ax = (int(rng.integers(1, 3)), n, int(rng.integers(1, 3))), 1
            name = add_tensor(shape, ax, n)
            m = {"tensor": name, "axis": ax}
            if ax == 0 and rng.random() < 0.5:
                del m["axis"]
            mems.append(m)
        groups.append({"name": f"g{gi}", "members": mems})
    # at least one prunable group when s > 0 (the tool rejects inputs with none; see report)
    if o["targetGroupSparsity"] > 0:
        nfirst = next(t for t in tensors if t["name"] == groups[-1]["members"][0]["tensor"])
        if shapes[nfirst["name"]][2] <= q:
            o["groupDivisible"] = q = 1 if shapes[nfirst["name"]][2] > 1 else q
            if shapes[nfirst["name"]][2] <= q:
                o["targetGroupSparsity"] = 0.0
    # K >= 1 when s > 0 (the tool rejects K == 0 with s > 0; see report)
    if o["targetGroupSparsity"] > 0:
        N = sum(shapes[g["members"][0]["tensor"]][2] for g in groups
                if shapes[g["members"][0]["tensor"]][2] > q)
        if int(N * o["targetGroupSparsity"]) == 0:
            o["targetGroupSparsity"] = 0.9 if int(N * 0.9) >= 1 else 0.0
    # tensors in no group
    for _ in range(int(rng.integers(0, 3))):
        shape = [(), (3,), (2, 2)][int(rng.integers(0, 3))]
        add_tensor(shape)

    # optional exact tie: channel 1 duplicates channel 0 in group 0 (values and gradients)
    tie = rng.random() < (0.9 if FOCUS == "tie" else 0.15)
    tie_group = groups[0]
    if tie and shapes[tie_group["members"][0]["tensor"]][2] < 2:
        tie = False

    def dup(name, arr):
        shape, ax, n = shapes[name]
        a = np.array(arr).reshape(shape) if shape else np.array(arr)
        a = np.moveaxis(a, ax, 0).copy()
        a[1] = a[0]
        return np.moveaxis(a, 0, ax).ravel().tolist()

    if tie:
        for m in tie_group["members"]:
            t = next(t for t in tensors if t["name"] == m["tensor"])
            t["values"] = dup(m["tensor"], t["values"])

    grads = []
    gscale = {t["name"]: rng.exponential(1.0) + 0.1 for t in tensors}
    for s in range(nsteps):
        gs = {}
        for t in tensors:
            shape, ax, n = shapes[t["name"]]
            gval = rng.normal(size=shape) * gscale[t["name"]]
            if ax is not None:
                sc = np.exp(rng.normal(scale=0.5, size=n))
                sh = [1] * len(shape)
                sh[ax] = n
                gval = gval * sc.reshape(sh)
            g = np.asarray(gval).ravel().tolist()
            if tie and any(m["tensor"] == t["name"] for m in tie_group["members"]):
                g = dup(t["name"], g)
            gs[t["name"]] = g
        grads.append(gs)
    return {"optimizer": o, "tensors": tensors, "nodeGroups": groups, "gradients": grads}


def run_tool(inp, out):
    if os.path.exists(out):
        os.remove(out)
    r = subprocess.run([HESSO, "replay", inp, out], capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[-1:] if r.stderr else ["rc=%d" % r.returncode]
    return json.load(open(out)), None


def compare(ref, tool):
    """Return list of difference descriptions (empty = match)."""
    diffs = []
    if ref["pruned"] != tool["pruned"]:
        diffs.append(("pruned", ref["pruned"], tool["pruned"]))
    tt = {t["name"]: np.array(t["values"], dtype=float) for t in tool["tensors"]}
    worst = 0.0
    bad = []
    for t in ref["tensors"]:
        a = np.array(t["values"], dtype=float)
        b = tt.get(t["name"])
        if b is None or b.shape != a.shape:
            bad.append((t["name"], "shape"))
            continue
        ok = np.isclose(b, a, rtol=RTOL, atol=ATOL, equal_nan=True)
        if not ok.all():
            err = np.max(np.abs(a - b)[~ok])
            worst = max(worst, err)
            bad.append((t["name"], float(err)))
    if bad:
        diffs.append(("values", bad, worst))
    return diffs


def first_divergence(case, d):
    """Replay with fewer steps to find the first step where outputs differ."""
    n = len(case["gradients"])
    for k in range(1, n + 1):
        c = dict(case)
        c["gradients"] = case["gradients"][:k]
        p = os.path.join(d, "trunc.json")
        json.dump(c, open(p, "w"))
        ref = Reference(c).run()
        tool, err = run_tool(p, os.path.join(d, "trunc.out.json"))
        if tool is None or compare(ref, tool):
            return k
    return None


def main():
    seed = int(sys.argv[1])
    ncases = int(sys.argv[2])
    outdir = sys.argv[3] if len(sys.argv) > 3 else f"runs/seed{seed}"
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(seed)
    nmatch = 0
    results = []
    for i in range(ncases):
        case = gen_case(rng, i)
        cdir = os.path.join(outdir, f"case{i:03d}")
        os.makedirs(cdir, exist_ok=True)
        inp = os.path.join(cdir, "in.json")
        json.dump(case, open(inp, "w"))
        ref = Reference(case).run()
        json.dump(ref, open(os.path.join(cdir, "ref.json"), "w"))
        tool, err = run_tool(inp, os.path.join(cdir, "tool.json"))
        o = case["optimizer"]
        desc = (f"{o['variant']} mu={o.get('momentum')} tau={o.get('dampening')} wd={o['weightDecay']} "
                f"s={o['targetGroupSparsity']} warm={o['startPruningStep']} PS={o['pruningSteps']} "
                f"P={o['pruningPeriods']} q={o['groupDivisible']} w={o.get('saliencyWeights')} "
                f"steps={len(case['gradients'])} groups={[len(g['members']) for g in case['nodeGroups']]}")
        if tool is None:
            status = "TOOL-ERROR " + " ".join(err)
            diffs = [("error", err)]
        else:
            diffs = compare(ref, tool)
            status = "MATCH" if not diffs else "MISMATCH"
        if not diffs:
            nmatch += 1
        elif tool is not None:
            alts = []
            for q1 in (False, True):
                for qm in ("fixed", "remainder"):
                    for gt in ("reverse", "lowidx"):
                        alt = Reference(case, quota_mode=qm, giveback_ties=gt, q1_floor=q1).run()
                        if not compare(alt, tool):
                            alts.append(f"q1_floor={q1},quota={qm},ties={gt}")
            status += " alt-match:" + (";".join(alts) if alts else "NONE")
        results.append({"case": i, "status": status, "desc": desc, "diffs": [str(x) for x in diffs]})
        print(f"case {i:3d} {status:9s} {desc}", flush=True)
        for x in diffs:
            print("     ", x, flush=True)
    json.dump(results, open(os.path.join(outdir, "results.json"), "w"), indent=1)
    print(f"{nmatch}/{ncases} matched")


if __name__ == "__main__":
    main()
