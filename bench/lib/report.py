#!/usr/bin/env python3
"""Prints bench/bench.sh's table and writes its JSON result.

    report.py ROWS_TSV META_JSON OUT_JSON

ROWS_TSV has one measurement a line, tab-separated:
    id stage label rps p50_ms p99_ms errors bytes value unit goal
(empty fields as "-"). `goal` is a comma-separated list of conditions, all of
which must hold for "met":
    ratio>=X   req/s at least X times the reference row's (id "ref")
    p99<=X     p99 at most X ms
    p50<=X     p50 at most X ms
    of:ID>=X   req/s at least X times row ID's (PostgreSQL against SQLite)
    value<=X   the row's value (seconds, MB) at most X
A row without a goal is measured and shown, not judged.
"""
import json
import sys


def num(s):
    return None if s in ("", "-") else float(s)


def main():
    rows_tsv, meta_json, out_json = sys.argv[1:4]
    rows = []
    with open(rows_tsv, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 11:
                continue
            rid, stage, label, rps, p50, p99, errors, size, value, unit, goal = parts
            rows.append({
                "id": rid, "stage": stage, "target": label, "rps": num(rps), "p50_ms": num(p50),
                "p99_ms": num(p99), "errors": None if errors == "-" else int(errors),
                "bytes": None if size == "-" else int(size), "value": num(value),
                "unit": None if unit == "-" else unit, "goal": "" if goal == "-" else goal,
            })
    by_id = {r["id"]: r for r in rows}
    ref = by_id.get("ref", {}).get("rps")
    for r in rows:
        r["vs_ref"] = round(r["rps"] / ref, 3) if r["rps"] is not None and ref else None
        met = None
        if r["goal"]:
            met = True
            for cond in r["goal"].split(","):
                key, limit = cond.split(">=") if ">=" in cond else cond.split("<=")
                limit = float(limit)
                if key == "ratio":
                    ok = r["vs_ref"] is not None and r["vs_ref"] >= limit
                elif key in ("p99", "p50"):
                    v = r[key + "_ms"]
                    ok = v is not None and v <= limit
                elif key.startswith("of:"):
                    other = by_id.get(key[3:], {}).get("rps")
                    ok = r["rps"] is not None and bool(other) and r["rps"] >= limit * other
                elif key == "value":
                    ok = r["value"] is not None and r["value"] <= limit
                else:
                    ok = False
                met = met and ok
            if r["errors"]:
                met = False  # a row that measured error pages met nothing
        r["met"] = met

    with open(meta_json, encoding="utf-8") as f:
        meta = json.load(f)
    meta["rows"] = rows
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1, ensure_ascii=False)
        f.write("\n")

    def fmt(v, d=2):
        return "" if v is None else f"{v:,.{d}f}"

    def goal_text(g, unit=None):
        out = []
        for cond in filter(None, g.split(",")):
            if cond.startswith("ratio>="):
                out.append("≥" + cond[7:] + "× ref")
            elif cond.startswith("of:"):
                rid, x = cond[3:].split(">=")
                out.append(f"≥{x}× {rid}")
            elif cond.startswith("value<="):
                out.append("≤" + cond[7:] + (" " + unit if unit else ""))
            else:
                out.append(cond.replace("<=", "≤").replace("p99", "p99 ").replace("p50", "p50 ") + " ms")
        return ", ".join(out)

    w = max(len(r["target"]) for r in rows) if rows else 10
    head = f"{'target':<{w}} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs ref':>7} {'errors':>6}  {'goal':<24} met"
    print(head)
    print("-" * len(head))
    for r in rows:
        if r["rps"] is not None:
            first = fmt(r["rps"], 0)
        elif r["value"] is not None:
            first = f"{r['value']:,.1f} {r['unit'] or ''}".strip()
        else:
            first = "n/a"
        met = "" if r["met"] is None else ("met" if r["met"] else "MISSED")
        errors = "" if r["errors"] is None else str(r["errors"])
        print(f"{r['target']:<{w}} {first:>10} {fmt(r['p50_ms']):>8} {fmt(r['p99_ms']):>8} "
              f"{fmt(r['vs_ref'], 3):>7} {errors:>6}  {goal_text(r['goal'], r['unit']):<24} {met}")
    judged = [r for r in rows if r["met"] is not None]
    print(f"\n{sum(1 for r in judged if r['met'])} of {len(judged)} goals met; "
          f"reference = {by_id.get('ref', {}).get('target', 'none')}")


if __name__ == "__main__":
    main()
