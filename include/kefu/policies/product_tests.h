// kefu/policies/product_tests.h: the question the order machine asks before
// an order becomes ready to ship: must this product be tested first?
// (AS-DEFECT: a product with enough after-sales tickets is tested before each
// shipment.) kefu::DefectCounter (kefu/machines/ticket_defects.h) answers it
// from the tickets; a host may answer it from its own records.
//
// Thread safety: implementations must allow concurrent
// NeedsTestBeforeShipping calls.
#ifndef KEFU_POLICIES_PRODUCT_TESTS_H_
#define KEFU_POLICIES_PRODUCT_TESTS_H_

#include <string_view>

#include "kefu/core/export.h"

namespace kefu {

class KEFU_EXPORT ProductTestQuery {
 public:
  virtual ~ProductTestQuery();
  // True when `product` must be tested before it ships.
  virtual bool NeedsTestBeforeShipping(std::string_view product) const = 0;
};

}  // namespace kefu

#endif  // KEFU_POLICIES_PRODUCT_TESTS_H_
