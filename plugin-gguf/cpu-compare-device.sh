#!/usr/bin/env bash
# Hearth gguf-cpu against the llama.cpp stand-in (docs/llama-cpp-reference.md), side by side on an idle many-core
# machine (the GPU machine's host), TinyLlama-shaped models synthesised there; with BATCH=1 also continuous batching
# (tg64 against tg64xS, sessions stepping alone and together). Run it from a folder that holds: jdk.tar.xz (jlinked
# JDK 25), hearth.tar.xz (the distribution, ONNX Runtime and CUDA bundles left out to fit the transfer),
# llama-ref-bench and membw from /opt/llamacpp-ref, lib/ (libllama, libggml*, libgomp), ggml-vocab-llama-spm.gguf.
#   OUT=results BATCH=1 RUNS=3 ./cpu-compare-device.sh
# Optional: TILE512=1 adds Q4_K_M pp512 with the 512-bit prompt tile (-Dhearth.tile.bits=512) right after the
# default run; THREADS="4 8" adds Q4_K_M tg128 at those thread counts (scaling of generation);
# JARS="old=x/gguf-old.jar new=x/gguf-new.jar" runs, for every type right after the distribution's own run, the same
# benchmark on copies of the distribution with that plugin-gguf jar swapped in (paths relative to this folder), so
# engine variants are compared in one call on one machine.
set -uo pipefail
D=$(cd "$(dirname "$0")" && pwd)
RUNS=${RUNS:-3}
TYPES=${TYPES:-Q4_K_M Q8_0 F16}
mkdir -p /tmp/j /tmp/h /tmp/models "$OUT"
python3 -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$D/jdk.tar.xz" /tmp/j
python3 -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$D/hearth.tar.xz" /tmp/h
export JAVA_HOME=/tmp/j PATH=/tmp/j/bin:$PATH LD_LIBRARY_PATH=$D/lib
H=$(ls -d /tmp/h/*/bin/hearth | head -1)
for v in ${JARS:-}; do
  name=${v%%=*}
  rm -rf "/tmp/h-$name"; cp -r "$(dirname "$(dirname "$H")")" "/tmp/h-$name"
  cp "$D/${v#*=}" /tmp/h-$name/bundle/hearth-plugin-gguf-*.jar
done
{ date -u; lscpu | grep -E "Model name|^CPU\(s\)|Thread|L3"; free -g | head -2; java -version 2>&1 | head -1; } | tee "$OUT/machine.txt"
for t in $TYPES; do
  /usr/bin/time -f "synth $t %e s" "$H" synth --preset tinyllama-1.1b --type "$t" --vocab "$D/ggml-vocab-llama-spm.gguf" \
    --out /tmp/models/tinyllama-1.1b-$t.gguf > "$OUT/synth-$t.log" 2>&1; tail -1 "$OUT/synth-$t.log"
done
"$D/membw" | tee "$OUT/membw.txt"
for t in $TYPES; do
  m=/tmp/models/tinyllama-1.1b-$t.gguf
  echo "== $t"
  "$H" bench --model "$m" --backend gguf-cpu --scenario pp512,tg128 --runs "$RUNS" --no-progress --out "$OUT/hearth-$t" \
    > "$OUT/hearth-$t.log" 2>&1; grep '^| gguf-cpu' "$OUT/hearth-$t/bench.md" | cut -d'|' -f4,10,11,12,13
  for v in ${JARS:-}; do
    name=${v%%=*}
    /tmp/h-$name/bin/hearth bench --model "$m" --backend gguf-cpu --scenario pp512,tg128 --runs "$RUNS" --no-progress \
      --out "$OUT/hearth-$t-$name" > "$OUT/hearth-$t-$name.log" 2>&1
    echo "$name:"; grep '^| gguf-cpu' "$OUT/hearth-$t-$name/bench.md" | cut -d'|' -f4,10,11,12,13
  done
  if [ -n "${TILE512:-}" ] && [ "$t" = Q4_K_M ]; then
    HEARTH_OPTS="-Dhearth.tile.bits=512" "$H" bench --model "$m" --backend gguf-cpu --scenario pp512 --runs "$RUNS" \
      --no-progress --out "$OUT/hearth-$t-tile512" > "$OUT/hearth-$t-tile512.log" 2>&1
    echo "tile 512:"; grep '^| gguf-cpu' "$OUT/hearth-$t-tile512/bench.md" | cut -d'|' -f4,12
  fi
  "$D/llama-ref-bench" -m "$m" -p 512 -n 128 -r "$RUNS" > "$OUT/llamacpp-$t.md" 2> "$OUT/llamacpp-$t.log"; grep -E 'pp512|tg128' "$OUT/llamacpp-$t.md" || tail -3 "$OUT/llamacpp-$t.log"
done
for n in ${THREADS:-}; do
  m=/tmp/models/tinyllama-1.1b-Q4_K_M.gguf
  "$H" bench --model "$m" --backend gguf-cpu --scenario tg128 --runs "$RUNS" --threads "$n" --no-progress \
    --out "$OUT/hearth-threads-$n" > "$OUT/hearth-threads-$n.log" 2>&1
  echo "Q4_K_M tg128, $n threads:"; grep '^| gguf-cpu' "$OUT/hearth-threads-$n/bench.md" | cut -d'|' -f4,13
done
if [ -n "${BATCH:-}" ]; then
  m=/tmp/models/tinyllama-1.1b-Q4_K_M.gguf
  for db in 1 32; do
    echo "== continuous batching, decode-batch $db"
    "$H" bench --model "$m" --backend gguf-cpu --scenario tg64,tg64x4,tg64x8,tg64x16 --ctx 512 --runs "${BATCH_RUNS:-2}" --decode-batch $db \
      --no-progress --out "$OUT/batch-$db" > "$OUT/batch-$db.log" 2>&1; grep '^| gguf-cpu' "$OUT/batch-$db/bench.md" | cut -d'|' -f4,11,13
  done
fi
