#!/usr/bin/env bash
# Issue 24 item 1: another user plants a link (or a file) where zcprof's test file goes
# in a shared --cache-dir. A folder others can write (even /tmp's 1777) must be refused
# with its name and the fix, and nothing written through the link. Run from the
# repository root after a build, as root (it makes a folder owned by uid 65534).
. "$(dirname "$0")/common.sh"
echo precious > "$dir/victim"
for mode in 1777 0777; do
  mkdir -m "$mode" "$dir/shared-$mode" && chmod "$mode" "$dir/shared-$mode"
  ln -s "$dir/victim" "$dir/shared-$mode/zcprof-1048576.bin"
  out=$(XDG_CACHE_HOME="$dir/cache" timeout 60 node bin/zcprof.js run -m copy -s 1MiB -r 1 --once --no-progress --cache-dir "$dir/shared-$mode" 2>&1)
  rc=$?
  if [ "$rc" != 2 ] || ! grep -q "not private" <<<"$out" || ! grep -q -- "--cache-dir" <<<"$out"; then
    echo "FAIL cache dir $mode: exit $rc, wanted 2 and 'not private'; got: $out"
    fail=1
  else
    echo "ok   cache dir $mode: refused, $(head -1 <<<"$out")"
  fi
done
if [ "$(cat "$dir/victim")" != precious ]; then
  echo "FAIL the victim file was written through the planted link"
  fail=1
else
  echo "ok   the victim file is untouched"
fi
exit $fail
