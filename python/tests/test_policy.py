# kefu.load_policy and kefu.check_reply, and a shop testing its own policy
# pack (docs/bindings.md shows the ten lines).
import pytest

import kefu


def test_load_policy_errors(tmp_path):
    with pytest.raises(kefu.Error) as e:
        kefu.load_policy(str(tmp_path / "absent.toml"))
    assert e.value.code == 5  # NOT_FOUND
    bad = tmp_path / "bad.toml"
    bad.write_text("[ORD-NO-SUCH-RULE]\nx = 1\n")
    with pytest.raises(kefu.Error) as e:
        kefu.load_policy(bad)
    assert e.value.code == 3 and "bad.toml" in e.value.message


def test_check_reply():
    findings = kefu.check_reply("不知道，这个不能退")
    assert "PH-APOLOGY" in {f["rule"] for f in findings}
    assert kefu.check_reply("") == []


def test_a_pack_revision_names_its_values(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("[ORD-UNSHIPPED]\ntell_customer_at = \"12:00\"\n")
    b.write_text("# the same value, another layout\n[ORD-UNSHIPPED]\ntell_customer_at=\"12:00\"\n")
    assert kefu.load_policy(a).revision == kefu.load_policy(b).revision
    assert len(kefu.load_policy(a).revision) == 16


# A shop tests its own policy pack, in ten lines.
def test_our_pack(tmp_path, placed):
    pack = tmp_path / "shop.toml"
    pack.write_text('[ORD-UNSHIPPED]\ntell_customer_at = "12:00"\n'
                    '[phrases]\nadd = [{ phrase = "亲", rule = "PH-ADDRESS", suggestion = "您好" }]\n')
    policy = kefu.load_policy(pack)
    shop = kefu.Shop(policy=policy)
    deadline = shop.apply(placed)["deadlines"][0]
    assert deadline["warn_at"] == "2026-11-02T12:00:00+08:00"
    assert [f["suggestion"] for f in kefu.check_reply("亲，在的", policy)] == ["您好"]
