# kefu.Shop: apply, apply_many, due, confirm, report, close; errors as
# kefu.Error with the status code of kefu/c.h.
import json

import pytest

import kefu

INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND = 3, 9, 5


def test_version():
    assert kefu.__version__.startswith("0.")


def test_apply_takes_a_dict_or_a_string(placed, ticket):
    shop = kefu.Shop(lang="en")
    answer = shop.apply(placed)
    assert answer["result"] == "applied"
    assert answer["state_after"] == "in_check"
    assert answer["deadlines"][0]["rule"] == "ORD-UNSHIPPED"
    assert shop.apply(json.dumps(placed))["result"] == "duplicate"
    assert shop.apply(ticket)["result"] == "applied"
    refused = shop.apply({"id": "o1-pass", "at": "2026-11-02T09:06:00+08:00", "agent": "小王",
                          "entity": "order", "key": "T1", "type": "check_passed"})
    assert refused["result"] == "refused"
    assert refused["decisions"][0]["rule"] == "ORD-VERIFY"
    rejected = shop.apply({"id": "x1", "at": "2026-11-02T10:00:00+08:00", "entity": "order",
                           "key": "NOPE", "type": "paid"})
    assert rejected["result"] == "rejected" and "NOPE" in rejected["error"]


def test_an_event_that_is_not_one_raises():
    shop = kefu.Shop()
    with pytest.raises(kefu.Error) as e:
        shop.apply('{"id":"x2"')
    assert e.value.code == INVALID_ARGUMENT
    assert e.value.code_name == "INVALID_ARGUMENT"
    assert "not valid JSON" in e.value.message


def test_apply_many_answers_each_line(placed, ticket):
    shop = kefu.Shop()
    answers = shop.apply_many([placed, "{broken", ticket, placed])
    assert [a["line"] for a in answers] == [1, 2, 3, 4]
    assert [a["result"] for a in answers] == ["applied", "bad", "applied", "duplicate"]
    assert shop.apply_many([]) == []


def test_work_list_and_an_agents_next_item(placed):
    shop = kefu.Shop(lang="en")
    assert shop.work() == []
    shop.apply(placed)
    work = shop.work()
    assert [(w["entity_kind"], w["entity"], w["rule"], w["kind"]) for w in work] == [
        ("order", "T1", "ORD-UNSHIPPED", "deadline")]
    assert isinstance(work[0]["priority"], int)
    assert shop.work(placed["agent"]) == work  # 小王's next item: the same one
    assert shop.work("nobody") == []


def test_due_until_confirmed(placed):
    shop = kefu.Shop(lang="en")
    shop.apply(placed)
    due = shop.due("2026-11-03T00:00:00+08:00")
    assert [(d["kind"], d["rule"]) for d in due] == [("warning", "ORD-UNSHIPPED")]
    assert shop.due("2026-11-03T00:00:00+08:00") == due  # again, until confirmed
    assert shop.confirm([d["id"] for d in due]) == 1
    assert shop.confirm([d["id"] for d in due]) == 0
    assert shop.due("2026-11-03T00:00:00+08:00") == []
    with pytest.raises(kefu.Error) as e:
        shop.due("tomorrow")
    assert e.value.code == INVALID_ARGUMENT


def test_report(placed, ticket):
    shop = kefu.Shop()
    shop.apply_many([placed, ticket])
    report = shop.report()
    assert report["lines"]["applied"] == 2
    assert report["states"]["order"]["by_state"] == {"in_check": 1}
    later = shop.report(until="2026-11-06T00:00:00+08:00")
    assert later["breaches_total"] >= 1
    with pytest.raises(kefu.Error):
        shop.report(until="soon")


def test_a_store_file_keeps_what_it_answered(tmp_path, placed):
    db = tmp_path / "shop.db"
    with kefu.Shop(db=db, durability="normal") as shop:
        assert shop.apply(placed)["seq"] == 1
        with pytest.raises(kefu.Error) as e:
            kefu.Shop(db=str(db))  # one writer at a time
        assert e.value.code == FAILED_PRECONDITION
    with kefu.Shop(db=str(db)) as shop:
        assert shop.apply(placed)["result"] == "duplicate"
        assert shop.report()["file"] == str(db)


def test_a_closed_shop_and_bad_options_raise(tmp_path):
    shop = kefu.Shop()
    shop.close()
    with pytest.raises(kefu.Error) as e:
        shop.report()
    assert e.value.code == FAILED_PRECONDITION
    with pytest.raises(kefu.Error):
        kefu.Shop(lang="fr")
    with pytest.raises(kefu.Error):
        kefu.Shop(durability="maybe")
    not_a_store = tmp_path / "junk.db"
    not_a_store.write_bytes(b"no sqlite here, no kefu store either\n")
    with pytest.raises(kefu.Error) as e:
        kefu.Shop(db=not_a_store)
    assert e.value.code == INVALID_ARGUMENT


def test_team_events_through_the_module(tmp_path):
    # The team entity (issue 20): a shift, a swap refused without approval,
    # a supervisor's score; the agent's state survives the store's reopening.
    start = {"id": "s-1", "at": "2026-11-21T08:48:00+08:00", "agent": "小王",
             "entity": "team", "key": "小王", "type": "shift_started",
             "fields": {"shift": "early", "channels": "旺旺,商城"}}
    swap = {"id": "s-2", "at": "2026-11-21T10:00:00+08:00", "agent": "小王",
            "entity": "team", "key": "小王", "type": "shift_swapped",
            "fields": {"day": "2026-11-23", "shift": "early", "with": "小李"}}
    score = {"id": "s-3", "at": "2026-11-21T19:00:00+08:00", "agent": "主管老张",
             "entity": "team", "key": "小王", "type": "supervisor_scored",
             "fields": {"part": "attitude", "score": 18, "role": "supervisor"}}
    db = tmp_path / "team.db"
    with kefu.Shop(db=db, durability="normal", lang="en") as shop:
        started = shop.apply(start)
        assert started["result"] == "applied"
        assert started["state_after"] == "on_shift"
        refused = shop.apply(swap)
        assert refused["result"] == "refused"
        assert refused["decisions"][0]["rule"] == "SH-HANDOVER"
        scored = shop.apply(score)
        assert scored["result"] == "applied"
        assert scored["decisions"][0]["rule"] == "KPI-SCORE"
    with kefu.Shop(db=str(db)) as shop:
        assert shop.apply(start)["result"] == "duplicate"
        again = shop.apply({**start, "id": "s-4", "at": "2026-11-21T19:10:00+08:00"})
        assert again["result"] == "rejected" and "on_shift" in again["error"]
