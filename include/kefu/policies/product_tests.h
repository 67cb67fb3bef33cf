// kefu/policies/product_tests.h: the question the order machine asks before
// an order becomes ready to ship: must this product be tested first?
// (AS-DEFECT: a product with enough after-sales tickets is tested before each
// shipment.) kefu::DefectCounter (kefu/machines/ticket_defects.h) answers it
// from the tickets; a host may answer it from its own records.
//
// DefectLedger is the other side: the ticket machine records each ticket it
// registers there, and the decisions and actions that come back (a product
// reaching a threshold) are part of the registration's outcome, so that a
// redelivered registration returns them too.
//
// Thread safety: implementations must allow concurrent
// NeedsTestBeforeShipping calls; DefectLedger::Record may be called from
// several threads when the ticket machines are (kefu::Shop synchronizes its
// own).
#ifndef KEFU_POLICIES_PRODUCT_TESTS_H_
#define KEFU_POLICIES_PRODUCT_TESTS_H_

#include <string_view>
#include <vector>

#include "kefu/core/export.h"
#include "kefu/core/outcome.h"
#include "kefu/policies/ticket_terms.h"

namespace kefu {

class KEFU_EXPORT ProductTestQuery {
 public:
  virtual ~ProductTestQuery();
  // True when `product` must be tested before it ships.
  virtual bool NeedsTestBeforeShipping(std::string_view product) const = 0;
};

// AS-DEFECT: where the ticket machine counts a registered ticket against its
// products.
class KEFU_EXPORT DefectLedger {
 public:
  virtual ~DefectLedger();
  // Counts ticket `ticket_id` once for every product of `lines`. Returns, in
  // an Outcome whose decisions and actions the registration's outcome takes
  // over, an AS-DEFECT decision and action for each product that reached a
  // threshold with this ticket. Never fails.
  virtual Outcome Record(std::string_view ticket_id, const std::vector<TicketLine>& lines) = 0;
};

}  // namespace kefu

#endif  // KEFU_POLICIES_PRODUCT_TESTS_H_
