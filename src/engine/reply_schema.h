// reply_schema.h: the reply events (kefu/engine/shop_event.h) field by
// field, beside the machines' (src/machines/event_schema.h), the team
// events', and the table of all five kinds in the order of ShopEvent's
// variant. Private.
#ifndef KEFU_ENGINE_REPLY_SCHEMA_H_
#define KEFU_ENGINE_REPLY_SCHEMA_H_

#include <array>

#include "kefu/engine/shop_event.h"
#include "machines/event_schema.h"

namespace kefu::internal {

const KindSchema& ReplyEventSchema();
// A conversation's data, as its snapshot carries it.
const Schema& ConversationDataSchema();

// The team events (kefu/engine/team_events.h), and a team member's data as
// its snapshot carries it.
const KindSchema& TeamEventSchema();
const Schema& TeamMemberDataSchema();

// The schemas of ShopEvent's kinds, indexed by EntityKind.
const std::array<const KindSchema*, kEntityKindCount>& ShopEventSchemas();

// The digest of `event`'s content beyond its meta (EventDigest).
EventDigest DigestOf(const ShopEvent& event);

}  // namespace kefu::internal

#endif  // KEFU_ENGINE_REPLY_SCHEMA_H_
