# kefu.prepare_huge_page_heap: the kefu program's huge pages, asked for by a
# Python host (kefu/c.h, kefu_prepare_huge_page_heap).
import os
import platform
import sys

import kefu


def test_prepare_huge_page_heap_is_taken_where_the_system_has_huge_pages(tmp_path, placed):
    expected = (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
                and os.path.isdir("/sys/kernel/mm/transparent_hugepage"))
    assert kefu.prepare_huge_page_heap(64 << 20) is expected
    # A store opened afterwards works as before.
    db = str(tmp_path / "shop.db")
    with kefu.Shop(db=db) as shop:
        assert shop.apply(placed)["result"] == "applied"
    with kefu.Shop(db=db) as shop:
        assert shop.apply(placed)["result"] == "duplicate"
