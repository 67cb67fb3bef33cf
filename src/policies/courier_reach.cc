// CourierCoverage: a list of blind spots (ORD-COD-REACH, ORD-PREPAY).
#include "kefu/policies/courier_reach.h"

#include <utility>

namespace kefu {

CourierReach::~CourierReach() = default;

void CourierCoverage::Block(std::string courier, std::string province, std::string city,
                            bool cod_only) {
  blind_.push_back({std::move(courier), std::move(province), std::move(city), cod_only});
}

bool CourierCoverage::Delivers(std::string_view courier, const Address& address) const {
  for (const Blind& b : blind_) {
    if (b.courier != courier || b.province != address.province) continue;
    if (!b.city.empty() && b.city != address.city) continue;
    if (!b.cod_only) return false;
  }
  return true;
}

std::optional<bool> CourierCoverage::CollectsCash(std::string_view courier,
                                                  const Address& address) const {
  for (const Blind& b : blind_) {
    if (b.courier != courier || b.province != address.province) continue;
    if (!b.city.empty() && b.city != address.city) continue;
    return false;  // a blind spot, or one where it does not collect
  }
  return true;
}

}  // namespace kefu
