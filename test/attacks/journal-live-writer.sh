#!/usr/bin/env bash
# Issue 24 item 8: a journal whose writer still runs is left alone by `library list`
# (the writer holds its lock), and is recovered the moment the writer is SIGKILLed. The
# writer is test/attacks/hold-journal.ts. Run from the repository root after a build
# (or ZCPROF="node --import tsx src/main/cli.ts").
set -u
cd "$(dirname "$0")/../.."
zcprof=${ZCPROF:-node bin/zcprof.js}
dir=$(mktemp -d)
mkdir -m 0755 "$dir/lib"
node --import tsx test/attacks/hold-journal.ts "$dir/lib" 2 >"$dir/out" &
writer=$!
trap 'kill -9 $writer 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do grep -q ready "$dir/out" && break; sleep 0.2; done
fail=0
out=$(timeout 60 $zcprof library list --library "$dir/lib" 2>&1)
if ls "$dir/lib" | grep -q 'journal.ndjson$' && ! grep -q INCOMPLETE <<<"$out"; then
  echo "ok   writer alive: its journal left alone"
else
  echo "FAIL a running writer's journal was touched: $out"
  fail=1
fi
kill -9 $writer
wait $writer 2>/dev/null
out=$(timeout 60 $zcprof library list --library "$dir/lib" 2>&1)
if ! ls "$dir/lib" | grep -q 'journal.ndjson$' && grep -q INCOMPLETE <<<"$out"; then
  echo "ok   writer killed: recovered at once as an INCOMPLETE entry"
else
  echo "FAIL a dead writer's journal was not recovered: $out"
  fail=1
fi
exit $fail
