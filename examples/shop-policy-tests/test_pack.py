# 鑫源数码's pack (pack.toml) tested from Python through the kefu module, as
# a shop's quality checker would: the seed's postage caps, with this shop in
# Guangdong (in province 8 yuan, out of province 10 yuan).
import os

import kefu

PACK = os.path.join(os.path.dirname(__file__), "pack.toml")


def ticket(key, seq, at, type_, fields=None):
    event = {"id": f"{key}-{seq}", "at": at, "agent": "小王", "entity": "ticket",
             "key": key, "type": type_}
    if fields is not None:
        event["fields"] = fields
    return event


def return_shipped_postage(shop, key, province, claimed):
    shop.apply(ticket(key, 1, "2026-11-02T10:00:00+08:00", "registered", {
        "order_id": "T-" + key, "kind": "return_refund", "category": "质量问题",
        "details": "屏幕有亮点，客户要求退货", "lines": [{"product": "N86 屏幕", "quantity": 1}],
        "customer_province": province, "buyer_im": "buyer-" + key,
        "alipay_account": key + "@example.com", "return_postage": "shop",
        "repayment": "alipay_refund"}))
    shop.apply(ticket(key, 2, "2026-11-02T10:30:00+08:00", "return_agreed"))
    out = shop.apply(ticket(key, 3, "2026-11-03T15:00:00+08:00", "return_shipped",
                            {"declared_postage": claimed, "tracking_number": "SF-" + key}))
    caps = [d for d in out["decisions"] if d["rule"] == "AS-POSTAGE-CAP"]
    assert len(caps) == 1, out
    return caps[0]


def test_postage_caps_of_our_pack():
    shop = kefu.Shop(policy=kefu.load_policy(PACK))
    beijing = return_shipped_postage(shop, "K1", "北京", "12.00")
    assert beijing["verdict"] == "adjusted"
    assert beijing["figures"]["reimbursed"] == "10.00"
    guangdong = return_shipped_postage(shop, "K2", "广东", "12.00")
    assert guangdong["figures"]["reimbursed"] == "8.00"
    within = return_shipped_postage(shop, "K3", "广东", "6.50")
    assert within["verdict"] == "allowed"
    assert within["figures"]["reimbursed"] == "6.50"
