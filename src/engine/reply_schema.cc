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
          MakeType<ReplyEvent, BuyerMessaged>({
              MakeField<&BuyerMessaged::buyer>("buyer", kDefault),
              MakeField<&BuyerMessaged::text>("text", kDefault),
          }),
      }};
  return *schema;
}

static_assert(std::variant_size_v<ReplyEvent> == 3);

const Schema& ConversationDataSchema() {
  static const Schema* const schema = new Schema(MakeSchema({
      MakeField<&ConversationData::id>("id", kRequired),
      MakeField<&ConversationData::replies>("replies", kDefault),
      MakeField<&ConversationData::replies_with_findings>("replies_with_findings", kDefault),
      MakeField<&ConversationData::wrong_answers>("wrong_answers", kDefault),
      MakeField<&ConversationData::promised_by>("promised_by", kDefault),
      MakeField<&ConversationData::promised>("promised", kDefault),
      MakeField<&ConversationData::promised_agent>("promised_agent", kDefault),
  }));
  return *schema;
}

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
