// AS-DEFECT: after-sales tickets counted per product.
#include "kefu/machines/ticket_defects.h"

#include <optional>
#include <utility>

namespace kefu {

DefectCounter::DefectCounter(DefectPolicy policy) : policy_(std::move(policy)) {}

Outcome DefectCounter::Record(std::string_view ticket_id, const std::vector<TicketLine>& lines) {
  Outcome out;
  out.entity = std::string(ticket_id);
  for (const TicketLine& line : lines) {
    auto& tickets = tickets_[line.product];
    if (!tickets.insert(std::string(ticket_id)).second) continue;  // counted already
    std::optional<Ruling> reached =
        policy_.ThresholdReached(line.product, static_cast<int>(tickets.size()));
    if (reached) out.Add(std::move(*reached));
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> DefectCounter::Products() const {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  out.reserve(tickets_.size());
  for (const auto& [product, tickets] : tickets_) {
    out.emplace_back(product, std::vector<std::string>(tickets.begin(), tickets.end()));
  }
  return out;
}

void DefectCounter::Restore(std::string_view product, std::string_view ticket_id) {
  auto it = tickets_.find(product);
  if (it == tickets_.end()) it = tickets_.emplace(std::string(product), std::set<std::string, std::less<>>()).first;
  it->second.emplace(ticket_id);
}

int DefectCounter::Count(std::string_view product) const {
  auto it = tickets_.find(product);
  return it == tickets_.end() ? 0 : static_cast<int>(it->second.size());
}

bool DefectCounter::NeedsTestBeforeShipping(std::string_view product) const {
  return policy_.TestsBeforeShipping(Count(product));
}

bool DefectCounter::DelistingProposed(std::string_view product) const {
  return Count(product) >= policy_.delist_at;
}

}  // namespace kefu
