// Helpers for the order machine's tests: a placed order, the six checks.
// Times, metadata and MustApply are the testing kit's (kefu/testing/).
#ifndef KEFU_TESTS_MACHINES_ORDER_TEST_UTIL_H_
#define KEFU_TESTS_MACHINES_ORDER_TEST_UTIL_H_

#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "kefu/machines/order.h"
#include "kefu/testing/builders.h"
#include "kefu/testing/shop_test.h"

namespace kefu::testing {

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
