#!/usr/bin/env bash
# Issue 24 item 4: the file a run sends is swapped for a link to a secret after the
# checks. The run must stop (ZC_FILE_CHANGED) rather than send the secret, and every
# trial it did run must carry the original bytes (--verify checks them).
. "$(dirname "$0")/common.sh"
head -c 33554432 /dev/urandom > "$dir/data.bin"
head -c 33554432 /dev/zero > "$dir/secret"
node bin/zcprof.js run --file "$dir/data.bin" -m copy,sendfile -r 40 --warmup 0 --precision off --verify \
  --chunk 4KiB --no-progress --json - > "$dir/events" 2> "$dir/err" &
pid=$!
# swap after the first trial ends
for _ in $(seq 1 600); do grep -q '"type":"trial-end"' "$dir/events" 2>/dev/null && break; sleep 0.1; done
rm "$dir/data.bin" && ln -s "$dir/secret" "$dir/data.bin"
wait $pid
rc=$?
if grep -q ZC_FILE_CHANGED "$dir/events" "$dir/err"; then echo "ok   the run stopped: the file was replaced (exit $rc)"; else echo "FAIL no ZC_FILE_CHANGED (exit $rc)"; fail=1; fi
if grep -q ZC_CHECKSUM "$dir/events"; then echo "FAIL a trial sent other bytes than the checked file"; fail=1; else echo "ok   every trial that ran sent the checked bytes"; fi
exit $fail
