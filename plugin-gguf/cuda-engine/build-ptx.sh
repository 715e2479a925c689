#!/usr/bin/env bash
# Compiles every kernel in src/main/cuda to PTX twice: for compute_80 (the driver JIT-compiles it for Ampere, Ada
# and Hopper) into src/main/resources/dev/hearth/gguf/cuda/ptx/<op>.ptx, and for compute_90 into ptx/sm_90/<op>.ptx
# (Hopper on: the same kernels with programmatic dependent launch, common.cuh). manifest.txt records the SHA-256 of
# each op's sources (the .cu and every shared .cuh) and of its two PTX files. PtxManifestTest fails when a source
# no longer matches the manifest, i.e. when someone edited a kernel and did not rerun this script. Hashes rather
# than modification times, because a git checkout gives every file the time of the checkout.
set -euo pipefail
cd "$(dirname "$0")"
NVCC=${NVCC:-nvcc}
SRC=src/main/cuda
OUT=src/main/resources/dev/hearth/gguf/cuda/ptx
mkdir -p "$OUT/sm_90"
manifest="$OUT/manifest.txt"
echo "# op source-sha256 ptx-sha256 sm_90-ptx-sha256 (written by build-ptx.sh; sources = <op>.cu followed by all *.cuh, sorted)" > "$manifest.tmp"
for cu in $(ls "$SRC"/*.cu | sort); do
  op=$(basename "$cu" .cu)
  "$NVCC" -arch=compute_80 -ptx -O3 -o "$OUT/$op.ptx" "$cu"
  "$NVCC" -arch=compute_90 -ptx -O3 -o "$OUT/sm_90/$op.ptx" "$cu"
  src_hash=$(cat "$cu" $(ls "$SRC"/*.cuh | sort) | sha256sum | cut -d' ' -f1)
  ptx_hash=$(sha256sum "$OUT/$op.ptx" | cut -d' ' -f1)
  ptx90_hash=$(sha256sum "$OUT/sm_90/$op.ptx" | cut -d' ' -f1)
  echo "$op $src_hash $ptx_hash $ptx90_hash" >> "$manifest.tmp"
done
mv "$manifest.tmp" "$manifest"
echo "wrote $(ls "$OUT"/*.ptx "$OUT"/sm_90/*.ptx | wc -l) PTX files and $manifest ($("$NVCC" --version | tail -1))"
