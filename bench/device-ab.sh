#!/usr/bin/env bash
# A/B on the device: store reads with SQLite's memory statistics on (its default) and off, then the
# HTTP server of the previous commit (iamd-old) and of this change (iamd-new) at 1 and 8 worker threads.
# Copy into a bundle made by ../shared/bench/device/bundle.sh, beside: run2.sh (run.sh without its
# engine_bench and $sc lines), store_bench (and its libraries in lib/), iamd-old and iamd-new.
# MEMSTATUS="" skips the store part.
set -u
cd "$(dirname "$0")"; D=$PWD; L=$D/lib; O=${OUT:-/tmp/out}; mkdir -p "$O"
{ nproc; lscpu | grep -E "Model name"; } > "$O/machine.txt" 2>&1
for m in ${MEMSTATUS-1 0}; do
  STORE_BENCH_MEMSTATUS=$m taskset -c 0-7 "$L/ld-linux-x86-64.so.2" --library-path "$L" ./store_bench \
    --benchmark_min_time=0.4 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true > "$O/store-memstatus$m.txt" 2>&1
done
for v in old new; do
  cp "iamd-$v" iamd
  OUT=$O/http-$v THREADS="1 8" OPS="getuser listusers" CONNS="16 64" DUR=4 ./run2.sh
done
