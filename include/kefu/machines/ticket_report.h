// kefu/machines/ticket_report.h: AS-WEEKLY, the after-sales statistics and
// cost of a week ("每个周六统计出结果").
//
// BuildWeeklyReport() reads tickets and adds up, for the seven local days
// ending with the report day (Saturday by default): tickets registered, by
// kind and by category; the after-sales cost incurred (postage reimbursed,
// refunds, compensation, cash in parcels) in total, by product and by
// agent; and the deadlines that fell due in the week and were breached.
// A ticket's cost is booked to its first product.
//
// Thread safety: a pure function of its arguments; WeeklyReport is a value.
#ifndef KEFU_MACHINES_TICKET_REPORT_H_
#define KEFU_MACHINES_TICKET_REPORT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/machines/ticket.h"
#include "kefu/policies/ticket_policies.h"

namespace kefu {

struct CostTotals {
  Money postage;
  Money refund;
  Money compensation;
  Money cash_in_parcel;
  Money total;
  friend bool operator==(const CostTotals& a, const CostTotals& b) {
    return a.postage == b.postage && a.refund == b.refund && a.compensation == b.compensation &&
           a.cash_in_parcel == b.cash_in_parcel && a.total == b.total;
  }
};

struct WeeklyReport {
  LocalDay first_day;  // inclusive
  LocalDay last_day;   // inclusive: the report day
  int64_t tickets = 0;  // registered in the week
  // Sorted by key; kinds by their stable names.
  std::vector<std::pair<std::string, int64_t>> by_kind;
  std::vector<std::pair<std::string, int64_t>> by_category;
  CostTotals cost;
  std::vector<std::pair<std::string, CostTotals>> cost_by_product;
  std::vector<std::pair<std::string, CostTotals>> cost_by_agent;
  struct Breach {
    std::string ticket_id;
    std::string owner;
    RuleId rule;
    Timestamp due;
  };
  // Deadlines due within the week and breached by its end, by ticket then
  // due time.
  std::vector<Breach> breaches;
};

// The report of the week ending with `report_day`. kInvalidArgument when
// `report_day` is not the policy's weekday (see ReportDayOnOrAfter);
// kOutOfRange when a total overflows.
KEFU_EXPORT absl::StatusOr<WeeklyReport> BuildWeeklyReport(
    absl::Span<const Ticket* const> tickets, LocalDay report_day,
    const BusinessCalendar& calendar, const WeeklyPolicy& policy = {});

// The first report day on or after `day`.
KEFU_EXPORT LocalDay ReportDayOnOrAfter(LocalDay day, const WeeklyPolicy& policy = {});

}  // namespace kefu

#endif  // KEFU_MACHINES_TICKET_REPORT_H_
