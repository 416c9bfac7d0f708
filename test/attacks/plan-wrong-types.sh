#!/usr/bin/env bash
# Issue 24 item 12: plan fields of the wrong kind and prototype keys are refused before
# a run (exit 2, naming the field), and a report holding such a plan is refused at load
# in the same words: what runs is what loads. Run from the repository root after a build.
. "$(dirname "$0")/common.sh"
check() { # WHAT WANT RC-AND-OUTPUT...
  local what=$1 want=$2 rc=$3 out=$4
  if [ "$rc" = 2 ] && grep -qF "$want" <<<"$out"; then echo "ok   $what: refused, '$want'"
  else echo "FAIL $what: exit $rc, wanted 2 and '$want'; got: $(head -3 <<<"$out")"; fail=1; fi
}
for row in 'cache "hot"' 'pmu "on"' 'file 123' '__proto__ {"polluted":true}'; do
  set -- $row
  echo "{\"$1\": $2}" >"$dir/plan.json"
  case $1 in
    __proto__) want='a key named "__proto__"' ;;
    file) want="'file' must be a string or null, not 123" ;;
    *) want="'$1' must be one of" ;;
  esac
  out=$(timeout 60 node bin/zcprof.js run --plan "$dir/plan.json" 2>&1); rc=$?
  check "run --plan {\"$1\": $2}" "$want" "$rc" "$out"
  # the same plan inside a report (machine A's), loaded
  node -e '
    const fs = require("fs"); const [file, key, raw, out] = process.argv.slice(1)
    const r = JSON.parse(fs.readFileSync(file, "utf8")); r.start.plan.__ZC__ = 0
    fs.writeFileSync(out, JSON.stringify(r).replace("\"__ZC__\":0", JSON.stringify(key) + ":" + raw))
  ' test/fixtures/reports/machine-a.json "$1" "$2" "$dir/report.json"
  out=$(timeout 60 node bin/zcprof.js report "$dir/report.json" 2>&1); rc=$?
  [ "$1" = __proto__ ] && want='"__proto__"'
  check "report holding {\"$1\": $2}" "$want" "$rc" "$out"
done
exit $fail
