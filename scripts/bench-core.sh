#!/usr/bin/env bash
# Criterion benchmark of the core, per vendor; writes the `core` section of docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p mediahook-core --bench vendors -- --noplot "$@"
out=$(mktemp)
python3 - "$out" <<'PY'
import json, sys, os, platform, datetime
root = "target/criterion"
def ns(group, name):
    with open(os.path.join(root, group, name, "new", "estimates.json")) as f:
        return json.load(f)["median"]["point_estimate"]
rows, worst = [], 0.0
for vendor in ["tencent_vod", "baidu_vod", "volcengine_live"]:
    full, hash_, ps = ns(vendor, "full"), ns(vendor, "hash"), ns(vendor, "parse_serialize")
    ratio = full / (hash_ + ps)
    worst = max(worst, ratio)
    rows.append(f"| {vendor} | {full/1000:.2f} | {hash_/1000:.3f} | {ps/1000:.2f} | **{ratio:.2f}x** |")
cpu = next((l.split(":",1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
with open(sys.argv[1], "w") as f:
    f.write(f"""## Core (criterion, `scripts/bench-core.sh`)

Full path = verify + parse + normalize of a signed ~1 KB callback; primitives = the
scheme's hash alone on the same bytes, and serde_json parse into a `Value` + serialize back.
Target: full ≤ 1.5x (hash + parse/serialize) for every vendor. Medians, µs per callback.
{datetime.date.today()} on {cpu}, {os.cpu_count()} cores.

| vendor | full | hash | parse+serialize | full / (hash + parse+serialize) |
|---|---|---|---|---|
""" + "\n".join(rows) + f"\n\nWorst ratio: {worst:.2f}x ({'meets' if worst <= 1.5 else 'MISSES'} the 1.5x target).\n")
PY
scripts/bench-section.sh core "$out"
cat "$out"
