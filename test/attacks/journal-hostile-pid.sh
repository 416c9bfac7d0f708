#!/usr/bin/env bash
# Issue 24 item 8: journals whose start line claims pid 1, 0, -1 or garbage, with no
# run holding their lock, must be recovered by the next `library list` (an INCOMPLETE
# entry each, the journal gone), not left for ever as "still running". Run from the
# repository root after a build (or ZCPROF="node --import tsx src/main/cli.ts").
. "$(dirname "$0")/common.sh"
lib="$dir/lib"
mkdir -m 0755 "$lib"
fixture=test/fixtures/reports/real-loopback-v2.json
for pid in 1 0 -1 '"garbage"'; do
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
    const start = { kind: "start", pid: JSON.parse(process.argv[2]), host: require("os").hostname(), report: { ...r, trials: [] } }
    process.stdout.write(JSON.stringify(start) + "\n" + JSON.stringify({ kind: "trial", trial: r.trials[0] }) + "\n")
  ' "$fixture" "$pid" >"$lib/pid${pid//\"/}.journal.ndjson"
done
out=$(timeout 60 $zcprof library list --library "$lib" 2>&1)
left=$(ls "$lib" | grep -c 'journal.ndjson$')
incomplete=$(grep -c 'INCOMPLETE' <<<"$out")
if [ "$left" = 0 ] && [ "$incomplete" = 4 ]; then
  echo "ok   pids 1, 0, -1, garbage: 4 journals recovered as INCOMPLETE entries, none left"
  exit 0
fi
echo "FAIL $left journals left, $incomplete INCOMPLETE entries; got: $out"
exit 1
