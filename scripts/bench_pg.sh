#!/usr/bin/env bash
# The PostgreSQL store's figures (docs/scaling.md): events a second with 1
# and 2 `kefu worker`s against the SQLite store in the same run, and a due
# item claim with 1M items pending. Starts its own PostgreSQL 15
# (tests/store/pg_fixture.sh), fsync on (the server's default).
#   scripts/bench_pg.sh [BUILD_DIR] [SHOPS] [ORDERS_PER_DAY]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../build/default}"; shops="${2:-20}"; orders="${3:-30}"
kefu="$build/tools/kefu"
work="$(mktemp -d /tmp/kefu-bench-pg.XXXX)"; chmod 755 "$work"
pg="/tmp/kefu-bench-pg-$$"
trap '"$here/../tests/store/pg_fixture.sh" stop "$pg"; rm -rf "$work"' EXIT
# The fixture turns fsync off unless asked; the bench wants the server's default.
KEFU_PG_FSYNC=on bash "$here/../tests/store/pg_fixture.sh" start "$pg" >/dev/null
uri="$(cat "$pg/uri")"
now() { date +%s.%N; }

for i in $(seq 1 "$shops"); do
  "$kefu" sample --days 7 --orders-per-day "$orders" --seed "$i" -o "$work/shop$i.jsonl"
done
lines=$(cat "$work"/shop*.jsonl | wc -l)
echo "events: $lines ($shops shops, a week of $orders orders a day each)"

t0=$(now)
for i in $(seq 1 "$shops"); do
  "$kefu" replay "$work/shop$i.jsonl" --db "$work/shop$i.db" --durability normal --no-progress >/dev/null 2>&1
done
t1=$(now)
echo "sqlite (kefu replay --db, normal, one file a shop, batches of 10000): $(echo "$lines / ($t1 - $t0)" | bc) events/s"

for workers in 1 2; do
  db="w$workers"
  psql -q "$uri" -c "CREATE DATABASE $db"
  u="${uri/\/postgres\?//$db?}"
  "$kefu" db migrate --db "$u" >/dev/null
  for i in $(seq 1 "$shops"); do
    python3 -c "
import sys
for l in open(sys.argv[1], encoding='utf-8'):
    l = l.rstrip('\n')
    if l: print(sys.argv[2] + '\t' + l.replace('\\\\', '\\\\\\\\'))" "$work/shop$i.jsonl" "shop$i"
  done > "$work/inbox.tsv"
  psql -q "$u" -c "\\copy kefu_inbox (shop_id, line) FROM '$work/inbox.tsv'"
  t0=$(now)
  pids=()
  for w in $(seq 1 "$workers"); do
    "$kefu" worker --db "$u" --name "w$w" --durability normal --quiet &
    pids+=($!)
  done
  while [ "$(psql -Atq "$u" -c 'SELECT count(*) FROM kefu_inbox')" != 0 ]; do sleep 0.05; done
  t1=$(now)
  kill -TERM "${pids[@]}"; wait "${pids[@]}" || true
  echo "postgresql, $workers worker(s) (inbox to journal, normal, batches of 1000): $(echo "$lines / ($t1 - $t0)" | bc) events/s"
done

# Due item claims with 1M pending: copies of a real item spread over 1000
# shops and a year.
u="${uri/\/postgres\?//w1?}"
psql -q "$u" <<SQL
INSERT INTO kefu_due (shop_id, id, at, item, crc)
SELECT 'bulk' || (g % 1000), 1000000 + g, timestamptz '2026-01-01' + g * interval '31 seconds',
       (SELECT item FROM kefu_due LIMIT 1), 0
FROM generate_series(1, 1000000) g;
ANALYZE kefu_due;
SQL
pending=$(psql -Atq "$u" -c "SELECT count(*) FROM kefu_due")
for limit in 1 100 1000; do
  t0=$(now)
  for k in $(seq 1 20); do
    "$kefu" db claim --db "$u" --shops 'bulk%' --until 2027-01-01T00:00:00+08:00 --limit "$limit" >/dev/null
  done
  t1=$(now)
  echo "claim of $limit with $pending pending (kefu db claim, a process and connection each): $(echo "scale=1; ($t1 - $t0) * 1000 / 20" | bc) ms"
done
psql -Atq "$u" -c "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) DELETE FROM kefu_due d USING (SELECT shop_id, id FROM kefu_due WHERE at <= now() AND shop_id LIKE 'bulk%' ORDER BY at, shop_id, id LIMIT 100 FOR UPDATE SKIP LOCKED) c WHERE d.shop_id = c.shop_id AND d.id = c.id" | grep -E "Execution Time"
