// The reply events, field by field, and the table of every kind.
#include "engine/reply_schema.h"

#include <variant>

namespace kefu::internal {

const KindSchema& ReplyEventSchema() {
  static const KindSchema* const schema = new KindSchema{
      "reply",
      {
          MakeType<ReplyEvent, ReplyPosted>({
              MakeField<&ReplyPosted::text>("text", kRequired),
          }),
          MakeType<ReplyEvent, WrongAnswerFound>({
              MakeField<&WrongAnswerFound::wrong>("wrong", kRequired),
              MakeField<&WrongAnswerFound::correct>("correct", kDefault),
              MakeField<&WrongAnswerFound::answered_by>("answered_by", kDefault),
              MakeField<&WrongAnswerFound::customer>("customer", kDefault),
          }),
      }};
  return *schema;
}

static_assert(std::variant_size_v<ReplyEvent> == 2);

const std::array<const KindSchema*, 4>& ShopEventSchemas() {
  static const std::array<const KindSchema*, 4> kinds = {
      &OrderEventSchema(), &TicketEventSchema(), &ReviewEventSchema(), &ReplyEventSchema()};
  return kinds;
}

EventDigest DigestOf(const ShopEvent& event) {
  const KindSchema& schema = *ShopEventSchemas()[event.event.index()];
  return std::visit([&](const auto& inner) { return DigestOf(schema, inner); }, event.event);
}

}  // namespace kefu::internal
