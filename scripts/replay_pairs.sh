#!/usr/bin/env bash
# Two builds of `kefu` replaying the same week, alternated, for a ratio
# from one run on a shared, noisy host (docs/benchmarks.md, "Reading the
# figures"): N pairs, the order swapped each pair, each run pinned to one
# core and timed by its CPU time (user + system). Prints every run, each
# pair's ratio B/A, then the median, best and ratio medians, and events a
# second at the median and at best (the week's lines, from the report).
#   scripts/replay_pairs.sh KEFU_A KEFU_B WEEK.jsonl [PAIRS] [CPU]
# Make the week with `kefu sample`, e.g. 13,000 orders a day for about a
# million events:
#   build/bench/tools/kefu sample --orders-per-day 13000 -o w1m.jsonl
set -euo pipefail
if [[ $# -lt 3 ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
a="$1"; b="$2"; week="$3"; pairs="${4:-9}"; cpu="${5:-1}"
for f in "$a" "$b"; do
  [[ -f "$f" && -x "$f" ]] || { echo "replay_pairs: $f is not an executable file" >&2; exit 2; }
done
[[ -r "$week" ]] || { echo "replay_pairs: cannot read $week" >&2; exit 2; }
[[ "$pairs" =~ ^[1-9][0-9]*$ ]] || { echo "replay_pairs: PAIRS must be a positive number" >&2; exit 2; }

report="$(mktemp /tmp/kefu-replay-pairs.XXXX)"
trap 'rm -f "$report"' EXIT

# CPU milliseconds of one replay of the week by `$1`, its report in $report.
run() {
  local TIMEFORMAT='%3U %3S' t
  t=$( { time taskset -c "$cpu" "$1" replay --no-progress "$week" >"$report" 2>/dev/null; } 2>&1 )
  # At least 1 ms: the ratios divide by it.
  awk -v t="$t" 'BEGIN { split(t, p, " "); ms = (p[1] + p[2]) * 1000; printf "%d\n", ms < 1 ? 1 : ms }'
}

declare -a ta tb
for ((i = 1; i <= pairs; i++)); do
  if ((i % 2)); then
    x=$(run "$a"); y=$(run "$b")
  else
    y=$(run "$b"); x=$(run "$a")
  fi
  ta+=("$x"); tb+=("$y")
  echo "pair $i: A $x ms, B $y ms, B/A $(awk -v x="$x" -v y="$y" 'BEGIN { printf "%.3f", y / x }')"
done

# The report's second line: "  <n> lines: ...".
events=$(awk 'NR == 2 && $2 == "lines:" { print $1 }' "$report")
# Median, least and greatest of the numbers on standard input.
stats() {
  sort -n | awk '{ v[NR] = $1 }
    END { print ((NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR] }'
}
summary() {  # name, then the runs' times
  local name="$1"; shift
  printf '%s\n' "$@" | stats | awk -v name="$name" -v ev="${events:-0}" '{
    printf "%s: median %d ms, best %d ms", name, $1, $2
    if (ev > 0) printf " (%d events a second at the median, %d at best)", ev / $1 * 1000, ev / $2 * 1000
    printf "\n"
  }'
}
summary "A $a" "${ta[@]}"
summary "B $b" "${tb[@]}"
for ((i = 0; i < pairs; i++)); do
  awk -v x="${ta[$i]}" -v y="${tb[$i]}" 'BEGIN { printf "%.4f\n", y / x }'
done | stats | awk '{ printf "B/A: median %.3f, pairs %.3f to %.3f\n", $1, $2, $3 }'
