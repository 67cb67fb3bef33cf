// Helpers for the ticket machine's tests: a sample registration and a
// driver that walks a ticket to a state. Times, metadata, MustApply and the
// printers are the testing kit's (kefu/testing/).
#ifndef KEFU_TESTS_MACHINES_TICKET_TEST_UTIL_H_
#define KEFU_TESTS_MACHINES_TICKET_TEST_UTIL_H_

#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "kefu/machines/ticket.h"
#include "kefu/testing/builders.h"
#include "kefu/testing/shop_test.h"

namespace kefu::ticket_testing {

using ::kefu::testing::At;
using ::kefu::testing::Meta;
using ::kefu::testing::MustApply;

// Monday 2 November 2026, 10:00 in China.
inline Timestamp Monday() { return At("2026-11-02T10:00:00+08:00"); }

// A return for refund of one N86 screen, customer and shop both in
// Guangdong; the shop pays the return postage back by Alipay.
inline TicketRegistered SampleRegistered(std::string id, Timestamp at,
                                         TicketKind kind = TicketKind::kReturnRefund) {
  TicketRegistered e;
  e.meta = Meta(std::move(id), at);
  e.order_id = "O-1001";
  e.kind = kind;
  e.category = "质量问题";
  e.details = "屏幕有亮点，客户要求退货";
  e.lines = {{"N86-screen", 1}};
  e.customer_province = "广东省";
  e.shop_province = "广东省";
  e.shop = "淘宝店";
  e.buyer_im = "tb_buyer_01";
  e.alipay_account = "buyer@example.com";
  e.return_postage = PostagePayer::kShop;
  e.reship_postage = PostagePayer::kShop;
  e.repayment = Repayment::kAlipayRefund;
  return e;
}

// Registers `reg` and walks the return to "inspecting": agreed, shipped
// with `postage`, received and unpacked by 小王, packaging intact.
inline void ToInspecting(Ticket& t, const TicketRegistered& reg, Money postage = Money::Yuan(6),
                         const TicketEnvironment& env = {}) {
  const Timestamp at = reg.meta.at;
  MustApply(t, reg, env);
  MustApply(t, ReturnAgreed{Meta("agree", at + absl::Hours(1))}, env);
  MustApply(t, ReturnShipped{Meta("ship", at + absl::Hours(20)), postage, false, "SF1"}, env);
  MustApply(t, ParcelReceived{Meta("recv", at + absl::Hours(48)), ""}, env);
  MustApply(t, PackagingChecked{Meta("pack", at + absl::Hours(49)), Packaging::kIntact, true},
            env);
}

// Finds the first action of `kind` in `o`, or nullptr.
inline const Action* FindAction(const Outcome& o, ActionKind kind) {
  for (const Action& a : o.actions) {
    if (a.kind == kind) return &a;
  }
  return nullptr;
}

inline const kefu::Deadline* FindDeadline(const Outcome& o, RuleId rule, DeadlineOp op) {
  for (const kefu::Deadline& d : o.deadlines) {
    if (d.rule == rule && d.op == op) return &d;
  }
  return nullptr;
}

template <class T>
T FigureAs(const Figure* f) {
  EXPECT_NE(f, nullptr);
  if (f == nullptr) return T{};
  const T* v = std::get_if<T>(&f->value);
  EXPECT_NE(v, nullptr) << f->name;
  return v == nullptr ? T{} : *v;
}

}  // namespace kefu::ticket_testing

#endif  // KEFU_TESTS_MACHINES_TICKET_TEST_UTIL_H_
