#include "kefu/engine/shop_event.h"

#include <string>
#include <variant>
#include <vector>

namespace kefu {

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kOrder: return "order";
    case EntityKind::kTicket: return "ticket";
    case EntityKind::kReview: return "review";
    case EntityKind::kReply: return "reply";
    case EntityKind::kTeam: return "team";
  }
  return "unknown";
}

std::string_view EventName(const ReplyEvent& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kName; }, event);
}

const EventMeta& MetaOf(const ReplyEvent& event) {
  return std::visit([](const auto& e) -> const EventMeta& { return e.meta; }, event);
}

std::string_view EventName(const TeamEvent& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kName; }, event);
}

const EventMeta& MetaOf(const TeamEvent& event) {
  return std::visit([](const auto& e) -> const EventMeta& { return e.meta; }, event);
}

std::vector<std::string> SplitChannels(std::string_view channels) {
  std::vector<std::string> out;
  size_t from = 0;
  while (from <= channels.size()) {
    size_t comma = channels.find(',', from);
    if (comma == std::string_view::npos) comma = channels.size();
    std::string_view name = channels.substr(from, comma - from);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!name.empty()) out.emplace_back(name);
    from = comma + 1;
  }
  return out;
}

std::string_view EventName(const ShopEvent& event) {
  return std::visit([](const auto& e) { return EventName(e); }, event.event);
}

const EventMeta& MetaOf(const ShopEvent& event) {
  return std::visit([](const auto& e) -> const EventMeta& { return MetaOf(e); }, event.event);
}

}  // namespace kefu
