#!/usr/bin/env python3
"""Hand-made edge cases: each is run through the reference (default readings) and the tool."""
import json, os, sys
from spec_reference import Reference
from crosscheck import run_tool, compare

def case(opt, tensors, groups, grads):
    o = {"variant": "sgd", "lr": 0.1, "startPruningStep": 0, "pruningSteps": 1, "pruningPeriods": 1,
         "groupDivisible": 1, "saliencyWeights": {"magnitude": 1}}
    o.update(opt)
    return {"optimizer": o,
            "tensors": [{"name": n, "shape": [len(v)], "values": v} for n, v in tensors],
            "nodeGroups": [{"name": g, "members": [{"tensor": t} for t in ms]} for g, ms in groups],
            "gradients": grads}

Z = lambda *ts: {t: [0.0] * n for t, n in ts}
C = {
 "tie_within_group": case({"targetGroupSparsity": 0.5}, [("w", [1, 1, 2])], [("g", ["w"])], [Z(("w", 3))]),
 "tie_across_groups": case({"targetGroupSparsity": 0.3}, [("a", [1, 5]), ("b", [1, 5])],
                           [("ga", ["a"]), ("gb", ["b"])], [Z(("a", 2), ("b", 2))]),
 "tie_group_order_vs_tensor_order": case({"targetGroupSparsity": 0.3}, [("a", [1, 5]), ("b", [1, 5])],
                           [("gb", ["b"]), ("ga", ["a"])], [Z(("a", 2), ("b", 2))]),
 "giveback_tie": case({"targetGroupSparsity": 0.375, "groupDivisible": 2},
                      [("a", [1, 1, 1, 9]), ("b", [5, 9, 9, 9])], [("ga", ["a"]), ("gb", ["b"])],
                      [Z(("a", 4), ("b", 4))]),
 "quota_zero_early_periods": case({"targetGroupSparsity": 0.3, "pruningSteps": 3, "pruningPeriods": 3},
                      [("w", [3, 1, 2, 4])], [("g", ["w"])], [Z(("w", 4))] * 4),
 "giveback_then_last_period": case({"targetGroupSparsity": 0.5, "pruningSteps": 3, "pruningPeriods": 3, "groupDivisible": 2},
                      [("w", [3, 1, 2, 4, 5, 6, 7, 8])], [("g", ["w"])], [Z(("w", 8))] * 4),
 "cosine_norm_includes_pruned": case({"targetGroupSparsity": 0.5, "pruningSteps": 2, "pruningPeriods": 2,
                      "saliencyWeights": {"cosine": 1, "magnitude": 0.05}},
                      [("w", [1, 2, -3, 4])], [("g", ["w"])],
                      [{"w": [1, 1, 1, 1]}, {"w": [1, -1, -1, 1]}, {"w": [0, 0, 0, 0]}]),
 "warmup_tp1": case({"targetGroupSparsity": 0.5, "startPruningStep": 3, "pruningSteps": 2, "pruningPeriods": 2},
                      [("w", [1, 2, 3, 4])], [("g", ["w"])], [{"w": [1, -1, 1, -1]}] * 5),
 "warmup_tp3": case({"targetGroupSparsity": 0.5, "startPruningStep": 2, "pruningSteps": 3, "pruningPeriods": 1},
                      [("w", [1, 2, 3, 4])], [("g", ["w"])], [{"w": [1, -1, 1, -1]}] * 6),
}
os.makedirs("runs/directed", exist_ok=True)
ok = 0
for name, c in C.items():
    p = f"runs/directed/{name}.json"
    json.dump(c, open(p, "w"))
    ref = Reference(c).run()
    tool, err = run_tool(p, f"runs/directed/{name}.out.json")
    d = err if tool is None else compare(ref, tool)
    ok += not d
    print(f"{name:34s} {'MATCH' if not d else 'MISMATCH'} ref.pruned={ref['pruned']} tool.pruned={tool and tool['pruned']}")
    if d: print("    ", d)
print(f"{ok}/{len(C)} matched")
