// Helpers for the order machine's tests: timestamps, events, a placed order.
#ifndef KEFU_TESTS_MACHINES_ORDER_TEST_UTIL_H_
#define KEFU_TESTS_MACHINES_ORDER_TEST_UTIL_H_

#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "kefu/machines/order.h"

namespace kefu::testing {

// "2026-11-02T10:00:00+08:00" -> Timestamp; aborts the test on a typo.
inline Timestamp At(const char* rfc3339) {
  auto t = ParseTimestamp(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : absl::UnixEpoch();
}

inline EventMeta Meta(std::string id, Timestamp at, std::string agent = "xiaowang") {
  return EventMeta{std::move(id), at, std::move(agent)};
}

// A paid Taobao order of two phone cases and a charger to Chengdu.
inline OrderPlaced SamplePlaced(std::string id, Timestamp at) {
  OrderPlaced e;
  e.meta = Meta(std::move(id), at);
  e.channel = Channel::kTaobao;
  e.buyer = {"tb_buyer_01", "13800000000"};
  e.lines = {{"N86-case", 2, Money::Yuan(25), false}, {"charger", 1, Money::Yuan(40), false}};
  e.postage = Money::Yuan(10);
  e.payment = PaymentMethod::kPlatform;
  e.paid = true;
  e.address = {"四川省", "成都市", "武侯区", "人民南路四段12号"};
  e.courier = "EMS";
  return e;
}

// Applies `event` and expects an OK, not refused outcome.
inline Outcome MustApply(Order& order, const OrderEvent& event,
                         const OrderEnvironment& env = {}) {
  auto r = order.Apply(event, env);
  EXPECT_TRUE(r.ok()) << EventName(event) << " in " << order.state() << ": " << r.status();
  if (!r.ok()) return Outcome{};
  EXPECT_FALSE(r->refused()) << EventName(event) << " refused: "
                             << (r->decisions.empty() ? "" : r->decisions.back().Reason(
                                                                 Language::kEn));
  return *std::move(r);
}

// Records all six ORD-VERIFY checks, ids prefix + "-c0".."-c5".
inline void CheckAll(Order& order, const std::string& prefix, Timestamp at,
                     const OrderEnvironment& env = {}) {
  for (int i = 0; i < kVerificationItemCount; ++i) {
    CheckRecorded c;
    c.meta = Meta(prefix + "-c" + std::to_string(i), at);
    c.item = static_cast<VerificationItem>(i);
    MustApply(order, c, env);
  }
}

}  // namespace kefu::testing

#endif  // KEFU_TESTS_MACHINES_ORDER_TEST_UTIL_H_
