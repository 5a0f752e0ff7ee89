#!/bin/sh
# Prints the assembly a compiler makes of one source at -O2, without assembler directives.
# usage: show_asm.sh COMPILER SOURCE
set -e
compiler="$1"
source="$2"
directives='^[[:space:]]*\.(file|text|p2align|globl|type|size|ident|section|cfi_)'
labels='^\.LF|^\.Lfunc_end|^[[:space:]]*#'
echo "$(basename "$compiler") -std=c++20 -O2 -S $(basename "$source")"
"$compiler" -std=c++20 -O2 -S -o - -fno-asynchronous-unwind-tables -fcf-protection=none \
    "$source" |
    c++filt |
    grep -v -E "$directives|$labels"
