# The kefu module on a PostgreSQL store (docs/worker.md): kefu.Shop(db=URI)
# opens the shop "default" of that database through the C API's OpenStore.
# Run by ctest with the kefu_postgres fixture (tests/store/pg_fixture.sh),
# which writes the server's URI to $KEFU_TEST_PG_DIR/uri.
import os
import subprocess

import pytest

import kefu

BIN = "/usr/lib/postgresql/15/bin"

PLACED = {
    "id": "o1", "at": "2026-11-02T09:00:00+08:00", "agent": "小王",
    "entity": "order", "key": "T1", "type": "placed",
    "fields": {
        "channel": "tmall", "buyer": {"im_name": "tb_buyer", "phone": "13800000000"},
        "lines": [{"product": "N86手机壳", "quantity": 1, "unit_price": "25.00"}],
        "postage": "10.00", "payment": "platform", "paid": True,
        "address": {"province": "广东省", "city": "深圳市", "district": "南山区",
                    "detail": "科技园1号"},
        "courier": "SF",
    },
}


@pytest.fixture
def database():
    """A database of this test's own, so that no other test holds its lease."""
    pg_dir = os.environ.get("KEFU_TEST_PG_DIR", "")
    uri_file = os.path.join(pg_dir, "uri")
    if not pg_dir or not os.path.exists(uri_file):
        pytest.fail("PostgreSQL is not running: the ctest fixture kefu_postgres "
                    "could not start it (or KEFU_TEST_PG_DIR is not set)")
    args = ["-h", pg_dir, "-U", "kefu"]
    subprocess.run([f"{BIN}/dropdb", *args, "--if-exists", "kefu_python"], check=True)
    subprocess.run([f"{BIN}/createdb", *args, "kefu_python"], check=True)
    return f"postgresql://kefu@/kefu_python?host={pg_dir}"


def test_a_shop_on_postgresql_keeps_what_it_acknowledged(database):
    shop = kefu.Shop(db=database)
    first = shop.apply(PLACED)
    assert first["result"] == "applied"
    assert first["state_after"] == "in_check"
    shop.close()

    # Reopened: the event is remembered (its stored outcome comes back) and
    # the report counts the order once.
    again = kefu.Shop(db=database)
    second = again.apply(PLACED)
    assert second["result"] == "duplicate"
    assert second["state_after"] == "in_check"
    report = again.report()
    assert report["lines"]["applied"] == 1
    assert report["lines"]["duplicates"] == 1
    again.close()


def test_a_second_shop_on_the_same_lease_is_refused(database):
    shop = kefu.Shop(db=database)
    with pytest.raises(kefu.Error) as e:
        kefu.Shop(db=database)
    assert e.value.code != 0 and e.value.message
    shop.close()
