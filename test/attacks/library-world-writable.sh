#!/usr/bin/env bash
# Issue 24 item 6: a library folder other users can write (0777, no sticky bit), one
# inside such a folder, or one another user owns. `library list` and `run --save` must
# refuse (exit 2, ZC_UNSAFE_FOLDER's words naming the folder and `chmod go-w`), and
# write nothing there; a sticky 1777 folder is accepted. Run from the repository root
# after a build (or ZCPROF="node --import tsx src/main/cli.ts" to run the sources).
. "$(dirname "$0")/common.sh"
mkdir -m 0777 "$dir/open" "$dir/parent" && chmod 0777 "$dir/open" "$dir/parent" # past any umask
mkdir -m 0755 "$dir/theirs" && chown 65534 "$dir/theirs"
mkdir -m 1777 "$dir/sticky" && chmod 1777 "$dir/sticky"
attack() {
  local what=$1 folder=$2 want=$3
  shift 3
  out=$(timeout 60 $zcprof "$@" --library "$folder" 2>&1)
  rc=$?
  if [ "$rc" != 2 ] || ! grep -q -- "$want" <<<"$out" || [ -n "$(ls -A "$folder" 2>/dev/null)" ]; then
    echo "FAIL $what: exit $rc, wanted 2, '$want' and nothing written; got: $out"
    fail=1
  else
    echo "ok   $what: exit 2, $(head -1 <<<"$out")"
  fi
}
attack 'library list, 0777 folder' "$dir/open" "chmod go-w $dir/open" library list
attack 'library list, folder inside a 0777 one' "$dir/parent/reports" "is inside $dir/parent" library list
attack 'library list, folder of uid 65534' "$dir/theirs" 'belongs to another user (uid 65534)' library list
attack 'run --save, 0777 folder' "$dir/open" "chmod go-w $dir/open" run --methods copy --once --size 1MiB --save
out=$(timeout 60 $zcprof library list --library "$dir/sticky" 2>&1)
if [ $? = 0 ]; then echo "ok   library list, 1777 folder: accepted"; else echo "FAIL 1777 folder refused: $out"; fail=1; fi
exit $fail
