// AS-WEEKLY: the week's after-sales statistics and cost.
#include "kefu/machines/ticket_report.h"

#include <algorithm>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "kefu/core/status.h"

namespace kefu {
namespace {

absl::Status AddTo(Money& sum, Money amount) {
  KEFU_ASSIGN_OR_RETURN(sum, sum.Add(amount));
  return absl::OkStatus();
}

absl::Status Book(CostTotals& t, const TicketCost& c) {
  switch (c.kind) {
    case CostKind::kPostage: KEFU_RETURN_IF_ERROR(AddTo(t.postage, c.amount)); break;
    case CostKind::kRefund: KEFU_RETURN_IF_ERROR(AddTo(t.refund, c.amount)); break;
    case CostKind::kCompensation: KEFU_RETURN_IF_ERROR(AddTo(t.compensation, c.amount)); break;
    case CostKind::kCashInParcel: KEFU_RETURN_IF_ERROR(AddTo(t.cash_in_parcel, c.amount)); break;
  }
  return AddTo(t.total, c.amount);
}

template <class V>
std::vector<std::pair<std::string, V>> Sorted(std::map<std::string, V> m) {
  return {std::make_move_iterator(m.begin()), std::make_move_iterator(m.end())};
}

}  // namespace

LocalDay ReportDayOnOrAfter(LocalDay day, const WeeklyPolicy& policy) {
  while (absl::GetWeekday(day) != policy.report_day) ++day;
  return day;
}

absl::StatusOr<WeeklyReport> BuildWeeklyReport(absl::Span<const Ticket* const> tickets,
                                               LocalDay report_day,
                                               const BusinessCalendar& calendar,
                                               const WeeklyPolicy& policy) {
  if (absl::GetWeekday(report_day) != policy.report_day) {
    return absl::InvalidArgumentError(absl::StrCat(
        "AS-WEEKLY: ", absl::FormatCivilTime(report_day), " is not the report weekday"));
  }
  WeeklyReport r;
  r.last_day = report_day;
  r.first_day = report_day - 6;
  const Timestamp begin = calendar.StartOfDay(r.first_day);
  const Timestamp end = calendar.StartOfDay(report_day + 1);
  std::map<std::string, int64_t> by_kind;
  std::map<std::string, int64_t> by_category;
  std::map<std::string, CostTotals> by_product;
  std::map<std::string, CostTotals> by_agent;
  for (const Ticket* t : tickets) {
    if (t == nullptr) continue;
    const TicketData& d = t->data();
    if (d.registered_at >= begin && d.registered_at < end) {
      ++r.tickets;
      ++by_kind[std::string(TicketKindName(d.kind))];
      ++by_category[d.category];
    }
    const std::string product = d.lines.empty() ? std::string() : d.lines.front().product;
    for (const TicketCost& c : d.costs) {
      if (c.at < begin || c.at >= end) continue;
      KEFU_RETURN_IF_ERROR(Book(r.cost, c));
      KEFU_RETURN_IF_ERROR(Book(by_product[product], c));
      KEFU_RETURN_IF_ERROR(Book(by_agent[c.agent], c));
    }
    for (const TicketDeadline& dl : d.deadlines) {
      if (dl.due < begin || dl.due >= end || !dl.BreachedAt(end)) continue;
      r.breaches.push_back({d.id, d.owner, dl.rule, dl.due});
    }
  }
  r.by_kind = Sorted(std::move(by_kind));
  r.by_category = Sorted(std::move(by_category));
  r.cost_by_product = Sorted(std::move(by_product));
  r.cost_by_agent = Sorted(std::move(by_agent));
  std::stable_sort(r.breaches.begin(), r.breaches.end(),
                   [](const WeeklyReport::Breach& a, const WeeklyReport::Breach& b) {
                     return a.ticket_id != b.ticket_id ? a.ticket_id < b.ticket_id
                                                       : a.due < b.due;
                   });
  return r;
}

}  // namespace kefu
