#include "kefu/engine/shop_event.h"

#include <variant>

namespace kefu {

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kOrder: return "order";
    case EntityKind::kTicket: return "ticket";
    case EntityKind::kReview: return "review";
    case EntityKind::kReply: return "reply";
  }
  return "unknown";
}

std::string_view EventName(const ReplyEvent& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kName; }, event);
}

const EventMeta& MetaOf(const ReplyEvent& event) {
  return std::visit([](const auto& e) -> const EventMeta& { return e.meta; }, event);
}

std::string_view EventName(const ShopEvent& event) {
  return std::visit([](const auto& e) { return EventName(e); }, event.event);
}

const EventMeta& MetaOf(const ShopEvent& event) {
  return std::visit([](const auto& e) -> const EventMeta& { return MetaOf(e); }, event.event);
}

}  // namespace kefu
