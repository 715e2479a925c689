#!/usr/bin/env bash
# Per-kernel times of decode steps on the GPU machine (after device-test.sh test or bench has unpacked the JDK):
#   ./profile-decode.sh MODEL.gguf [STEPS] > table
# Nsight Compute profiles each kernel node of the decode graph on its own (serialised, caches not flushed, clocks
# as found) and the script sums gpu__time_duration per kernel name, separately for the fused steps and the
# one-kernel-per-op steps that CudaProfile runs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DEV=$ROOT/.device
[ -f "$HERE/jdk.tar.xz" ] && DEV=$HERE  # the copy inside .device, on the GPU machine
MODEL=$1
STEPS=${2:-2}
CSV=${CSV:-/tmp/ncu-decode.csv}
NCU=${NCU:-$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -1)}
"$NCU" --target-processes all --graph-profiling node --clock-control none --cache-control none \
  --metrics gpu__time_duration.sum --csv --page raw --log-file "$CSV" \
  /tmp/hearth-jdk/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -Djava.io.tmpdir=/tmp -Xmx16g -cp "$(ls "$DEV"/lib/*.jar | tr '\n' ':')" \
  dev.hearth.gguf.cuda.CudaProfile "$MODEL" "$STEPS" >&2
python3 - "$CSV" "$STEPS" <<'PY'
import csv, sys, collections
rows = [r for r in csv.reader(open(sys.argv[1])) if r]
head = next(i for i, r in enumerate(rows) if "Kernel Name" in r)
h = rows[head]
ki, ti = h.index("Kernel Name"), h.index("gpu__time_duration.sum")
unit = rows[head + 1][ti] if not rows[head + 1][ti].replace('.', '').isdigit() else "ns"
data = [(r[ki], float(r[ti].replace(',', ''))) for r in rows[head + 1:] if len(r) > ti and r[ti].replace(',', '').replace('.', '').isdigit()]
scale = {"ns": 1e-3, "usecond": 1, "us": 1, "msecond": 1e3, "ms": 1e3, "nsecond": 1e-3}.get(unit, 1e-3)
steps = int(sys.argv[2])
first_rope = next((i for i, (n, _) in enumerate(data) if n.startswith("rope_store")), len(data))
split = max(i for i in range(first_rope + 1) if i < len(data) and data[i][0].startswith("embed")) if first_rope < len(data) else len(data)
for label, part in (("fused", data[:split]), ("unfused", data[split:])):
    agg = collections.OrderedDict()
    for n, t in part:
        n = n.split("(")[0]
        c, s = agg.get(n, (0, 0.0))
        agg[n] = (c + 1, s + t * scale)
    total = sum(s for _, s in agg.values())
    print(f"## {label}: {len(part)} kernels in {steps} steps, kernel time {total / steps:.1f} us per step (unit {unit})")
    print("| kernel | launches per step | us per step | us per launch |")
    print("|---|---|---|---|")
    for n, (c, s) in sorted(agg.items(), key=lambda kv: -kv[1][1]):
        print(f"| {n} | {c / steps:.0f} | {s / steps:.1f} | {s / c:.2f} |")
PY
