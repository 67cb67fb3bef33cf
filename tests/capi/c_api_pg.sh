#!/usr/bin/env bash
# c_api_test on PostgreSQL (ctest's c_api_test_postgres): two empty
# databases of its own on the kefu_postgres fixture's server
# (tests/store/pg_fixture.sh, which writes $KEFU_TEST_PG_DIR/uri), then
# c_api_test DIR SHOP_URI STORE_URI.
#   c_api_pg.sh C_API_TEST DIR
set -euo pipefail
test="${1:?c_api_test}"; dir="${2:?DIR}"; pg="${KEFU_TEST_PG_DIR:-}"
if [ -z "$pg" ] || [ ! -f "$pg/uri" ]; then
  echo "c_api_test_postgres: PostgreSQL is not running: the ctest fixture kefu_postgres" \
       "could not start it (or KEFU_TEST_PG_DIR is not set)" >&2
  exit 1
fi
bin="${KEFU_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
for db in kefu_c_api_shop kefu_c_api_store; do
  "$bin/dropdb" -h "$pg" -U kefu --if-exists "$db"
  "$bin/createdb" -h "$pg" -U kefu "$db"
done
mkdir -p "$dir"
exec "$test" "$dir" "postgresql://kefu@/kefu_c_api_shop?host=$pg" \
  "postgresql://kefu@/kefu_c_api_store?host=$pg"
