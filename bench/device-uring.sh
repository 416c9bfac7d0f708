#!/usr/bin/env bash
# The io_uring figures on a many-core host (the README's 16-core ones): zcprof against the
# liburing yardstick in interleaved pairs, then one run of the uring methods without and
# one with SQPOLL. For the lent device machine, which has no Node and no network:
#   ../shared/tools/device-bundle.sh .device-carry
#   cc -O2 -std=gnu11 -static -o .device-carry/baseline bench/baseline.c -luring
#   device run, carrying .device-carry:  bash bench/device-uring.sh
# Writes host.txt, pairs.json (each pair's Gbit/s), plain.txt/json and sqpoll.txt/json to $OUT.
set -euo pipefail
R=$(pwd)
source .device-carry/activate.sh
(nproc; uname -r; cat /proc/sys/kernel/io_uring_disabled; lscpu | grep "Model name") > "$OUT/host.txt" 2>&1
head -c 268435456 /dev/urandom > /tmp/f.bin
node "$R/bench/device-uring.mjs" "$R/.device-carry/baseline" /tmp/f.bin "$OUT" 2> "$OUT/err.txt"
rm -f "$OUT"/tmp-*.json
