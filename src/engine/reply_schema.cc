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

const KindSchema& TeamEventSchema() {
  static const EnumNames* const role = new EnumNames(BuildEnumNames(&StaffRoleName));
  static const EnumNames* const part = new EnumNames(BuildEnumNames(&ScorePartName));
  static const EnumNames* const report = new EnumNames(BuildEnumNames(&ReportKindName));
  static const KindSchema* const schema = new KindSchema{
      "team",
      {
          MakeType<TeamEvent, ShiftStarted>({
              MakeField<&ShiftStarted::shift>("shift", kRequired),
              MakeField<&ShiftStarted::channels>("channels", kRequired),
          }),
          MakeType<TeamEvent, ShiftEnded>({}),
          MakeType<TeamEvent, SeatLeft>({
              MakeField<&SeatLeft::handed_over>("handed_over", kDefault),
              MakeField<&SeatLeft::handed_to>("handed_to", kDefault),
          }),
          MakeType<TeamEvent, SeatReturned>({}),
          MakeType<TeamEvent, ShiftSwapped>({
              MakeField<&ShiftSwapped::day>("day", kRequired),
              MakeField<&ShiftSwapped::shift>("shift", kRequired),
              MakeField<&ShiftSwapped::with>("with", kRequired),
              MakeField<&ShiftSwapped::approved_by>("approved_by", kDefault),
              MakeField<&ShiftSwapped::approver_role>("approver_role", kDefault, role),
          }),
          MakeType<TeamEvent, SupervisorScored>({
              MakeField<&SupervisorScored::part>("part", kRequired, part),
              MakeField<&SupervisorScored::score>("score", kRequired),
              MakeField<&SupervisorScored::role>("role", kDefault, role),
          }),
          MakeType<TeamEvent, ExamTaken>({
              MakeField<&ExamTaken::score>("score", kRequired),
              MakeField<&ExamTaken::stage>("stage", kDefault),
          }),
          MakeType<TeamEvent, ReportedUpward>({
              MakeField<&ReportedUpward::kind>("kind", kRequired, report),
              MakeField<&ReportedUpward::summary>("summary", kRequired),
          }),
      }};
  return *schema;
}

static_assert(std::variant_size_v<TeamEvent> == 8);

const Schema& TeamMemberDataSchema() {
  static const Schema* const swap = new Schema(MakeSchema({
      MakeField<&ApprovedSwap::day>("day", kRequired),
      MakeField<&ApprovedSwap::shift>("shift", kDefault),
      MakeField<&ApprovedSwap::with>("with", kDefault),
      MakeField<&ApprovedSwap::approved_by>("approved_by", kDefault),
  }));
  static const Schema* const schema = new Schema(MakeSchema({
      MakeField<&TeamMemberData::id>("id", kRequired),
      MakeField<&TeamMemberData::shift>("shift", kDefault),
      MakeField<&TeamMemberData::channels>("channels", kDefault),
      MakeField<&TeamMemberData::handed_to>("handed_to", kDefault),
      MakeField<&TeamMemberData::shifts>("shifts", kDefault),
      MakeField<&TeamMemberData::late_arrivals>("late_arrivals", kDefault),
      MakeField<&TeamMemberData::seats_left>("seats_left", kDefault),
      MakeField<&TeamMemberData::left_unhanded>("left_unhanded", kDefault),
      MakeField<&TeamMemberData::scores>("scores", kDefault),
      MakeField<&TeamMemberData::exams>("exams", kDefault),
      MakeField<&TeamMemberData::reports>("reports", kDefault),
      MakeField<&TeamMemberData::swaps>("swaps", kDefault, nullptr, swap),
  }));
  return *schema;
}

const std::array<const KindSchema*, kEntityKindCount>& ShopEventSchemas() {
  static const std::array<const KindSchema*, kEntityKindCount> kinds = {
      &OrderEventSchema(), &TicketEventSchema(), &ReviewEventSchema(), &ReplyEventSchema(),
      &TeamEventSchema()};
  return kinds;
}

EventDigest DigestOf(const ShopEvent& event) {
  const KindSchema& schema = *ShopEventSchemas()[event.event.index()];
  return std::visit([&](const auto& inner) { return DigestOf(schema, inner); }, event.event);
}

}  // namespace kefu::internal
