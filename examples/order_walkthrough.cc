// The demo: one realistic Tmall order taken through kefu's order machine.
//
// A buyer orders two ceiling lamps on the eve of China's 2026 National Day
// holiday. The agent tries to pass the order check (审单) before verifying
// everything (ORD-VERIFY refuses, listing what is missing), verifies the rest,
// then the warehouse reports the lamp out of stock (ORD-OOS-NOTIFY says whom
// to call and how). A refund before offering another style is refused
// (ORD-MALL-COMP); after the buyer declines another style, the refund pays 5%
// compensation capped at 30 yuan, and the cancellation is registered
// (ORD-CANCEL-REG).
// Every outcome is printed: each decision with its rule ID, each action and
// each deadline, computed on the shop's business calendar.
//
// With --check the program also verifies what it printed and exits non-zero
// on a mismatch, so ctest runs it as a test.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "kefu/kefu.h"
#include "kefu/machines/order.h"

namespace {

int failures = 0;
bool check_mode = false;

void Expect(bool ok, const char* what) {
  if (check_mode && !ok) {
    std::fprintf(stderr, "CHECK FAILED: %s\n", what);
    ++failures;
  }
}

// The shop's calendar: CST, open every day 09:00-21:00 as the seed's shifts
// say, closed over the 2026 National Day holiday (1-7 October), with the
// make-up working days of 20 September and 10 October.
kefu::BusinessCalendar ShopCalendar() {
  kefu::BusinessCalendar::Options options;
  for (auto& day : options.hours) day = kefu::WorkingHours{absl::Hours(9), absl::Hours(21)};
  for (int d = 1; d <= 7; ++d) options.holidays.push_back(kefu::LocalDay(2026, 10, d));
  options.makeup_workdays = {kefu::LocalDay(2026, 9, 20), kefu::LocalDay(2026, 10, 10)};
  auto calendar = kefu::BusinessCalendar::Create(options);
  if (!calendar.ok()) {
    std::fprintf(stderr, "calendar: %s\n", calendar.status().ToString().c_str());
    std::exit(2);
  }
  return *std::move(calendar);
}

kefu::EventMeta Meta(const char* id, const char* at, const char* agent) {
  auto t = kefu::ParseTimestamp(at);
  if (!t.ok()) {
    std::fprintf(stderr, "%s\n", t.status().ToString().c_str());
    std::exit(2);
  }
  return kefu::EventMeta{id, *t, agent};
}

std::string Str(std::string_view s) { return std::string(s); }

// Applies one event and prints its outcome; returns it (or exits on error).
kefu::Outcome Step(kefu::Order& order, const kefu::OrderEvent& event,
                   const kefu::OrderEnvironment& env) {
  const std::string before = Str(order.state());
  absl::StatusOr<kefu::Outcome> result = order.Apply(event, env);
  const kefu::EventMeta& meta = kefu::MetaOf(event);
  std::printf("\n%s  %s by %s: %s -> %s\n", kefu::FormatTimestamp(meta.at).c_str(),
              Str(kefu::EventName(event)).c_str(), meta.agent.c_str(), before.c_str(),
              Str(order.state()).c_str());
  if (!result.ok()) {
    std::printf("  error: %s\n", result.status().ToString().c_str());
    Expect(false, "every demo event is accepted by its state");
    return {};
  }
  for (const kefu::Decision& d : result->decisions) {
    std::printf("  %-15s %-9s %s\n", Str(d.rule).c_str(), Str(kefu::VerdictName(d.verdict)).c_str(),
                d.Reason().c_str());
  }
  for (const kefu::Action& a : result->actions) {
    std::printf("  %-15s action    %s: %s%s%s\n", Str(a.rule).c_str(),
                Str(kefu::ActionKindName(a.kind)).c_str(), a.Describe().c_str(),
                a.due ? ", due " : "", a.due ? kefu::FormatTimestamp(*a.due).c_str() : "");
  }
  for (const kefu::Deadline& d : result->deadlines) {
    std::printf("  %-15s deadline  %s %s%s%s\n", Str(d.rule).c_str(),
                Str(kefu::DeadlineOpName(d.op)).c_str(),
                d.op == kefu::DeadlineOp::kCancel ? "" : kefu::FormatTimestamp(d.due).c_str(),
                d.warn_at ? ", warn " : "",
                d.warn_at ? kefu::FormatTimestamp(*d.warn_at).c_str() : "");
  }
  return *std::move(result);
}

const kefu::Decision* Find(const kefu::Outcome& out, kefu::RuleId rule) { return out.Find(rule); }

}  // namespace

