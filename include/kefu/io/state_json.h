// kefu/io/state_json.h: an entity's snapshot as one JSON document, for
// hosts that keep kefu's state in rows of their own database.
//
// A whole shop saves to bytes (Shop::Save, kefu/engine/shop.h). A host that
// stores each order, ticket, review, conversation or team member in a row
// of its own (a JSON column beside its order table) takes the entity's
// snapshot (Order::Snapshot() ...), writes it with SnapshotToJson, and later
// reads it back with the matching *SnapshotFromJson and restores the entity
// (Order::Restore ...). The kinds: "order" (OrderSnapshot), "ticket",
// "review", "conversation" and "team" (TeamMemberSnapshot, one agent of the
// team, kefu/engine/team_events.h: its state "off_shift", "on_shift" or
// "away", TeamMemberData and its log). The document (docs/state.md, "An
// entity as JSON"):
//
//   {"kind": "order", "format": 1, "state": "shipped",
//    "data": {...the entity's data, field by field...},
//    "log": [{"outcome": {...}, "digest": [[field, hash], ...]}, ...]}
//
// "data" names each field of the Data struct (OrderData, ..., TeamMemberData)
// as its member is named, fields at their default left out; money as
// decimal-yuan strings, times as RFC 3339 in UTC ("-infinity"/"infinity" for
// the unset ones), enums by their stable names. "log" is the idempotency log, oldest first:
// each outcome whole (decisions with their rule, verdict, message in both
// languages and typed figures; actions; deadlines; the audit record) and
// its event's digest. Written and read back, a snapshot is equal to the
// original (operator==) and restores an entity that behaves the same.
//
// Reading is as strict as the event format: not JSON, another kind, an
// unknown or duplicate key, a wrong type, an unknown enum name, a time or
// amount that does not parse: kInvalidArgument naming the path
// ("data.lines[0].quantity: expected an integer, got a string").
// Restore() then checks the state name and format version.
//
// Thread safety: pure functions.
#ifndef KEFU_IO_STATE_JSON_H_
#define KEFU_IO_STATE_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"
#include "kefu/engine/conversation.h"
#include "kefu/engine/team_events.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"

namespace kefu {

KEFU_EXPORT std::string SnapshotToJson(const OrderSnapshot& snapshot);
KEFU_EXPORT std::string SnapshotToJson(const TicketSnapshot& snapshot);
KEFU_EXPORT std::string SnapshotToJson(const ReviewSnapshot& snapshot);
KEFU_EXPORT std::string SnapshotToJson(const ConversationSnapshot& snapshot);
KEFU_EXPORT std::string SnapshotToJson(const TeamMemberSnapshot& snapshot);

KEFU_EXPORT absl::StatusOr<OrderSnapshot> OrderSnapshotFromJson(std::string_view json);
KEFU_EXPORT absl::StatusOr<TicketSnapshot> TicketSnapshotFromJson(std::string_view json);
KEFU_EXPORT absl::StatusOr<ReviewSnapshot> ReviewSnapshotFromJson(std::string_view json);
KEFU_EXPORT absl::StatusOr<ConversationSnapshot> ConversationSnapshotFromJson(
    std::string_view json);
KEFU_EXPORT absl::StatusOr<TeamMemberSnapshot> TeamMemberSnapshotFromJson(std::string_view json);

}  // namespace kefu

#endif  // KEFU_IO_STATE_JSON_H_
