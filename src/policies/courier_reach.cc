// CourierCoverage: a list of blind spots (ORD-COD-REACH, ORD-PREPAY).
#include "kefu/policies/courier_reach.h"

#include <utility>

namespace kefu {

CourierReach::~CourierReach() = default;

absl::Status CourierCoverage::Block(std::string courier, std::string_view province,
                                    std::string city, bool cod_only) {
  absl::StatusOr<Province> p = ParseProvince(province);
  if (!p.ok()) return p.status();
  blind_.push_back({std::move(courier), *p, std::move(city), cod_only});
  return absl::OkStatus();
}

bool CourierCoverage::Covers(const Blind& b, std::string_view courier, const Address& address) {
  if (b.courier != courier) return false;
  const absl::StatusOr<Province> p = ParseProvince(address.province);
  if (!p.ok() || *p != b.province) return false;
  return b.city.empty() || b.city == address.city;
}

std::optional<bool> CourierReach::IsExpress(std::string_view) const { return std::nullopt; }

void CourierCoverage::Declare(std::string courier, bool express) {
  for (Declared& d : declared_) {
    if (d.courier == courier) {
      d.express = express;
      return;
    }
  }
  declared_.push_back({std::move(courier), express});
}

const CourierCoverage::Declared* CourierCoverage::Find(std::string_view courier) const {
  for (const Declared& d : declared_) {
    if (d.courier == courier) return &d;
  }
  return nullptr;
}

std::optional<bool> CourierCoverage::IsExpress(std::string_view courier) const {
  const Declared* d = Find(courier);
  if (d == nullptr) return std::nullopt;
  return d->express;
}

bool CourierCoverage::Delivers(std::string_view courier, const Address& address) const {
  if (only_declared_ && Find(courier) == nullptr) return false;
  for (const Blind& b : blind_) {
    if (Covers(b, courier, address) && !b.cod_only) return false;
  }
  return true;
}

std::optional<bool> CourierCoverage::CollectsCash(std::string_view courier,
                                                  const Address& address) const {
  if (only_declared_ && Find(courier) == nullptr) return false;
  for (const Blind& b : blind_) {
    if (Covers(b, courier, address)) return false;  // a blind spot, or one where it does not collect
  }
  return true;
}

}  // namespace kefu
