# Shared events for the kefu module's tests (python/tests/): the first
# lines of docs/events.md's story.
import pytest

PLACED = {
    "id": "o1", "at": "2026-11-02T09:00:00+08:00", "agent": "小王",
    "entity": "order", "key": "T1", "type": "placed",
    "fields": {
        "channel": "tmall",
        "buyer": {"im_name": "tb_buyer", "phone": "13800000000"},
        "lines": [{"product": "N86手机壳", "quantity": 1, "unit_price": "25.00"}],
        "postage": "10.00", "payment": "platform", "paid": True,
        "address": {"province": "广东省", "city": "深圳市", "district": "南山区",
                    "detail": "科技园1号"},
        "courier": "SF",
    },
}
TICKET = {
    "id": "s1", "at": "2026-11-02T10:00:00+08:00", "agent": "小李",
    "entity": "ticket", "key": "S1", "type": "registered",
    "fields": {
        "order_id": "T0", "kind": "return_refund", "category": "不喜欢",
        "details": "客户不喜欢颜色", "lines": [{"product": "N86手机壳", "quantity": 1}],
        "customer_province": "广东省", "shop_province": "广东省",
        "return_postage": "shop", "repayment": "alipay_refund",
    },
}


@pytest.fixture
def placed():
    return dict(PLACED)


@pytest.fixture
def ticket():
    return dict(TICKET)
