// A saved shop's logs (machines/saved_log.h): logs written as records
// naming parts in a table, and read back, are the logs they were; the
// table follows from the logs' content, not from how the process keeps it.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/core/outcome.h"
#include "kefu/machines/machine.h"
#include "machines/saved_log.h"

namespace kefu {
namespace {

using ::testing::HasSubstr;

constexpr Message kLate{"超时{days}天", "late by {days} days"};

// The outcome of event `id` of `entity` at `at`: a decision with a time
// figure and a deadline a week after `at` (times that count from `at` when
// it is whole seconds), from state "new" to "open".
Outcome Judged(std::string_view entity, std::string_view id, Timestamp at,
               std::string_view rule = "AS-RESOLVE") {
  Outcome o;
  o.entity = std::string(entity);
  Decision d;
  d.rule = rule;
  d.verdict = Verdict::kScheduled;
  d.message = kLate;
  d.figures.push_back({"days", int64_t{7}});
  d.figures.push_back({"by", at + absl::Hours(24 * 7)});
  o.Add(d);
  Deadline set;
  set.rule = rule;
  set.op = DeadlineOp::kSet;
  set.due = at + absl::Hours(24 * 7);
  set.message = kLate;
  o.deadlines.push_back(set);
  o.audit.event_id = std::string(id);
  o.audit.event_type = "registered";
  o.audit.agent = "小李";
  o.audit.at = at;
  o.audit.state_before = "new";
  o.audit.state_after = "open";
  return o;
}

// What a machine that knows the states "new" and "open" names them.
std::optional<std::string_view> Known(std::string_view name) {
  if (name == "new") return std::string_view("new");
  if (name == "open") return std::string_view("open");
  return std::nullopt;
}

struct Saved {
  std::string body;   // the logs, one after another
  std::string table;  // their parts
};

Saved Save(const std::vector<const AppliedEvents*>& logs,
           const std::vector<std::string_view>& entities, uint8_t kind = 1) {
  Saved s;
  internal::SavedLogWriter writer;
  internal::ByteWriter w(&s.body);
  for (size_t i = 0; i < logs.size(); ++i) writer.WriteLog(*logs[i], entities[i], kind, w);
  writer.WriteTable(&s.table);
  return s;
}

TEST(SavedLog, LogsComeBackAsTheyWereThroughTheirTable) {
  const Timestamp t0 = absl::FromUnixSeconds(1'793'000'000);
  std::vector<Outcome> first = {
      Judged("E1", "E1.1", t0),                                        // after the entity's id
      Judged("E1", "X-9", t0 + absl::Microseconds(250)),               // its own; a sub-second time
      Judged("E0", "E0.4", t0 + absl::Seconds(5)),                     // another entity's
      Judged("E1", "E1.2", t0 + absl::Seconds(60)),                    // the first's parts again
      Judged("E1", "E1.3", t0 + absl::Hours(1), "AS-TRACK"),
  };
  // A whole-second time under a sub-second one: it stands alone.
  Deadline fixed = first[1].deadlines[0];
  fixed.due = absl::FromUnixSeconds(1'793'600'000);
  first[1].deadlines.push_back(fixed);
  first[2].audit.refused = true;
  first[4].audit.duplicate = true;
  first[4].audit.policy_revision = 7;
  std::vector<EventDigest> digests(first.size());
  digests[0].fields.push_back({3, 0xDEADBEEF});
  digests[3] = digests[0];
  const AppliedEvents a(first, digests);
  const AppliedEvents b({Judged("E2", "E2.1", t0 + absl::Seconds(9))});
  const AppliedEvents empty;
  const Saved saved = Save({&a, &b, &empty}, {"E1", "E2", "E3"});

  internal::SavedLogTable table;
  internal::ByteReader tr(saved.table);
  ASSERT_TRUE(table.Read(tr)) << tr.error();
  EXPECT_TRUE(tr.at_end());
  // Decision parts: records 0, 2, 3 and b's decide alike (times a week
  // after theirs); record 1's times stand alone; record 4's rule is its
  // own. Event parts: 0 and 3 (the same digest), 1 and b's, 2 (refused),
  // 4 (a duplicate, a revision).
  ASSERT_EQ(table.decision_parts.size(), 3u);
  EXPECT_EQ(table.decision_parts[0].uses, 4u);
  ASSERT_EQ(table.event_parts.size(), 4u);
  EXPECT_EQ(table.event_parts[0].uses, 2u);

  internal::SavedLogParts parts;
  internal::ByteReader r(saved.body);
  std::vector<std::string> ids;
  auto read = [&](std::string_view entity, AppliedEvents* log, Timestamp* last) {
    return parts.ReadLog(r, table, 1, entity, Known,
                         [&](std::string_view id) { ids.emplace_back(id); }, log, last);
  };
  AppliedEvents back_a, back_b, back_empty;
  Timestamp last_a, last_b, last_empty;
  ASSERT_TRUE(read("E1", &back_a, &last_a).ok());
  ASSERT_TRUE(read("E2", &back_b, &last_b).ok());
  ASSERT_TRUE(read("E3", &back_empty, &last_empty).ok());
  EXPECT_TRUE(r.at_end());

  EXPECT_TRUE(SameOutcomes(back_a.outcomes(), first));
  EXPECT_EQ(back_a.digests(), a.digests());
  EXPECT_TRUE(SameOutcomes(back_b.outcomes(), b.outcomes()));
  EXPECT_TRUE(back_empty.empty());
  EXPECT_EQ(ids, (std::vector<std::string>{"E1.1", "X-9", "E0.4", "E1.2", "E1.3", "E2.1"}));
  // The latest applied: not the refused one, not the duplicate.
  EXPECT_EQ(last_a, t0 + absl::Seconds(60));
  EXPECT_EQ(last_b, t0 + absl::Seconds(9));
  EXPECT_EQ(last_empty, absl::InfinitePast());
  // Found by id as before.
  ASSERT_TRUE(back_a.Find("X-9").has_value());
  EXPECT_TRUE(SameOutcome(*back_a.Find("X-9"), first[1]));
  EXPECT_FALSE(back_a.Contains("E1.9"));
}

// A record's time is saved as whole seconds from the record before's, with
// its nanoseconds, or whole: every kind comes back exactly.
TEST(SavedLog, RecordTimesOfEveryKindComeBack) {
  const Timestamp t0 = absl::FromUnixSeconds(1'793'000'000);
  const std::vector<Timestamp> times = {
      t0,
      t0 + absl::Seconds(1),
      t0 + absl::Microseconds(250),         // nanoseconds
      t0 + absl::Nanoseconds(1) / 4,        // a quarter nanosecond: whole
      t0 - absl::Hours(24 * 3650),          // earlier than the one before
      absl::FromUnixSeconds(-5),            // before the epoch
      absl::FromUnixNanos(-1),              // just before it
  };
  std::vector<Outcome> outcomes;
  for (size_t i = 0; i < times.size(); ++i) {
    outcomes.push_back(Judged("E1", "E1." + std::to_string(i), times[i]));
  }
  const AppliedEvents log(outcomes);
  const Saved saved = Save({&log}, {"E1"});
  internal::SavedLogTable table;
  internal::ByteReader tr(saved.table);
  ASSERT_TRUE(table.Read(tr));
  internal::SavedLogParts parts;
  internal::ByteReader r(saved.body);
  AppliedEvents back;
  Timestamp last;
  ASSERT_TRUE(
      parts.ReadLog(r, table, 1, "E1", Known, [](std::string_view) {}, &back, &last).ok());
  std::vector<Outcome> read = back.outcomes();
  ASSERT_EQ(read.size(), times.size());
  for (size_t i = 0; i < times.size(); ++i) EXPECT_EQ(read[i].audit.at, times[i]) << i;
  EXPECT_TRUE(SameOutcomes(read, outcomes));
  EXPECT_EQ(last, *std::max_element(times.begin(), times.end()));
}

// The same content in memory through other pointers (a name in static
// storage, the same name interned by a load) and at other times saves to
// the same bytes: a shop saves the same whatever it loaded before.
TEST(SavedLog, TheTableFollowsFromContentNotFromPointers) {
  const Timestamp t0 = absl::FromUnixSeconds(1'793'000'000);
  Outcome from_static = Judged("E1", "E1.1", t0);
  Outcome from_interned = from_static;
  from_interned.decisions[0].rule = InternText("AS-RESOLVE");
  from_interned.deadlines[0].rule = InternText("AS-RESOLVE");
  from_interned.audit.state_before = InternText("new");
  const AppliedEvents a({from_static}), b({from_interned});
  EXPECT_EQ(Save({&a}, {"E1"}).table, Save({&b}, {"E1"}).table);
  EXPECT_EQ(Save({&a}, {"E1"}).body, Save({&b}, {"E1"}).body);

  // A decision part without times is one part whatever its record's time.
  Outcome plain;
  plain.entity = "E1";
  plain.audit.event_id = "E1.1";
  plain.audit.at = t0;
  plain.Add(Decision{"AS-OWNER", Verdict::kAllowed, {}, {}});
  Outcome plain_late = plain;
  plain_late.audit.event_id = "E1.2";
  plain_late.audit.at = t0 + absl::Milliseconds(1);
  const AppliedEvents c({plain, plain_late});
  const Saved saved = Save({&c}, {"E1"});
  internal::SavedLogTable table;
  internal::ByteReader tr(saved.table);
  ASSERT_TRUE(table.Read(tr));
  ASSERT_EQ(table.decision_parts.size(), 1u);
  EXPECT_EQ(table.decision_parts[0].uses, 2u);
}

TEST(SavedLog, APartOfAnotherKindOrAnUnknownStateIsAnError) {
  const AppliedEvents a({Judged("E1", "E1.1", absl::FromUnixSeconds(1'793'000'000))});
  const Saved saved = Save({&a}, {"E1"}, 2);
  internal::SavedLogTable table;
  internal::ByteReader tr(saved.table);
  ASSERT_TRUE(table.Read(tr));
  internal::SavedLogParts parts;
  AppliedEvents log;
  Timestamp last;
  auto read = [&](uint8_t kind, internal::StateResolver resolve) {
    internal::ByteReader r(saved.body);
    return parts.ReadLog(r, table, kind, "E1", resolve, [](std::string_view) {}, &log, &last);
  };
  absl::Status other_kind = read(1, Known);
  EXPECT_THAT(std::string(other_kind.message()), HasSubstr("a part of another kind of entity"));
  absl::Status unknown = read(2, [](std::string_view name) -> std::optional<std::string_view> {
    if (name == "open") return std::nullopt;
    return Known(name);
  });
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("names an unknown state \"open\""));
  EXPECT_TRUE(read(2, Known).ok());

  // A record naming a part past the table's end.
  internal::SavedLogTable none = table;
  none.decision_parts.clear();
  internal::ByteReader r(saved.body);
  AppliedEvents other;
  absl::Status out_of_range =
      parts.ReadLog(r, none, 2, "E1", Known, [](std::string_view) {}, &other, &last);
  EXPECT_THAT(std::string(out_of_range.message()), HasSubstr("a part number out of range"));
}

}  // namespace
}  // namespace kefu
