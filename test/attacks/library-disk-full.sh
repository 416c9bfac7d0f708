#!/usr/bin/env bash
# Issue 24 item 9: the library's disk (a 1 MiB tmpfs; needs root) fills while `run
# --save` journals. The library must end with one entry for the run, never a report
# and an INCOMPLETE twin; and when the report could not be saved, the run must exit
# non-zero (the exit status is run-command's: see the lead's part of issue 24). Run
# from the repository root after a build (or ZCPROF="node --import tsx src/main/cli.ts").
set -u
cd "$(dirname "$0")/../.."
zcprof=${ZCPROF:-node bin/zcprof.js}
dir=$(mktemp -d)
mount -t tmpfs -o size=1m,mode=0755 tmpfs "$dir" || { echo "FAIL cannot mount a tmpfs (run as root)"; exit 1; }
trap 'umount "$dir"; rmdir "$dir"' EXIT
mkdir -m 0755 "$dir/lib"
head -c 2M /dev/zero >"$dir/filler" 2>/dev/null # the disk, full
out=$(XDG_CACHE_HOME=/tmp timeout 120 $zcprof run --methods copy --repeat 3 --size 1MiB --duration 100ms --save --library "$dir/lib" 2>&1)
rc=$?
rm -f "$dir/filler"
list=$(timeout 60 $zcprof library list --library "$dir/lib" 2>&1)
entries=$(ls "$dir/lib" | grep -c '\.json$')
journals=$(ls "$dir/lib" | grep -c 'journal.ndjson$')
fail=0
if [ "$entries" -le 1 ] && [ "$journals" = 0 ]; then echo "ok   one entry at most, no journal left: $(ls "$dir/lib")"; else
  echo "FAIL $entries reports and $journals journals: $(ls "$dir/lib")"; fail=1; fi
if [ "$rc" != 0 ]; then echo "ok   the run said so: exit $rc"; else echo "FAIL exit 0 with the report unsaved: $out"; fail=1; fi
exit $fail
