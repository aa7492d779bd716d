#!/usr/bin/env python3
"""Independent float64 numpy reference of the HESSO spec (docs/hesso-algorithm.md,
sections 1-4, 6), for the `hesso replay` JSON format.

Usage: spec_reference.py IN.json OUT.json

Readings of ambiguous points (see README / report):
 A1 (alternative quota_mode="remainder": the last period takes K - |pruned so far|,
    catching up the give-backs of earlier periods.)
 A1 quotas are fixed from the original K: floor(K/P) for periods 1..P-1, and
    K - (P-1)*floor(K/P) for the last; groupDivisible give-backs do not change
    later quotas (option `quota_mode="fixed"`).
 A2 scores are normalised over ALL N prunable channels, including already-pruned
    ones (x = 0 there, so cosine = 1 contributes to the cosine denominator).
 A3 scores use x before this step's update (for adamw: before the decoupled decay).
 A4 sgd with mu == 0 and tau == 0: d = g' (no buffer).  With mu>0 or tau>0: buf = g'
    at k == 1.
 A5 the period-start commit (step 2) and the t == Tp-1 commit (step 4) are both done.
 A7 "(at least q, ...)" vs "With q = 1 nothing changes": default q1_floor=False applies no
    rounding at q == 1 (a group may lose all its channels); q1_floor=True keeps >= 1.
 A6 groupDivisible: r = n - |pruned| - |redundant| in the group; r' = min(n, max(q,
    ceil(r/q)*q)); r' - r highest-scoring of the group's newly selected redundant
    channels are given back (ties in give-back: higher global index given back
    first, i.e. the reverse of the selection order).
"""
import json
import math
import sys

import numpy as np

CRITERIA = ["magnitude", "avgMagnitude", "cosine", "taylorFirstOrder", "taylorSecondOrder"]


def flat(v):
    out = []

    def rec(a):
        if isinstance(a, list):
            for b in a:
                rec(b)
        else:
            out.append(float(a))

    rec(v)
    return out


def rows_view(arr, axis):
    """Return an (n, m) view (copy) of arr with channels on `axis`."""
    if arr.ndim == 0:
        raise ValueError("scalar cannot be a group member")
    if axis == 1:
        a = np.moveaxis(arr, 1, 0)
    else:
        a = arr
    return a.reshape(a.shape[0], -1)


def rows_index(shape, axis, n):
    """Flat-index matrix (n, m) into the row-major flattened tensor, for the row view."""
    idx = np.arange(int(np.prod(shape)) if len(shape) else 1).reshape(shape)
    return rows_view(idx, axis)


