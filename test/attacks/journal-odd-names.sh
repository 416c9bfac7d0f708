#!/usr/bin/env bash
# Issue 24 item 7: reports named with a newline, a control character or a leading dot
# must be listed (escaped: no raw control character reaches the terminal), and a dead
# run's journal named so must become a listed INCOMPLETE report, not vanish. Run from
# the repository root after a build (or ZCPROF="node --import tsx src/main/cli.ts").
. "$(dirname "$0")/common.sh"
lib="$dir/lib"
mkdir -m 0755 "$lib"
fixture=test/fixtures/reports/real-loopback-v2.json
cp "$fixture" "$lib/"$'new\nline.json'
cp "$fixture" "$lib/.hidden.json"
cp "$fixture" "$lib/"$'bell\a.json'
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  const start = { kind: "start", pid: 1, host: require("os").hostname(), report: { ...r, trials: [] } }
  process.stdout.write(JSON.stringify(start) + "\n" + JSON.stringify({ kind: "trial", trial: r.trials[0] }) + "\n")
' "$fixture" >"$lib/"$'odd\nrun.journal.ndjson'
out=$(timeout 60 $zcprof library list --library "$lib" 2>&1)
for want in 'new\nline.json' '.hidden.json' 'bell\u0007.json' INCOMPLETE; do
  if grep -qF -- "$want" <<<"$out"; then echo "ok   listed: $want"; else echo "FAIL not listed: $want"; fail=1; fi
done
if grep -q $'\a' <<<"$out"; then echo "FAIL a raw control character reached the terminal"; fail=1; fi
exit $fail
