# What every attack script starts with (sourced, not run): the repository root, the CLI
# to attack (ZCPROF="node --import tsx src/main/cli.ts" runs the sources), a private
# scratch folder removed at exit, this user's cache and data kept out of it, and the
# ok/FAIL lines the test (attacks.test.ts) and a person read.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
zcprof=${ZCPROF:-node bin/zcprof.js}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export XDG_DATA_HOME="$dir/data" XDG_CACHE_HOME="$dir/cache"
fail=0
ok() { echo "ok   $*"; }
bad() {
  echo "FAIL $*"
  fail=1
}
