// kefu/engine/shop_event.h: one event of a shop, whatever entity it is for.
//
// A ShopEvent is what a host (or `kefu replay`) hands to the shop engine:
// the key of the entity it concerns and the typed event itself. The kind of
// entity follows from the event's type: an OrderEvent is for an order, a
// TicketEvent for an after-sales ticket, a ReviewEvent for a review, a
// ReplyEvent for an agent's reply in a conversation (checked against the PH
// rules) and a TeamEvent for an agent of the team (shifts, seat, swaps,
// scores, exams, reports upward: kefu/engine/team_events.h). Keys are per
// kind: order "T1" and ticket "T1" are different entities.
//
// The JSON Lines form of these events is in kefu/io/events.h and
// docs/events.md.
//
// Thread safety: value types.
#ifndef KEFU_ENGINE_SHOP_EVENT_H_
#define KEFU_ENGINE_SHOP_EVENT_H_

#include <string>
#include <string_view>
#include <variant>

#include "kefu/core/export.h"
#include "kefu/engine/conversation.h"
#include "kefu/engine/team_events.h"
#include "kefu/machines/machine.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"

namespace kefu {

enum class EntityKind { kOrder, kTicket, kReview, kReply, kTeam };
inline constexpr int kEntityKindCount = 5;
// "order", "ticket", "review", "reply", "team" (stable).
KEFU_EXPORT std::string_view EntityKindName(EntityKind kind);

struct ShopEvent {
  // The entity's key: order id, ticket id, review id, conversation, or
  // the agent a team event is about.
  std::string key;
  // The variant's index is the EntityKind.
  std::variant<OrderEvent, TicketEvent, ReviewEvent, ReplyEvent, TeamEvent> event;

  EntityKind kind() const { return static_cast<EntityKind>(event.index()); }
};

// The event's stable type name within its kind ("placed", "registered", ...)
// and its metadata.
KEFU_EXPORT std::string_view EventName(const ShopEvent& event);
KEFU_EXPORT const EventMeta& MetaOf(const ShopEvent& event);

}  // namespace kefu

#endif  // KEFU_ENGINE_SHOP_EVENT_H_
