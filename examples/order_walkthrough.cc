// The demo: one realistic Tmall order, paid by bank transfer on the eve of
// China's 2026 National Day holiday, found out of stock and refunded. Each
// step asks kefu's core vocabulary what follows and prints the decision with
// its catalogue rule ID.
//
// With --check, the program also verifies every figure it printed and exits
// non-zero on a mismatch, so ctest runs it as a test.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kefu/kefu.h"

namespace {

using kefu::Decision;
using kefu::Figure;
using kefu::Money;
using kefu::Timestamp;
using kefu::Verdict;

int failures = 0;
bool check_mode = false;

void Expect(bool ok, const char* what) {
  if (check_mode && !ok) {
    std::fprintf(stderr, "CHECK FAILED: %s\n", what);
    ++failures;
  }
}

void Print(const std::string& when, const Decision& d) {
  std::printf("%s  %-15s %-9s %s\n", when.c_str(), std::string(d.rule).c_str(),
              std::string(kefu::VerdictName(d.verdict)).c_str(), d.Reason().c_str());
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

Timestamp At(const char* text) {
  auto t = kefu::ParseTimestamp(text);
  if (!t.ok()) {
    std::fprintf(stderr, "%s\n", t.status().ToString().c_str());
    std::exit(2);
  }
  return *t;
}

}  // namespace

int main(int argc, char** argv) {
  check_mode = argc > 1 && std::strcmp(argv[1], "--check") == 0;
  const kefu::BusinessCalendar calendar = ShopCalendar();

  std::printf("kefu %s demo: Tmall order T20260930-0042, 2 x 吸顶灯 at 499.00 yuan\n\n",
              std::string(kefu::Version()).c_str());

  // 1. The order is paid by bank transfer: ORD-FIN-CHECK holds it until
  //    finance confirms the money arrived.
  const Timestamp paid = At("2026-09-30T16:20:00+08:00");
  auto unit = Money::Parse("499.00");
  auto total = unit->Multiply(2);
  Decision fin;
  fin.rule = "ORD-FIN-CHECK";
  fin.verdict = Verdict::kRefused;
  fin.message = {"银行转账{amount}，待财务确认到账后才能发货",
                 "bank transfer of {amount}: no shipping until finance confirms"};
  fin.figures.push_back({"amount", *total});
  Print(kefu::FormatTimestamp(paid), fin);
  Expect(*total == Money::Yuan(998), "order total is 998.00 yuan");

  // 2. The order is not shipped on its day: ORD-UNSHIPPED tells the customer
  //    that day and closes out by the end of day 3.
  Decision unshipped;
  unshipped.rule = "ORD-UNSHIPPED";
  unshipped.verdict = Verdict::kScheduled;
  const Timestamp tell_by = calendar.EndOfDay(paid);
  const Timestamp close_by = calendar.EndOfDay(calendar.AddDays(paid, 2));
  unshipped.message = {"当天未发货：{tell_by}前告知顾客，{close_by}前处理完毕",
                       "not shipped today: tell the customer before {tell_by}, close out "
                       "before {close_by}"};
  unshipped.figures.push_back({"tell_by", tell_by});
  unshipped.figures.push_back({"close_by", close_by});
  Print(kefu::FormatTimestamp(paid), unshipped);
  Expect(kefu::FormatTimestamp(tell_by) == "2026-10-01T00:00:00+08:00", "tell by midnight");
  Expect(kefu::FormatTimestamp(close_by) == "2026-10-03T00:00:00+08:00", "close by end of day 3");

  // 3. Out of stock with uncertain arrival: ORD-OOS-NOTIFY says phone the
  //    customer and offer another style; the holiday pushes the next working
  //    moment to 8 October.
  auto next_work = calendar.AddBusinessDays(paid, 1);
  Decision oos;
  oos.rule = "ORD-OOS-NOTIFY";
  oos.verdict = Verdict::kScheduled;
  oos.message = {"缺货且到货时间不定：{due}前电话联系顾客并推荐其他款式",
                 "out of stock, arrival uncertain: phone the customer and offer another "
                 "style by {due}"};
  oos.figures.push_back({"due", *next_work});
  Print(kefu::FormatTimestamp(paid), oos);
  Expect(next_work.ok() && kefu::FormatTimestamp(*next_work) == "2026-10-08T16:20:00+08:00",
         "next business day skips the National Day holiday");

  // 4. The customer declines another style; the order is refunded and, as a
  //    Tmall order, ORD-MALL-COMP compensates 5% of the refund, capped at 30.
  const kefu::Rate rate = kefu::Rate::Percent(5);
  const Money cap = Money::Yuan(30);
  auto comp = kefu::PercentOf(*total, rate, cap);
  auto uncapped = kefu::PercentOf(*total, rate);
  Decision mall;
  mall.rule = "ORD-MALL-COMP";
  mall.verdict = *comp == *uncapped ? Verdict::kAllowed : Verdict::kAdjusted;
  mall.message = {"商城缺货退款{refund}，补偿{rate}即{uncapped}，上限{cap}，实付{comp}",
                  "Tmall out-of-stock refund {refund}: {rate} is {uncapped}, capped at "
                  "{cap}, pay {comp}"};
  mall.figures.push_back({"refund", *total});
  mall.figures.push_back({"rate", rate.ToString()});
  mall.figures.push_back({"uncapped", *uncapped});
  mall.figures.push_back({"cap", cap});
  mall.figures.push_back({"comp", *comp});
  const Timestamp refunded = At("2026-10-08T10:05:00+08:00");
  Print(kefu::FormatTimestamp(refunded), mall);
  Expect(*uncapped == Money::Fen(4990) && *comp == Money::Yuan(30),
         "5% of 998.00 is 49.90, capped at 30.00");

  // 5. ORD-CANCEL-REG: the cancellation register entry and the restock are
  //    due the same day.
  Decision reg;
  reg.rule = "ORD-CANCEL-REG";
  reg.verdict = Verdict::kScheduled;
  reg.message = {"登记取消单并入库，{due}前完成", "register the cancellation and restock before {due}"};
  reg.figures.push_back({"due", calendar.EndOfDay(refunded)});
  Print(kefu::FormatTimestamp(refunded), reg);
  Expect(kefu::FormatTimestamp(calendar.EndOfDay(refunded)) == "2026-10-09T00:00:00+08:00",
         "same-day register");

  std::printf("\nWithin service hours at %s? %s\n", kefu::FormatTimestamp(refunded).c_str(),
              calendar.IsWithinServiceHours(refunded) ? "yes" : "no");
  Expect(calendar.IsWithinServiceHours(refunded), "10:05 on 8 October is within hours");
  Expect(!calendar.IsWithinServiceHours(At("2026-10-03T10:05:00+08:00")),
         "3 October is a holiday");

  if (check_mode) {
    std::printf("%s\n", failures == 0 ? "all checks passed" : "CHECKS FAILED");
  }
  return failures == 0 ? 0 : 1;
}
