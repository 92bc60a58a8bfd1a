#!/usr/bin/env bash
# The scaling figures of docs/results.md ("Data-parallel training"): allreduce latency and bandwidth over shared memory
# and TCP loopback, then samples/s of 1 process and of 2 ranks (1 libtorch thread each) on the article MLP and the
# 28x28 DCGAN preset, each configuration REPEAT times. Writes JSON summaries and logs under OUT (default /tmp/gan-scaling).
# Run from the repository root after: dotnet build tests/Gan.Keras.MpiHost -c Release
set -euo pipefail
OUT=${OUT:-/tmp/gan-scaling}; REPEAT=${REPEAT:-3}
HOST=tests/Gan.Keras.MpiHost/bin/Release/net10.0/gan-mpi-host.dll
MNIST=tests/data/mnist
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
COMMON=(--oversubscribe --bind-to none --mca mpi_yield_when_idle 1)
SHM=(--mca btl self,vader)
TCP=(--mca btl self,tcp --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
RUNS=mlp:non-saturating:1:60,dcgan:non-saturating:1:30
mkdir -p "$OUT"
uptime | tee "$OUT/load-start.txt"
for transport in shm tcp; do
  declare -n T=${transport^^}
  mpirun "${COMMON[@]}" "${T[@]}" -np 2 dotnet "$HOST" bench-allreduce 2 | tee "$OUT/allreduce-$transport.txt"
done
for i in $(seq "$REPEAT"); do
  dotnet "$HOST" train --single --runs "$RUNS" --batch 64 --warmup 10 --mnist "$MNIST" --out "$OUT/one-64-$i"
  dotnet "$HOST" train --single --runs "$RUNS" --batch 128 --warmup 10 --mnist "$MNIST" --out "$OUT/one-128-$i"
  mpirun "${COMMON[@]}" "${SHM[@]}" -np 2 dotnet "$HOST" train --runs "$RUNS" --batch 64 --warmup 10 --mnist "$MNIST" --out "$OUT/shm-2x64-$i"
  mpirun "${COMMON[@]}" "${TCP[@]}" -np 2 dotnet "$HOST" train --runs "$RUNS" --batch 64 --warmup 10 --mnist "$MNIST" --out "$OUT/tcp-2x64-$i"
done
uptime | tee "$OUT/load-end.txt"
