#!/usr/bin/env bash
# Where a decode step's time goes with the overlapped launches on (Nsight Compute serialises kernels, so it cannot
# show this): the HEARTH_TRACE build of the kernels records the global timer as each kernel passes its grid wait
# (common.cuh), and CudaTrace reports the time from one mark to the next: that kernel's share of the critical path.
#   ./trace-decode.sh jar OUT.jar            (here): the compute_90 PTX built -DHEARTH_TRACE, alone in a jar
#   ./trace-decode.sh run JAR MODEL [STEPS]  (on the GPU machine, after device-test.sh unpacked the JDK): that jar
#                                            ahead of the engine's classes, so its PTX is the one loaded
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DEV=$ROOT/.device
[ -f "$HERE/jdk.tar.xz" ] && DEV=$HERE
case "${1:-}" in
  jar)
    out=$(realpath -m "$2"); tmp=$(mktemp -d)
    mkdir -p "$tmp/dev/hearth/gguf/cuda/ptx/sm_90"
    for cu in "$HERE"/src/main/cuda/*.cu; do
      ${NVCC:-nvcc} -arch=compute_90 -ptx -O3 -DHEARTH_TRACE -o "$tmp/dev/hearth/gguf/cuda/ptx/sm_90/$(basename "$cu" .cu).ptx" "$cu"
    done
    (cd "$tmp" && jar cf "$out" .) && rm -rf "$tmp" ;;
  run)
    CP=$2:$(ls "$DEV"/lib/*.jar | tr '\n' ':')
    /tmp/hearth-jdk/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
      --sun-misc-unsafe-memory-access=allow -Djava.io.tmpdir=/tmp -Xmx16g -cp "$CP" \
      dev.hearth.gguf.cuda.CudaTrace "$3" "${4:-40}" ;;
  *) echo "usage: $0 jar OUT.jar | run JAR MODEL [STEPS]" >&2; exit 2 ;;
esac
