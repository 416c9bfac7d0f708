#!/usr/bin/env bash
# Issue 24 items 2 and 3: outputs that are not regular files, and outputs that cannot be
# written. As root, `--json /dev/null` once replaced /dev/null with a regular file. Here a
# null device of our own (mknod) stands in for /dev/null; a FIFO nobody reads must be
# refused, not waited on; a missing folder must stop the run before it measures (exit 2).
. "$(dirname "$0")/common.sh"
report=test/fixtures/reports/machine-a.json
mknod "$dir/null" c 1 3
timeout 30 node bin/zcprof.js report "$report" --json "$dir/null" >/dev/null 2>&1
[ -c "$dir/null" ] && ok "--json to a character device: still a device" || bad "--json replaced a character device"
mkfifo "$dir/fifo"
out=$(timeout 20 node bin/zcprof.js report "$report" --json "$dir/fifo" 2>&1)
rc=$?
[ "$rc" != 124 ] && grep -q "nobody reads" <<<"$out" && [ -p "$dir/fifo" ] && ok "--json to a FIFO nobody reads: refused (exit $rc)" || bad "--json to a FIFO: exit $rc, $out"
out=$(timeout 20 node bin/zcprof.js report "$report" --json /dev/stdout 2>/dev/null | head -c 1)
[ "$out" = "{" ] && ok "--json /dev/stdout: the report on standard output" || bad "--json /dev/stdout printed '$out'"
start=$(date +%s)
out=$(timeout 120 node bin/zcprof.js run -m copy --json "$dir/missing/r.json" 2>&1)
rc=$?
took=$(($(date +%s) - start))
[ "$rc" = 2 ] && grep -q "does not exist" <<<"$out" && [ "$took" -lt 30 ] && ok "--json into a missing folder: exit 2 in ${took}s, before the run" || bad "--json into a missing folder: exit $rc after ${took}s: $out"
exit $fail
