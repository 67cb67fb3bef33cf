// AS-DEFECT: after-sales tickets counted per product.
#include "kefu/machines/ticket_defects.h"

#include <cstdint>
#include <utility>

namespace kefu {

DefectCounter::DefectCounter(DefectPolicy policy) : policy_(std::move(policy)) {}

Outcome DefectCounter::Record(std::string_view ticket_id, const std::vector<TicketLine>& lines) {
  Outcome out;
  out.entity = std::string(ticket_id);
  for (const TicketLine& line : lines) {
    auto& tickets = tickets_[line.product];
    if (!tickets.insert(std::string(ticket_id)).second) continue;  // counted already
    const int count = static_cast<int>(tickets.size());
    ActionKind kind;
    Message decision_message;
    Message action_message;
    if (count == policy_.delist_at) {
      kind = ActionKind::kProposeDelisting;
      decision_message = {"{product}已有{count}次售后，建议下架",
                          "{product} has {count} after-sales tickets: propose delisting it"};
      action_message = {"建议{product}下架", "propose delisting {product}"};
    } else if (count == policy_.test_at) {
      kind = ActionKind::kTestBeforeShipping;
      decision_message = {"{product}已有{count}次售后，发货前须先测试",
                          "{product} has {count} after-sales tickets: test it before shipping"};
      action_message = {"{product}发货前先测试", "test {product} before each shipment"};
    } else {
      continue;
    }
    Figures f;
    f.push_back({"product", line.product});
    f.push_back({"count", int64_t{count}});
    Decision d;
    d.rule = DefectPolicy::kRule;
    d.verdict = Verdict::kScheduled;
    d.message = decision_message;
    d.figures = f;
    out.Add(std::move(d));
    Action a;
    a.kind = kind;
    a.rule = DefectPolicy::kRule;
    a.subject = line.product;
    a.message = action_message;
    a.figures = std::move(f);
    out.actions.push_back(std::move(a));
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
  return Count(product) >= policy_.test_at;
}

bool DefectCounter::DelistingProposed(std::string_view product) const {
  return Count(product) >= policy_.delist_at;
}

}  // namespace kefu
