#!/bin/sh
# compile.sh ROOT EXPECT COMPILER [FLAGS...] -- FILES...: compiles each file from ROOT (so
# that diagnostics show repository-relative paths) and prints the command, everything the
# compiler said and its exit status. EXPECT is "fail" (each file must be rejected) or
# "pass" (each must compile); the script exits 1 when a file does otherwise.
set -u
root=$1 expect=$2 compiler=$3
shift 3
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
