#!/bin/sh
# Builds the libFuzzer targets with clang in build/fuzz (or $1) and runs the
# reply checker fuzzer for $FUZZ_SECONDS seconds (default 180) on fuzz/corpus.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/fuzz}
seconds=${FUZZ_SECONDS:-180}
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
ninja -C "$build" -j2 reply_check_fuzzer
work=$(mktemp -d)
cp "$here"/corpus/* "$work"/ 2>/dev/null || true
"$build/reply_check_fuzzer" -max_total_time="$seconds" -max_len=4096 "$work" "$here/corpus"
rm -rf "$work"
