#!/usr/bin/env bash
# GPU tests and the speed benchmark on a machine with an NVIDIA GPU but no Java or Maven.
#   ./device-test.sh prepare   (here, after `mvn -pl plugin-gguf/cuda-engine -am install`): fills $ROOT/.device with
#                              a jlinked JDK 25 (xz), the test classpath, the JUnit console launcher and the shared
#                              models the tests read. .device is git-ignored; carry it to the GPU machine.
#   ./device-test.sh test      (there): runs the CUDA-gated tests (-Dhearth.test.cuda=true)
#   ./device-test.sh bench DIR (there): writes TinyLlama-1.1B-shaped models into DIR and measures pp512 / tg128
# CLASSES=other/cuda-engine-classes.jar puts another build of the engine on the class path (a baseline to bench in
# the same session). JAVA_OPTS=-Dhearth.bench.gpuLayers=N (bench): a partial offload.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DEV=$ROOT/.device
[ -f "$HERE/jdk.tar.xz" ] && DEV=$HERE  # the copy inside .device, on the GPU machine
SHARED=${SHARED:-$ROOT/../shared}
JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}

prepare() {
  rm -rf "$DEV" && mkdir -p "$DEV/lib" "$DEV/shared/reference"
  "$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.xml,java.sql,jdk.unsupported,jdk.incubator.vector,jdk.zipfs \
    --strip-debug --no-header-files --no-man-pages --compress=zip-0 --output /tmp/hearth-jdk.$$ 2>/dev/null
  tar cf - -C /tmp/hearth-jdk.$$ . | xz -T2 -6 > "$DEV/jdk.tar.xz" && rm -rf /tmp/hearth-jdk.$$
  (cd "$HERE" && mvn -q -o dependency:build-classpath -Dmdep.outputFile="$DEV/cp.txt" -Dmdep.includeScope=test >/dev/null)
  for j in $(tr ':' '\n' < "$DEV/cp.txt"); do
    case "$j" in
      *jcuda-natives*) (cd /tmp && rm -rf jn.$$ && mkdir jn.$$ && cd jn.$$ && unzip -q "$j" 'lib/libJCudaDriver-*' \
                        && jar cf "$DEV/lib/jcuda-natives-driver.jar" lib && cd .. && rm -rf jn.$$) ;;
      *hearth-plugin-api*) (cd "$ROOT/plugin-api/target/classes" && jar cf "$DEV/lib/hearth-plugin-api-classes.jar" dev META-INF/MANIFEST.MF) ;;
      *hearth-plugin-gguf-*) (cd "$ROOT/plugin-gguf/target/classes" && jar cf "$DEV/lib/hearth-plugin-gguf-classes.jar" .) ;;
      *hearth-cuda-runtime*) ;; # its classes come from target/ below
      *) cp "$j" "$DEV/lib/" ;;
    esac
  done
  for m in cuda-runtime cuda-engine; do
    (cd "$ROOT/plugin-gguf/$m/target" && jar cf "$DEV/lib/$m-classes.jar" -C classes . && jar cf "$DEV/lib/$m-tests.jar" -C test-classes .)
  done
  cp ~/.m2/repository/org/junit/platform/junit-platform-console-standalone/1.13.4/junit-platform-console-standalone-1.13.4.jar "$DEV/console.jar"
  for f in models/stories260K/stories260K.gguf models/tinystories-656k/tinystories-656k-F16.gguf \
           models/tinystories-656k/tinystories-656k-Q8_0.gguf models/llama-mini/llama-mini-Q4_K_M.gguf \
           reference/greedy.jsonl reference/stories260K.logits reference/llama-mini-Q4_K_M.logits; do
    mkdir -p "$DEV/shared/$(dirname $f)" && cp "$SHARED/$f" "$DEV/shared/$f"
  done
  cp "$0" "$DEV/device-test.sh" && cp "$HERE/profile-decode.sh" "$DEV/profile-decode.sh"
  du -sh "$DEV"
}

java_cmd() {
  if [ ! -x /tmp/hearth-jdk/bin/java ]; then
    mkdir -p /tmp/hearth-jdk && python3 -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$DEV/jdk.tar.xz" /tmp/hearth-jdk
  fi
  mkdir -p /tmp/hearth-tmp
  echo /tmp/hearth-jdk/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    --sun-misc-unsafe-memory-access=allow -Djava.io.tmpdir=/tmp/hearth-tmp -Xmx16g
}

classpath() {
  ls "$DEV"/lib/*.jar | sed "s|.*/cuda-engine-classes.jar\$|${CLASSES:-&}|" | tr '\n' ':'
}

case "${1:-}" in
  prepare) prepare ;;
  test)
    $(java_cmd) -Dhearth.test.cuda=true -Dhearth.shared="$DEV/shared" -jar "$DEV/console.jar" execute \
      -cp "$(classpath)" --select-class dev.hearth.cuda.driver.CudaDiscoveryTest \
      --select-class dev.hearth.gguf.cuda.CudaMatVecTest --select-class dev.hearth.gguf.cuda.CudaBackendTest \
      --select-class dev.hearth.gguf.cuda.CudaRopeFreqsTest \
      --details=tree --disable-banner ;;
  bench)
    shift; $(java_cmd) ${JAVA_OPTS:-} -cp "$(classpath)" dev.hearth.gguf.cuda.CudaBench "$@" ;;
  *) echo "usage: $0 prepare | test | bench DIR [QUANT...]" >&2; exit 2 ;;
esac
