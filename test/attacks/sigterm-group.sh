#!/usr/bin/env bash
# Issue 24 item 13: SIGTERM or SIGHUP to a run's whole process group (a service manager's
# stop, a closed terminal) must keep the finished trials, mark the report incomplete,
# show the trial in flight as cancelled (not failed) and exit 1, not 143 or 129.
. "$(dirname "$0")/common.sh"
for sig in TERM HUP; do
  setsid node bin/zcprof.js run -m copy,sendfile -s 64MiB -r 20 --warmup 0 --precision off --chunk 4KiB \
    --no-progress --json "$dir/r-$sig.json" > "$dir/out" 2>&1 &
  pid=$!
  # mid-run: the test file made, a trial or more done, one in flight (each takes seconds at 4 KiB chunks)
  sleep 6
  kill -"$sig" -- -"$pid"
  wait $pid
  rc=$?
  if [ "$rc" = 1 ] && node -e '
    const r = require(process.argv[1])
    const last = r.trials.at(-1)
    if (!r.end.incomplete || r.trials.filter((t) => !t.error).length < 1 || last.error?.code !== "ZC_CANCELLED") process.exit(1)
  ' "$dir/r-$sig.json" && grep -q cancelled "$dir/out" && ! grep -q failed "$dir/out"; then
    echo "ok   SIG$sig to the group: exit 1, trials kept, the one in flight cancelled"
  else
    echo "FAIL SIG$sig to the group: exit $rc"; tail -5 "$dir/out"; fail=1
  fi
done
exit $fail
