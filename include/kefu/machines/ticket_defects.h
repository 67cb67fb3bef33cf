// kefu/machines/ticket_defects.h: AS-DEFECT, the per-product count of
// after-sales tickets across tickets.
//
// At DefectPolicy::test_at tickets (default 2) a product is flagged "test
// before shipping": the order machine's ready-to-ship step asks for the test
// through ProductTestQuery. At delist_at tickets (default 3) a delisting
// proposal is raised. The host records each registered ticket once
// (Record); the counter never calls back.
//
// Thread safety: DefectCounter is not synchronized: Record must not race
// with reads (NeedsTestBeforeShipping included).
#ifndef KEFU_MACHINES_TICKET_DEFECTS_H_
#define KEFU_MACHINES_TICKET_DEFECTS_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kefu/core/export.h"
#include "kefu/core/outcome.h"
#include "kefu/machines/ticket.h"
#include "kefu/policies/product_tests.h"
#include "kefu/policies/ticket_policies.h"
#include "kefu/policies/ticket_terms.h"

namespace kefu {

class KEFU_EXPORT DefectCounter final : public ProductTestQuery, public DefectLedger {
 public:
  explicit DefectCounter(DefectPolicy policy = {});

  // Counts ticket `ticket_id` once for every product of `lines` (a ticket
  // recorded before is not counted again). The outcome (entity =
  // `ticket_id`) carries, for each product that reached a threshold with
  // this ticket, an AS-DEFECT decision and an action: kTestBeforeShipping
  // at test_at, kProposeDelisting at delist_at; the subject is the product
  // and the figure "count" the number of tickets.
  Outcome Record(std::string_view ticket_id, const std::vector<TicketLine>& lines) override;
  Outcome Record(const Ticket& ticket) { return Record(ticket.id(), ticket.data().lines); }

  // The thresholds of `policy` from the next Record on; the counts stay
  // (a product past the new test_at is tested from now on, and a threshold
  // already passed is not announced again).
  void set_policy(DefectPolicy policy) { policy_ = std::move(policy); }
  const DefectPolicy& policy() const { return policy_; }

  // Distinct tickets recorded for `product`.
  int Count(std::string_view product) const;
  bool NeedsTestBeforeShipping(std::string_view product) const override;
  bool DelistingProposed(std::string_view product) const;

  // What the counter holds, for saving it: every product counted, with the
  // tickets counted for it, both sorted.
  std::vector<std::pair<std::string, std::vector<std::string>>> Products() const;
  // Counts `ticket_id` for `product` again without deciding anything: how a
  // saved counter is read back. A pair counted before is not counted twice.
  void Restore(std::string_view product, std::string_view ticket_id);

 private:
  DefectPolicy policy_;
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> tickets_;
};

}  // namespace kefu

#endif  // KEFU_MACHINES_TICKET_DEFECTS_H_
