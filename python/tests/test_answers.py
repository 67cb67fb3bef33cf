# The answers as dicts are the JSON answers: shop.apply builds its dict
# straight from the answer (no JSON text), shop.apply_json gives the text
# kefu serve writes; over a sample week they must give the same dicts, key
# order and types included, and both must be what `kefu serve` answers.
# A dict event is written as JSON here without the json module: it must
# give the answer json.dumps's text gives.
import json
import os
import subprocess

import pytest

import kefu

PROGRAM = os.environ.get("KEFU_PROGRAM")
needs_program = pytest.mark.skipif(not PROGRAM, reason="KEFU_PROGRAM (the kefu program) not set")


def compact(d):
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    if not PROGRAM:
        pytest.skip("KEFU_PROGRAM (the kefu program) not set")
    path = tmp_path_factory.mktemp("week") / "week.jsonl"
    subprocess.run([PROGRAM, "sample", "--days", "2", "-o", str(path)], check=True,
                   stderr=subprocess.DEVNULL)
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def test_objects_and_json_give_equal_answers_over_a_week(week):
    by_str, by_dict, by_json = kefu.Shop(), kefu.Shop(), kefu.Shop()
    results = set()
    for line in week:
        text = by_json.apply_json(line)
        want = json.loads(text)
        got_str = by_str.apply(line)
        got_dict = by_dict.apply(json.loads(line))
        assert got_str == want and got_dict == want
        # The same keys in the same order, the same types: the same text.
        assert compact(got_str) == text and compact(got_dict) == text
        results.add(want["result"])
    assert {"applied", "refused"} <= results
    assert by_str.report() == by_json.report() == by_dict.report()


def test_apply_many_answers_as_apply(week):
    one, many = kefu.Shop(lang="en"), kefu.Shop(lang="en")
    events = [json.loads(line) for line in week[:1500]]
    want = [one.apply(e) for e in events]
    got = many.apply_many(events[:700]) + many.apply_many(week[700:1500])
    assert [a["line"] for a in got] == list(range(1, 701)) + list(range(1, 801))
    assert [{k: v for k, v in a.items() if k != "line"} for a in got] == want
    assert list(got[0])[0] == "line"


@pytest.mark.parametrize("text", [
    'quote " backslash \\ slash / tab \t newline \n cr \r nul \x00 bell \x07 del \x7f',
    "表情 😀 and a rare 𠜎 and U+2028 \u2028 U+FEFF \ufeff",
    "",
])
def test_strings_that_need_escaping(text, placed):
    placed = dict(placed, agent=text, id="o-" + text[:5])
    by_dict, by_json = kefu.Shop(), kefu.Shop()
    got = by_dict.apply(placed)
    want_text = by_json.apply_json(json.dumps(placed, ensure_ascii=False))
    assert got == json.loads(want_text)
    assert compact(got) == want_text


def test_a_dict_is_written_as_json_dumps_writes_it(placed):
    # kefu._event_text(event): the text apply() hands to kefu. Values
    # json.dumps writes its own way: floats, big ints, tuples, nesting,
    # bool and None, non-str keys (json.dumps turns them into strings),
    # subclasses of dict and of str, escapes.
    class Sub(dict):
        pass

    class Text(str):
        pass

    odd = {"f": [0.1, 1e300, -0.0, 1.5e-7, 3.0, 2.5e16, 1e16, 123456789.125],
           "big": 2 ** 70, "neg": -(2 ** 63), "edge": [2 ** 63 - 1, -(2 ** 63) - 1],
           "t": (1, "a", None, True, False), 1: "int key", 2.5: "float key", None: "n",
           "sub": Sub(a=1), "s": Text("x"), "deep": [[[[{"x": [1]}]]]], "": {},
           "esc": "\"\\/\b\f\n\r\t\x00\x1f\x7f\u2028😀"}
    deep = [1]
    for _ in range(70):
        deep = [deep]
    for value in [placed, odd, Sub(odd), dict(placed, agent=Text("小王")), [odd], "x", 1,
                  {"deep": deep}, True, None, 1.0]:
        want = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if isinstance(value, str):
            want = value  # a str event is its own text
        assert kefu._event_text(value) == want
    shop, twin = kefu.Shop(), kefu.Shop()
    assert shop.apply(placed) == twin.apply(json.dumps(placed))