int main(int argc, char** argv) {
  check_mode = argc > 1 && std::strcmp(argv[1], "--check") == 0;
  const kefu::BusinessCalendar calendar = ShopCalendar();
  kefu::OrderEnvironment env;
  env.calendar = &calendar;

  std::printf("kefu %s demo: Tmall order TM20260930-0042, 2 x 吸顶灯 at 499.00 yuan\n",
              Str(kefu::Version()).c_str());
  kefu::Order order("TM20260930-0042");

  kefu::OrderPlaced placed;
  placed.meta = Meta("e1", "2026-09-30T16:20:00+08:00", "system");
  placed.channel = kefu::Channel::kTmall;
  placed.buyer = {"小雨点2026", "13800138000"};
  placed.lines = {{"吸顶灯 LX-450", 2, kefu::Money::Yuan(499)}};
  placed.postage = kefu::Money::Zero();
  placed.payment = kefu::PaymentMethod::kPlatform;
  placed.paid = true;
  placed.address = {"浙江省", "杭州市", "西湖区", "文三路 90 号 3 单元 501"};
  placed.courier = "中通";
  Step(order, placed, env);
  Expect(order.state() == "in_check", "a paid Tmall order goes to the order check (F2)");

  // The agent verifies four of the six items, then tries to pass the check.
  int n = 2;
  for (auto item : {kefu::VerificationItem::kProduct, kefu::VerificationItem::kQuantity,
                    kefu::VerificationItem::kPaymentMethod, kefu::VerificationItem::kAddress}) {
    const std::string id = "e" + std::to_string(n++);
    kefu::CheckRecorded check;
    check.meta = Meta(id.c_str(), "2026-09-30T16:30:00+08:00", "阿芳");
    check.item = item;
    order.Apply(check, env).IgnoreError();
  }
  std::printf("\n(阿芳 verified product, quantity, payment method and address)\n");
  kefu::CheckPassed early;
  early.meta = Meta("e6", "2026-09-30T16:31:00+08:00", "阿芳");
  kefu::Outcome refused = Step(order, early, env);
  const kefu::Decision* verify = Find(refused, "ORD-VERIFY");
  Expect(refused.refused() && verify != nullptr && verify->verdict == kefu::Verdict::kRefused,
         "ORD-VERIFY refuses the check with items missing");
  Expect(order.state() == "in_check", "a refused event leaves the order in the check");

  for (auto item : {kefu::VerificationItem::kPrice, kefu::VerificationItem::kPostage}) {
    const std::string id = "e" + std::to_string(++n);  // e7, e8: e6 is the refused check
    kefu::CheckRecorded check;
    check.meta = Meta(id.c_str(), "2026-09-30T16:33:00+08:00", "阿芳");
    check.item = item;
    order.Apply(check, env).IgnoreError();
  }
  std::printf("\n(阿芳 verified price and postage)\n");
  kefu::CheckPassed passed;
  passed.meta = Meta("e9", "2026-09-30T16:34:00+08:00", "阿芳");
  Step(order, passed, env);
  Expect(order.state() == "ready_to_ship", "all six checks: F2 -> F3");

  kefu::OutOfStockReported oos;
  oos.meta = Meta("e10", "2026-09-30T17:05:00+08:00", "仓库老王");
  oos.product = "吸顶灯 LX-450";
  oos.arrival = kefu::StockArrival::kUncertain;
  kefu::Outcome oos_out = Step(order, oos, env);
  Expect(order.state() == "held_out_of_stock", "out of stock holds the order");
  Expect(Find(oos_out, "ORD-OOS-NOTIFY") != nullptr || !oos_out.actions.empty(),
         "ORD-OOS-NOTIFY says how to reach the buyer");

  kefu::Refunded too_early;
  too_early.meta = Meta("e11", "2026-09-30T17:10:00+08:00", "阿芳");
  too_early.amount = kefu::Money::Yuan(998);
  too_early.reason = kefu::RefundReason::kOutOfStock;
  kefu::Outcome early_refund = Step(order, too_early, env);
  Expect(early_refund.refused() && Find(early_refund, "ORD-MALL-COMP") != nullptr,
         "ORD-MALL-COMP: offer another style before refunding");

  kefu::CustomerContacted call;
  call.meta = Meta("e12", "2026-09-30T17:20:00+08:00", "阿芳");
  call.channel = kefu::ContactChannel::kPhone;
  call.result = kefu::ContactResult::kDeclinedOtherStyle;
  Step(order, call, env);

  kefu::Refunded refund;
  refund.meta = Meta("e13", "2026-09-30T17:25:00+08:00", "阿芳");
  refund.amount = kefu::Money::Yuan(998);
  refund.reason = kefu::RefundReason::kOutOfStock;
  kefu::Outcome refunded = Step(order, refund, env);
  Expect(order.data().compensation == kefu::Money::Yuan(30),
         "5% of 998.00 is 49.90, capped at 30.00");
  Expect(order.data().complaint_risk, "the Tmall out-of-stock refund is flagged");

  kefu::Cancelled cancel;
  cancel.meta = Meta("e14", "2026-09-30T17:30:00+08:00", "阿芳");
  cancel.reason = "缺货退款";
  kefu::Outcome cancelled = Step(order, cancel, env);
  Expect(order.state() == "cancelled", "the whole order is cancelled");
  Expect(Find(cancelled, "ORD-CANCEL-REG") != nullptr, "ORD-CANCEL-REG registers it");

  // The ERP delivers the refund event again (at-least-once delivery).
  absl::StatusOr<kefu::Outcome> again = order.Apply(refund, env);
  std::printf("\nrefund event e13 delivered again: %s, compensation still %s yuan\n",
              again.ok() && again->audit.duplicate ? "recognised as a duplicate" : "NOT a duplicate",
              order.data().compensation.ToString().c_str());
  Expect(again.ok() && again->audit.duplicate, "an event id applied twice changes nothing");

  std::printf("\n%zu events applied; final state %s\n", order.applied().size(),
              Str(order.state()).c_str());
  if (check_mode) std::printf("%s\n", failures == 0 ? "all checks passed" : "CHECKS FAILED");
  return failures == 0 ? 0 : 1;
}
