#!/usr/bin/env bash
# Issue 24 item 11: reports holding 1e308, -0, a negative count or a zero duration are
# refused by the loader naming the field (exit 2); a baseline figure that loads but
# makes no finite ratio (1e-300 bit/s) makes compare say "cannot compare" and exit 3
# (inconclusive), never print Infinity or NaN, never exit 0. Run from the repository root after a build.
. "$(dirname "$0")/common.sh"
fixture=test/fixtures/reports/machine-a.json
# machine A with one field of its trial 3 (a measured sendfile trial) changed; RAW is spliced in as text
hostile() { # NAME FIELD RAW
  node -e '
    const fs = require("fs"); const [file, field, raw, out] = process.argv.slice(1)
    const r = JSON.parse(fs.readFileSync(file, "utf8"))
    const s = r.trials[3].summary
    const keys = field.split("."); let o = s; for (const k of keys.slice(0, -1)) o = o[k]
    o[keys.at(-1)] = "@@HOSTILE@@"
    fs.writeFileSync(out, JSON.stringify(r).replace("\"@@HOSTILE@@\"", raw))
  ' "$fixture" "$2" "$3" "$dir/$1.json"
}
for row in 'huge-bytes bytes 1e308' 'zero-duration durationNs 0' 'negative-count sender.contextSwitches -3' \
  'negative-zero bytes -0' 'huge-throughput throughputBitsPerSec 1e308'; do
  set -- $row
  hostile "$1" "$2" "$3"
  out=$(timeout 60 node bin/zcprof.js report "$dir/$1.json" 2>&1)
  rc=$?
  want="trials/3/summary/${2//./\/}"
  if [ "$rc" = 2 ] && grep -q "$want" <<<"$out"; then echo "ok   $1: refused naming $want"
  else echo "FAIL $1: exit $rc, wanted 2 naming $want; got: $(head -3 <<<"$out")"; fail=1; fi
done
# a baseline throughput that loads (it is not impossible) but makes no finite ratio
node -e '
  const fs = require("fs"); const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"))
  for (const t of r.trials) if (t.method === "sendfile" && t.summary) t.summary.throughputBitsPerSec = 1e-300
  fs.writeFileSync(process.argv[2], JSON.stringify(r))
' "$fixture" "$dir/tiny-baseline.json"
out=$(timeout 60 node bin/zcprof.js compare "$dir/tiny-baseline.json" "$fixture" 2>&1)
rc=$?
if [ "$rc" = 3 ] && ! grep -qE 'Infinity|NaN' <<<"$out" && grep -q 'cannot compare' <<<"$out"; then
  echo "ok   compare against a 1e-300 bit/s baseline: exit 3, cannot compare, no Infinity"
else echo "FAIL compare against a 1e-300 bit/s baseline: exit $rc; $(grep -E 'Infinity|NaN|cannot|^pass|^incon' <<<"$out" | head -5)"; fail=1; fi
exit $fail