def test_a_dict_json_cannot_write_raises_as_json_does(placed):
    shop = kefu.Shop()
    with pytest.raises(TypeError):
        shop.apply(dict(placed, fields={"when": object()}))
    loop = dict(placed)
    loop["fields"] = loop
    with pytest.raises(ValueError):
        shop.apply(loop)
    nan = dict(placed, id="nan", fields=dict(placed["fields"], x=float("nan")))
    # json.dumps writes NaN, which is not JSON: the event is refused as any
    # text that is not JSON.
    with pytest.raises(kefu.Error) as e:
        shop.apply(nan)
    assert e.value.code == 3


def test_threads_share_a_shop(placed):
    import threading
    shop = kefu.Shop()
    answers = {}

    def work(t):
        answers[t] = [shop.apply(dict(placed, id=f"o{t}-{i}", key=f"T{t}-{i}"))["result"]
                      for i in range(200)]

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a == ["applied"] * 200 for a in answers.values())
    assert shop.report()["lines"]["applied"] == 800


@needs_program
def test_serve_answers_as_the_module(tmp_path, placed, ticket):
    events = [placed, ticket, dict(placed, id="o1-pass", type="check_passed", fields={},
                                   at="2026-11-02T09:06:00+08:00"),
              {"tick": "2026-11-03T00:00:00+08:00"}]
    lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events[:3])
    served = subprocess.run([PROGRAM, "serve", "--db", str(tmp_path / "shop.db")], input=lines,
                            check=True, capture_output=True, text=True).stdout.splitlines()
    shop = kefu.Shop()
    for line, event in zip(served, events[:3]):
        want = json.loads(line)
        assert want.pop("line") >= 1
        assert shop.apply(event) == want


@needs_program
def test_a_store_serve_wrote_with_a_pack_reopens_with_that_pack(tmp_path, ticket):
    # [shop] province fills a registration that names no shop_province:
    # a return from 浙江 to a shop in 广东 is out of province (a 10-yuan
    # postage cap, not 8). serve must take the whole pack as the C API
    # does, or the store it wrote is another shop's when reopened with it.
    pack = tmp_path / "shop.toml"
    pack.write_text('[shop]\nprovince = "广东"\n')
    db = tmp_path / "shop.db"
    fields = {k: v for k, v in ticket["fields"].items() if k != "shop_province"}
    fields["customer_province"] = "浙江省"
    events = [
        dict(ticket, fields=fields),
        {"id": "s2", "at": "2026-11-02T10:05:00+08:00", "agent": "小李", "entity": "ticket",
         "key": "S1", "type": "return_agreed"},
        {"id": "s3", "at": "2026-11-02T11:00:00+08:00", "agent": "小李", "entity": "ticket",
         "key": "S1", "type": "return_shipped",
         "fields": {"declared_postage": "12.00", "tracking_number": "SF100"}},
    ]
    served = subprocess.run(
        [PROGRAM, "serve", "--db", str(db), "--policy", str(pack)],
        input="".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), check=True,
        capture_output=True, text=True).stdout.splitlines()
    policy = kefu.load_policy(pack)
    memory = kefu.Shop(policy=policy)
    for line, event in zip(served, events):
        answer = json.loads(line)
        answer.pop("line")
        # Decided as a shop with the pack decides.
        assert memory.apply(event) == answer
    cap = [d for d in json.loads(served[2])["decisions"] if d["rule"] == "AS-POSTAGE-CAP"]
    assert cap and cap[0]["figures"]["cap"] == "10.00"
    with kefu.Shop(db=db, policy=policy) as shop:
        assert [shop.apply(e)["result"] for e in events] == ["duplicate"] * 3
        report = shop.report()
        assert report["policy_revision"] == policy.revision
        assert report["lines"]["applied"] == 3 and report["lines"]["duplicates"] == 3
