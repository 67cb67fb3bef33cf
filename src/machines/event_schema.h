// event_schema.h: every event type of the order, ticket and review machines
// described field by field (core/schema.h): the one table the JSON Lines
// format reads and writes through (src/io/events.cc) and the idempotency
// check digests (EventDigest, kefu/machines/machine.h). The reply events'
// table is the engine's (src/engine/reply_schema.h). Private.
#ifndef KEFU_MACHINES_EVENT_SCHEMA_H_
#define KEFU_MACHINES_EVENT_SCHEMA_H_

#include <cstddef>
#include <string_view>
#include <variant>
#include <vector>

#include "core/schema.h"
#include "kefu/machines/machine.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"

namespace kefu::internal {

// One event type of one entity kind.
struct EventType {
  std::string_view name;  // the struct's kName
  Schema schema;
  // Makes `*variant` (the kind's event variant: OrderEvent, ...) hold a
  // default event of this type; returns the struct.
  void* (*emplace)(void* variant) = nullptr;
  EventMeta* (*meta)(void* event) = nullptr;
};

// The event types of one entity kind, in the order of its variant.
struct KindSchema {
  std::string_view entity;  // "order", "ticket", "review", "reply"
  std::vector<EventType> types;

  // The event type named `type`, or nullptr.
  const EventType* Find(std::string_view type) const {
    for (const EventType& t : types) {
      if (t.name == type) return &t;
    }
    return nullptr;
  }
};

template <class Variant, class E>
EventType MakeType(std::vector<Field> fields) {
  EventType t;
  t.name = E::kName;
  t.schema = MakeSchema(std::move(fields));
  t.emplace = [](void* variant) -> void* {
    return &static_cast<Variant*>(variant)->template emplace<E>();
  };
  t.meta = [](void* e) { return &static_cast<E*>(e)->meta; };
  return t;
}

const KindSchema& OrderEventSchema();
const KindSchema& TicketEventSchema();
const KindSchema& ReviewEventSchema();

// The entities' data, as their snapshots carry it (the saved shop's binary
// form and the snapshots' JSON form walk these).
const Schema& OrderDataSchema();
const Schema& TicketDataSchema();
const Schema& ReviewDataSchema();

// The digest of an event of `schema`'s kind: its type's fields (not its
// meta), see EventDigest.
template <class Variant>
EventDigest DigestOf(const KindSchema& schema, const Variant& event) {
  EventDigest digest;
  std::visit(
      [&](const auto& e) {
        DigestFields(schema.types[event.index()].schema, &e, [&](int index, uint32_t hash) {
          digest.fields.push_back({static_cast<uint8_t>(index), hash});
        });
      },
      event);
  return digest;
}

}  // namespace kefu::internal

#endif  // KEFU_MACHINES_EVENT_SCHEMA_H_
