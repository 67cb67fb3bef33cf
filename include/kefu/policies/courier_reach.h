// kefu/policies/courier_reach.h: the host's answer to "can this courier
// reach this address?", consulted by ORD-COD-REACH and ORD-PREPAY.
//
// kefu never looks this up itself: the host implements CourierReach (from
// its courier's coverage list or API cache) and passes it in the order
// environment. CourierCoverage is a small in-memory implementation for
// tests and hosts with a short list of blind spots.
//
// Thread safety: implementations must allow concurrent calls to CanReach.
// CourierCoverage is safe to share once built; Block() must not race with
// CanReach().
#ifndef KEFU_POLICIES_COURIER_REACH_H_
#define KEFU_POLICIES_COURIER_REACH_H_

#include <string>
#include <string_view>
#include <vector>

#include "kefu/core/export.h"
#include "kefu/policies/order_terms.h"

namespace kefu {

class KEFU_EXPORT CourierReach {
 public:
  virtual ~CourierReach();
  // True when `courier` delivers to `address`; for a cash-on-delivery order
  // (`cash_on_delivery`), true only when it also collects payment there.
  // Must be deterministic for the same arguments and never block for long.
  virtual bool CanReach(std::string_view courier, const Address& address,
                        bool cash_on_delivery) const = 0;
};

// Every courier reaches every address, cash on delivery included.
class KEFU_EXPORT ReachEverywhere final : public CourierReach {
 public:
  bool CanReach(std::string_view, const Address&, bool) const override { return true; }
};

// Reaches everywhere except the blocked areas.
class KEFU_EXPORT CourierCoverage final : public CourierReach {
 public:
  // `courier` does not reach `province` (and `city`, when not empty); with
  // `cod_only`, it reaches it but does not collect cash on delivery there.
  void Block(std::string courier, std::string province, std::string city = "",
             bool cod_only = false);
  bool CanReach(std::string_view courier, const Address& address,
                bool cash_on_delivery) const override;

 private:
  struct Blind {
    std::string courier, province, city;
    bool cod_only;
  };
  std::vector<Blind> blind_;
};

}  // namespace kefu

#endif  // KEFU_POLICIES_COURIER_REACH_H_
