#!/bin/sh
# compile.sh EXPECT COMPILER [FLAGS...] -- FILES...: compiles each file from the
# repository's root (so that diagnostics show repository-relative paths) and prints the
# command, everything the compiler said and its exit status. EXPECT is "fail" (each file
# must be rejected) or "pass" (each must compile); exits 1 when a file does otherwise.
set -u
if [ $# -lt 3 ]; then
    echo "usage: compile.sh fail|pass COMPILER [FLAGS...] -- FILES..." >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
expect=$1 compiler=$2
shift 2
flags=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do flags="$flags $1"; shift; done
[ $# -gt 0 ] && shift
cd "$root" || exit 2
out=$(mktemp -d) || exit 2
trap 'rm -rf "$out"' EXIT
status=0
for file in "$@"; do
    # rustc's --out-dir (the last flag) gets a scratch directory, shown as <scratch>
    extra="" shown=""
    case $flags in *--out-dir) extra=" $out" shown=" <scratch>" ;; esac
    echo "\$ $(basename "$compiler")$flags$shown $file"
    # shellcheck disable=SC2086
    "$compiler" $flags $extra "$file" 2>&1
    rc=$?
    echo "exit status: $rc"
    echo
    if [ "$expect" = fail ] && [ $rc -eq 0 ]; then status=1; fi
    if [ "$expect" = pass ] && [ $rc -ne 0 ]; then status=1; fi
done
exit $status