class Reference:
    def __init__(self, cfg, quota_mode="fixed", giveback_ties="reverse", q1_floor=False,
                 norm_exclude_pruned=False, adamw_score_after_decay=False):
        o = cfg["optimizer"]
        self.variant = str(o.get("variant", "sgd")).lower()
        self.lr = float(o["lr"])
        self.mu = float(o.get("momentum", 0))
        self.tau = float(o.get("dampening", 0))
        self.b1 = float(o.get("beta1", 0.9))
        self.b2 = float(o.get("beta2", 0.999))
        self.eps = float(o.get("epsilon", 1e-8))
        self.wd = float(o.get("weightDecay", 0))
        self.s = float(o.get("targetGroupSparsity", 0.5))
        self.start = int(o.get("startPruningStep", 0))
        self.pruning_steps = int(o["pruningSteps"])
        self.P = int(o.get("pruningPeriods", 1))
        self.q = int(o.get("groupDivisible", 1))
        sw = o.get("saliencyWeights")
        if sw is None:
            self.w = {c: 0.2 for c in CRITERIA}
        else:
            self.w = {c: float(sw.get(c, 0)) for c in CRITERIA}
        self.quota_mode = quota_mode
        self.giveback_ties = giveback_ties
        self.q1_floor = q1_floor
        self.norm_exclude_pruned = norm_exclude_pruned
        self.adamw_score_after_decay = adamw_score_after_decay

        self.names = [t["name"] for t in cfg["tensors"]]
        self.shapes = {t["name"]: tuple(int(d) for d in t["shape"]) for t in cfg["tensors"]}
        self.x = {t["name"]: np.array(flat(t["values"]), dtype=np.float64) for t in cfg["tensors"]}
        self.grads = cfg["gradients"]

        # groups
        self.groups = []  # list of dicts: name, members [(tensor, idx matrix)], n, prunable, offset
        off = 0
        for g in cfg.get("nodeGroups", []):
            mem = []
            n = None
            for m in g["members"]:
                t = m["tensor"]
                ax = int(m.get("axis", 0))
                shape = self.shapes[t]
                if n is None:
                    n = shape[ax]
                mem.append((t, rows_index(shape, ax, n)))
            prunable = n > self.q
            grp = dict(name=g["name"], members=mem, n=n, prunable=prunable, offset=off if prunable else None)
            if prunable:
                off += n
            self.groups.append(grp)
        self.N = off
        self.K = int(math.floor(self.N * min(self.s, 0.999)))
        self.Tp = self.pruning_steps // self.P
        base = self.K // self.P
        self.quotas = [base] * (self.P - 1) + [self.K - base * (self.P - 1)]

        self.pruned = np.zeros(self.N, dtype=bool)
        self.redundant = np.zeros(self.N, dtype=bool)
        self.periods_started = 0
        self.K_adj = self.K
        self.k = 0
        # optimizer state
        self.buf = {}
        self.m = {nm: np.zeros_like(self.x[nm]) for nm in self.names}
        self.v = {nm: np.zeros_like(self.x[nm]) for nm in self.names}

    # ---------------- direction ----------------
    def direction(self, nm, g):
        x = self.x[nm]
        k = self.k
        if self.variant == "sgd":
            gp = g + self.wd * x
            if self.mu > 0 or self.tau > 0:
                if k == 1:
                    self.buf[nm] = gp.copy()
                else:
                    self.buf[nm] = self.mu * self.buf[nm] + (1 - self.tau) * gp
                return self.buf[nm].copy()
            return gp
        elif self.variant in ("adam", "adamw"):
            gp = g + self.wd * x if self.variant == "adam" else g
            self.m[nm] = self.b1 * self.m[nm] + (1 - self.b1) * gp
            self.v[nm] = self.b2 * self.v[nm] + (1 - self.b2) * gp * gp
            mh = self.m[nm] / (1 - self.b1 ** k)
            vh = self.v[nm] / (1 - self.b2 ** k)
            return mh / (np.sqrt(vh) + self.eps)
        raise ValueError(self.variant)

    # ---------------- saliency ----------------
    def scores(self, d):
        raw = {c: np.zeros(self.N) for c in CRITERIA}
        for g in self.groups:
            if not g["prunable"]:
                continue
            n = g["n"]
            xx = np.zeros(n)
            dd = np.zeros(n)
            xd = np.zeros(n)
            msum = 0
            for t, idx in g["members"]:
                xr = self.x[t][idx]
                dr = d[t][idx]
                xx += np.sum(xr * xr, axis=1)
                dd += np.sum(dr * dr, axis=1)
                xd += np.sum(xr * dr, axis=1)
                msum += idx.shape[1]
            sl = slice(g["offset"], g["offset"] + n)
            mag = np.sqrt(xx)
            raw["magnitude"][sl] = mag
            raw["avgMagnitude"][sl] = mag / (msum + 1e-6)
            raw["cosine"][sl] = xd / (np.sqrt(xx) + 1e-8) / (np.sqrt(dd) + 1e-8) + 1
            raw["taylorFirstOrder"][sl] = np.abs(xd)
            raw["taylorSecondOrder"][sl] = 0.5 * xd * xd
        total = np.zeros(self.N)
        for c in CRITERIA:
            s = raw[c]
            if self.norm_exclude_pruned:
                s = np.where(self.pruned, 0.0, s)
            norm = s / (np.sqrt(1e-8 + np.sum(s * s)) + 1e-8)
            total += self.w[c] * norm
        return total

    def group_of(self, gi):
        for g in self.groups:
            if g["prunable"] and g["offset"] <= gi < g["offset"] + g["n"]:
                return g
        raise KeyError(gi)

    def start_period(self, d):
        # commit previous period
        self.pruned |= self.redundant
        self.redundant[:] = False
        sc = self.scores(d)
        if self.quota_mode == "fixed":
            quota = self.quotas[self.periods_started]
        else:  # "remainder": the last period takes K_adj - pruned so far
            # "catchup": the last period takes the original K minus what is pruned so far
            if self.periods_started == self.P - 1:
                quota = self.K - int(self.pruned.sum())
            else:
                quota = self.quotas[self.periods_started]
            quota = max(quota, 0)
        self.periods_started += 1
        cand = np.nonzero(~self.pruned)[0]
        # lexsort: primary score ascending, then index ascending
        order = cand[np.lexsort((cand, sc[cand]))]
        sel = order[:quota]
        self.redundant[sel] = True
        self.last_scores = sc
        # groupDivisible
        if self.q > 1 or self.q1_floor:
            for g in self.groups:
                if not g["prunable"]:
                    continue
                n = g["n"]
                sl = slice(g["offset"], g["offset"] + n)
                removed = int(self.pruned[sl].sum() + self.redundant[sl].sum())
                r = n - removed
                rp = min(n, max(self.q, -(-r // self.q) * self.q))
                give = rp - r
                if give > 0:
                    new = [i for i in sel if g["offset"] <= i < g["offset"] + n]  # selection order (asc score, asc idx)
                    if self.giveback_ties == "reverse":
                        back = new[::-1][:give]
                    else:  # highest score, ties lower index given back first
                        back = sorted(new, key=lambda i: (-sc[i], i))[:give]
                    for i in back:
                        self.redundant[i] = False
                    self.K_adj -= give

    def rows_apply(self, mask, fn):
        for g in self.groups:
            if not g["prunable"]:
                continue
            n = g["n"]
            loc = np.nonzero(mask[g["offset"]:g["offset"] + n])[0]
            if len(loc) == 0:
                continue
            for t, idx in g["members"]:
                fi = idx[loc].ravel()
                self.x[t][fi] = fn(self.x[t][fi])

    def step(self, grads):
        self.k += 1
        k = self.k
        g = {nm: np.array(flat(grads[nm]), dtype=np.float64) for nm in self.names}
        d = {nm: self.direction(nm, g[nm]) for nm in self.names}
        Tp = self.Tp
        if k >= self.start and self.periods_started < self.P and (k - self.start - 1) % Tp == 0:
            if self.adamw_score_after_decay and self.variant == "adamw":
                saved = {nm: self.x[nm].copy() for nm in self.names}
                for nm in self.names:
                    self.x[nm] = self.x[nm] - self.lr * self.wd * self.x[nm]
                self.start_period(d)
                self.x = saved
            else:
                self.start_period(d)
        t = (k - self.start) % Tp
        for nm in self.names:
            if self.variant == "adamw":
                self.x[nm] = self.x[nm] - self.lr * self.wd * self.x[nm]
            self.x[nm] = self.x[nm] - self.lr * d[nm]
        f = (Tp - t - 1) / (Tp - t)
        self.rows_apply(self.redundant, lambda v: v * f)
        self.rows_apply(self.pruned, lambda v: np.zeros_like(v))
        if k >= self.start and t == Tp - 1:
            self.pruned |= self.redundant
            self.redundant[:] = False

    def run(self, nsteps=None):
        gl = self.grads if nsteps is None else self.grads[:nsteps]
        for gr in gl:
            self.step(gr)
        out = {"tensors": [], "pruned": {}}
        for nm in self.names:
            out["tensors"].append({"name": nm, "values": [float(v) for v in self.x[nm]]})
        for g in self.groups:
            if g["prunable"]:
                loc = np.nonzero(self.pruned[g["offset"]:g["offset"] + g["n"]])[0]
                out["pruned"][g["name"]] = [int(i) for i in loc]
            else:
                out["pruned"][g["name"]] = []
        return out


def main():
    cfg = json.load(open(sys.argv[1]))
    out = Reference(cfg).run()
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
