#!/usr/bin/env bash
# The GPU figures (the README's table) on a machine with an NVIDIA GPU. That machine has
# no Node and no network, so a bundle carries both:
#   ../shared/tools/device-bundle.sh .device-carry
#   device run, carrying .device-carry:  bash bench/device-gpu.sh
# Writes to $OUT: gpu-host.txt (the card, its driver and link), verify.txt/json (one
# verified 1 GiB pass per method: every byte checked in GPU memory), gpu.txt/json (3 s
# timed trials, 3 repetitions, every method, --wide).
set -uo pipefail
source .device-carry/activate.sh
(nproc; lscpu | grep "Model name"; nvidia-smi -L
 nvidia-smi --query-gpu=name,driver_version,pcie.link.gen.max,pcie.link.width.max,pcie.link.gen.current --format=csv
 ls /sys/module/nvidia_fs 2>&1 | head -1) > "$OUT/gpu-host.txt" 2>&1
# on the disk, not /tmp: cuFile wants a file system that takes O_DIRECT
F=${GPU_FILE_DIR:-$HOME}/zcprof-g1.bin
df -T /tmp "$(dirname "$F")" >> "$OUT/gpu-host.txt" 2>&1
head -c 1073741824 /dev/urandom > "$F"
sync
timeout 150 node bin/zcprof.js run --target gpu://0 -f "$F" --once -r 1 --warmup 0 --verify --no-progress --wide \
  --json "$OUT/verify.json" > "$OUT/verify.txt" 2>&1
echo "verify exit $?" >> "$OUT/verify.txt"
timeout 240 node bin/zcprof.js run --target gpu://0 -f "$F" -t 3s -r 3 --no-progress --wide \
  --json "$OUT/gpu.json" > "$OUT/gpu.txt" 2>&1
echo "run exit $?" >> "$OUT/gpu.txt"
