#!/usr/bin/env bash
# Issue 24 item 10: a FIFO or a device given where a report or plan file goes. Each
# command must refuse at once (exit 2, "not a file"), never hang on the FIFO's open or
# read /dev/zero until memory runs out. Run from the repository root after a build.
. "$(dirname "$0")/common.sh"
mkfifo "$dir/report.json"
attack() {
  local what=$1 want=$2
  shift 2
  out=$(timeout 20 node bin/zcprof.js "$@" 2>&1)
  rc=$?
  if [ "$rc" = 124 ]; then
    echo "FAIL $what: hung (killed after 20 s)"
    fail=1
  elif [ "$rc" != 2 ] || ! grep -q "$want" <<<"$out"; then
    echo "FAIL $what: exit $rc, wanted 2 and '$want'; got: $out"
    fail=1
  else
    echo "ok   $what: exit 2, $(head -1 <<<"$out")"
  fi
}
attack 'library import FIFO' 'named pipe' library import "$dir/report.json"
attack 'library import /dev/zero' 'character device' library import /dev/zero
attack 'report FIFO' 'named pipe' report "$dir/report.json"
attack 'report /dev/zero' 'character device' report /dev/zero
attack 'compare FIFO' 'named pipe' compare "$dir/report.json" /dev/zero
attack 'run --plan FIFO' 'named pipe' run --plan "$dir/report.json"
attack 'run --plan /dev/zero' 'character device' run --plan /dev/zero
exit $fail
