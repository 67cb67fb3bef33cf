#!/usr/bin/env bash
# The PostgreSQL the store tests use (ctest fixture kefu_postgres): a real
# PostgreSQL 15 (Debian's postgresql-15), made with initdb in DIR and
# listening on a Unix socket in DIR only, no TCP.
#   pg_fixture.sh start DIR   initdb + pg_ctl start; writes DIR/uri
#   pg_fixture.sh stop DIR    pg_ctl stop (immediate) and removes DIR
# initdb refuses to run as root: as root, the server runs as `nobody`
# (setpriv). fsync is off (tests need no durability across power loss);
# KEFU_PG_FSYNC=on keeps the server's default (bench/pg_bench.cc,
# scripts/bench_pg.sh). When it cannot be started the script says why and fails, and
# so does every test that needs it (they find no DIR/uri).
set -uo pipefail
cmd="${1:?start|stop}"; dir="${2:?DIR}"
bin="${KEFU_PG_BIN:-}"
if [ -z "$bin" ]; then
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
as_server() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else
    "$@"
  fi
}
fail() {
  echo "kefu_postgres: PostgreSQL could not be started: $*" >&2
  [ -f "$dir/log" ] && tail -n 20 "$dir/log" >&2
  exit 1
}
case "$cmd" in
  start)
    [ -x "$bin/initdb" ] || fail "no initdb under ${bin:-/usr/lib/postgresql/*/bin} (install postgresql-15, scripts/setup.sh)"
    if [ -f "$dir/data/postmaster.pid" ]; then as_server "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1; fi
    rm -rf "$dir"; mkdir -p "$dir" || fail "cannot create $dir"
    if [ "$(id -u)" -eq 0 ]; then chown nobody:nogroup "$dir" || fail "cannot chown $dir to nobody"; fi
    chmod 0777 "$dir"
    # The socket path must stay under 107 bytes.
    [ "${#dir}" -lt 90 ] || fail "$dir is too long a path for a Unix socket"
    as_server "$bin/initdb" -D "$dir/data" -A trust -U kefu -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; fail "initdb failed"; }
    as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
      -o "-k $dir -c listen_addresses= -c fsync=${KEFU_PG_FSYNC:-off} -c max_connections=200 -c shared_buffers=64MB" \
      start >/dev/null || fail "pg_ctl start failed"
    echo "postgresql://kefu@/postgres?host=$dir" > "$dir/uri"
    echo "kefu_postgres: PostgreSQL running on $dir"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: pg_fixture.sh start|stop DIR" >&2; exit 2 ;;
esac
