#!/bin/sh
# Builds a libFuzzer target with clang in build/fuzz (or $1) and runs it for
# $FUZZ_SECONDS seconds (default 180) on its seed corpus:
#   FUZZER=reply_check_fuzzer (default): the reply checker, fuzz/corpus;
#   FUZZER=event_apply_fuzzer: ParseEvent and Shop::Apply over event files,
#     fuzz/corpus_events (made by fuzz/make_event_corpus.py);
#   FUZZER=event_parse_fuzzer: ParseEvent (simdjson) against the nlohmann-json
#     reference on every line, fuzz/corpus_events;
#   FUZZER=shop_load_fuzzer: Shop::Load past the checksum, fuzz/corpus_state
#     (made by fuzz/make_state_corpus.py);
#   FUZZER=policy_pack_fuzzer: ReadPolicyPack and the printed pack read back,
#     fuzz/corpus_pack.
# New inputs go to a temporary directory, not into the committed corpus.
# $FUZZ_ARGS goes to libFuzzer as well (e.g. -entropic=0: the event fuzzer
# runs about twice as many inputs a second without libFuzzer's entropic
# schedule, whose bookkeeping is most of its time).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/fuzz}
seconds=${FUZZ_SECONDS:-180}
fuzzer=${FUZZER:-reply_check_fuzzer}
case "$fuzzer" in
  reply_check_fuzzer) corpus=$here/corpus; max_len=4096 ;;
  event_apply_fuzzer) corpus=$here/corpus_events; max_len=8192 ;;
  event_parse_fuzzer) corpus=$here/corpus_events; max_len=8192 ;;
  # Room for the largest seed (about 20 KB): a seed cut short never reaches
  # the saved format's last parts.
  shop_load_fuzzer) corpus=$here/corpus_state; max_len=32768 ;;
  policy_pack_fuzzer) corpus=$here/corpus_pack; max_len=32768 ;;
  *) echo "fuzz/run.sh: unknown FUZZER $fuzzer" >&2; exit 2 ;;
esac
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
ninja -C "$build" -j2 "$fuzzer"
work=$(mktemp -d)
cp "$corpus"/* "$work"/ 2>/dev/null || true
# shellcheck disable=SC2086
"$build/$fuzzer" -max_total_time="$seconds" -max_len="$max_len" ${FUZZ_ARGS:-} "$work" "$corpus"
rm -rf "$work"
