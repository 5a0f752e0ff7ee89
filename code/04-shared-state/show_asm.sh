#!/bin/sh
# Prints the assembly a compiler makes of one source file at -O2, without the assembler directives.
# usage: show_asm.sh COMPILER SOURCE
set -e
compiler="$1"
source="$2"
echo "$(basename "$compiler") -std=c++20 -O2 -S $(basename "$source")"
"$compiler" -std=c++20 -O2 -S -o - -fno-asynchronous-unwind-tables -fcf-protection=none "$source" |
    c++filt |
    grep -v -E '^[[:space:]]*\.(file|text|p2align|globl|type|size|ident|section|cfi_)|^\.LF|^\.Lfunc_end|^[[:space:]]*#'
