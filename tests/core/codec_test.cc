// kefu's binary encoding (src/core/codec.h): times, views, and the
// vocabulary kept apart.
#include "core/codec.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "kefu/core/outcome.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kefu::internal {
namespace {

using ::testing::HasSubstr;

TEST(Codec, EveryTimeComesBackExactly) {
  const Timestamp t0 = absl::FromUnixSeconds(1790000000);
  const std::vector<Timestamp> times = {
      t0,
      t0 + absl::Nanoseconds(1),
      t0 + absl::Milliseconds(250),
      t0 + absl::Nanoseconds(1) / 4,  // absl's resolution, below a nanosecond
      t0 + absl::Nanoseconds(7) + absl::Nanoseconds(1) / 4 * 3,
      absl::FromUnixSeconds(-1),
      absl::FromUnixSeconds(-1) + absl::Nanoseconds(1) / 4,
      absl::UnixEpoch(),
      absl::InfinitePast(),
      absl::InfiniteFuture(),
  };
  std::string bytes;
  ByteWriter w(&bytes);
  for (Timestamp t : times) w.Time(t);
  ByteReader r(bytes);
  for (Timestamp want : times) {
    Timestamp got;
    ASSERT_TRUE(r.Time(&got)) << r.error();
    EXPECT_EQ(got, want);
  }
  EXPECT_TRUE(r.at_end());
}

// The bytes of a time: its tag, its whole seconds (zigzag) and the quarter
// nanoseconds after them, whichever way the writer computes them.
TEST(Codec, ATimeIsItsSecondsAndQuarterNanoseconds) {
  auto bytes = [](Timestamp t) {
    std::string out;
    ByteWriter(&out).Time(t);
    return out;
  };
  EXPECT_EQ(bytes(absl::FromUnixSeconds(1)), std::string("\x00\x02\x00", 3));
  EXPECT_EQ(bytes(absl::FromUnixSeconds(1) + absl::Nanoseconds(1)), std::string("\x00\x02\x04", 3));
  EXPECT_EQ(bytes(absl::FromUnixSeconds(-1) + absl::Nanoseconds(1) / 4),
            std::string("\x00\x01\x01", 3));
  EXPECT_EQ(bytes(absl::InfiniteFuture()), std::string("\x02", 1));
}

TEST(Codec, WordsKeptApartAreReadFromTheirList) {
  std::string bytes;
  ByteWriter w(&bytes);
  w.KeepVocabularyApart();
  const std::string_view words[] = {"ORD-VERIFY", "paid", "ORD-VERIFY", "shipped", "paid"};
  for (std::string_view word : words) w.Text(word);
  // Each word once in the list, in the order first seen; the bytes hold
  // numbers only.
  ASSERT_EQ(w.vocabulary().size(), 3u);
  EXPECT_EQ(w.vocabulary()[0], "ORD-VERIFY");
  EXPECT_EQ(w.vocabulary()[2], "shipped");
  EXPECT_EQ(bytes, std::string("\x01\x02\x01\x03\x02"));

  const std::vector<std::string_view> list = w.vocabulary();
  // Any part of the bytes reads alone.
  ByteReader tail(std::string_view(bytes).substr(3), &list, 3);
  std::string_view word;
  ASSERT_TRUE(tail.Text(&word));
  EXPECT_EQ(word, "shipped");
  ASSERT_TRUE(tail.Text(&word));
  EXPECT_EQ(word, "paid");
  EXPECT_TRUE(tail.at_end());
}

TEST(Codec, AReaderWithAListRefusesAWordWrittenInPlaceOrOutOfRange) {
  std::string in_place;
  ByteWriter(&in_place).Text("paid");  // 0, then the word
  const std::vector<std::string_view> list = {"paid"};
  ByteReader r(in_place, &list, 100);
  std::string_view word;
  EXPECT_FALSE(r.Text(&word));
  // The offset named is in the larger input the reader's bytes came from.
  EXPECT_THAT(r.error(), HasSubstr("text number out of range at byte 101"));

  const std::string two("\x02", 1);
  ByteReader past(two, &list, 0);
  EXPECT_FALSE(past.Text(&word));
}

TEST(Codec, ViewsAndBytesPointIntoTheInputAndStopAtItsEnd) {
  std::string bytes;
  ByteWriter w(&bytes);
  w.String("key");
  w.Fixed32(2);
  bytes += "ab";
  ByteReader r(bytes);
  std::string_view key, body;
  uint32_t size = 0;
  ASSERT_TRUE(r.View(&key));
  ASSERT_TRUE(r.Fixed32(&size));
  ASSERT_TRUE(r.Bytes(size, &body));
  EXPECT_EQ(key, "key");
  EXPECT_EQ(body, "ab");
  EXPECT_EQ(body.data(), bytes.data() + bytes.size() - 2);
  EXPECT_TRUE(r.at_end());
  EXPECT_FALSE(r.Bytes(1, &body));
  EXPECT_THAT(r.error(), HasSubstr("truncated"));

  const std::string short_input("\x05" "abc", 4);  // says 5 bytes, holds 3
  ByteReader long_view(short_input);
  EXPECT_FALSE(long_view.View(&key));
}


Outcome RichOutcome() {
  Outcome o;
  o.entity = "TB20261102000740-rich-outcome";
  Decision d;
  d.rule = "OR-POSTAGE-CAP";
  d.verdict = Verdict::kAdjusted;
  d.message = Message{"运费{cap}", "postage {cap}"};
  d.figures = {Figure{"cap", Money::Fen(1200)}, Figure{"note", std::string("a long figure text")}};
  o.Add(d);
  o.Add(d);
  Action a;
  a.kind = ActionKind::kCall;
  a.rule = "OR-CONTACT";
  a.assignee = "agent-with-a-long-name";
  a.subject = "call the buyer about the parcel";
  a.due = absl::FromUnixSeconds(1790000000);
  o.actions.push_back(a);
  Deadline dl;
  dl.rule = "AS-RESOLVE";
  dl.due = absl::FromUnixSeconds(1790003600);
  dl.warn_at = absl::FromUnixSeconds(1790001800);
  o.deadlines = {dl, dl};
  o.audit.event_id = "TB20261102000740.0-rich";
  o.audit.event_type = "order_placed";
  o.audit.agent = "an agent with a long name";
  o.audit.at = absl::FromUnixSeconds(1790000000);
  o.audit.state_before = "placed";
  o.audit.state_after = "paid";
  o.audit.duplicate = true;
  o.audit.note = "supervisor override, written out at length";
  o.audit.policy_revision = 0x1234abcd;
  return o;
}

Outcome SparseOutcome() {
  Outcome o;
  o.entity = "O-2";
  Decision d;
  d.rule = "OR-OTHER";
  o.Add(d);
  Deadline dl;
  dl.rule = "AS-RESOLVE";
  dl.op = DeadlineOp::kCancel;
  o.deadlines.push_back(dl);
  o.audit.event_id = "e-2";
  o.audit.event_type = "cancelled";
  o.audit.state_before = "paid";
  o.audit.state_after = "cancelled";
  o.audit.refused = true;
  return o;
}

// DecodeOutcome sets every field in place: an outcome decoded over another
// is exactly the one encoded, whatever the other held (more decisions, an
// action's due time, a deadline's warning, a revision, a note).
TEST(Codec, AnOutcomeDecodedOverAnotherIsExactlyTheOneEncoded) {
  const std::pair<Outcome, Outcome> cases[] = {{RichOutcome(), SparseOutcome()},
                                               {SparseOutcome(), RichOutcome()}};
  for (const auto& [before, want] : cases) {
    std::string bytes;
    ByteWriter w(&bytes);
    EncodeOutcome(want, w);
    Outcome got = before;
    ByteReader r(bytes);
    ASSERT_TRUE(DecodeOutcome(r, &got)) << r.error();
    EXPECT_TRUE(r.at_end());
    EXPECT_EQ(got, want);
    EXPECT_EQ(got.audit.policy_revision, want.audit.policy_revision);
    EXPECT_EQ(got.audit.duplicate, want.audit.duplicate);
    EXPECT_EQ(got.audit.refused, want.audit.refused);
  }
}

std::vector<Outcome> Outcomes(size_t n) { return std::vector<Outcome>(n, SparseOutcome()); }

// The thread's spare vector: the spent vector with the most outcomes, up to
// kRecycledOutcomes; taken once.
TEST(Codec, TheSpareOutcomesAreTheLargestVectorSpent) {
  (void)TakeRecycledOutcomes();  // whatever this thread kept before
  RecycleOutcomes(Outcomes(3));
  RecycleOutcomes(Outcomes(5));
  RecycleOutcomes(Outcomes(4));
  RecycleOutcomes(Outcomes(kRecycledOutcomes + 1));
  std::vector<Outcome> spare = TakeRecycledOutcomes();
  EXPECT_EQ(spare.size(), 5u);
  EXPECT_TRUE(TakeRecycledOutcomes().empty());
}

}  // namespace
}  // namespace kefu::internal
