// The idempotency log (AppliedEvents): what is recorded comes back equal,
// field by field, whatever the outcome holds; lookup by event id.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/core/outcome.h"
#include "kefu/machines/machine.h"

namespace kefu {
namespace {

constexpr Message kMsg{"理由{claimed}", "reason {claimed}"};
constexpr Message kOther{"另一个", nullptr};

// An outcome that uses every field and every kind of figure value.
Outcome Full(const std::string& event_id) {
  Outcome o;
  o.entity = "TB2026110200000001";
  Decision d;
  d.rule = "AS-POSTAGE-CAP";
  d.verdict = Verdict::kAdjusted;
  d.message = kMsg;
  d.figures.push_back({"claimed", Money::Fen(1200)});
  d.figures.push_back({"cap", Money::Fen(-5)});
  d.figures.push_back({"due", absl::FromUnixSeconds(1'793'000'000)});
  d.figures.push_back({"count", int64_t{-42}});  // beyond the inline three
  d.figures.push_back({"text", std::string(300, 'x')});  // a length over one varint byte
  o.Add(d);
  Decision refused;
  refused.rule = "ORD-VERIFY";
  refused.verdict = Verdict::kRefused;
  o.Add(refused);

  Action call;
  call.kind = ActionKind::kCall;
  call.rule = "AS-OWNER";
  call.assignee = "小王";
  call.subject = "buyer 爱吃草莓的猫";
  call.due = absl::InfiniteFuture();
  call.message = kOther;
  call.figures.push_back({"phone", std::string("13800000000")});
  call.figures.push_back({"channel", Term{"phone", "电话", "phone"}});  // terms come back too
  call.figures.push_back({"missing", TermList{Term{"photos", "照片", "photos"},
                                              Term{"amount", "金额", "amount"}}});
  o.actions.push_back(call);
  Action now;  // no due time, nothing set
  o.actions.push_back(now);

  Deadline set;
  set.rule = "AS-RESOLVE";
  set.op = DeadlineOp::kSet;
  set.due = absl::FromUnixSeconds(1'793'600'000);
  set.warn_at = absl::FromUnixSeconds(1'793'500'000);
  set.message = kMsg;
  set.figures.push_back({"claimed", Money::Fen(1)});
  o.deadlines.push_back(set);
  Deadline cancel;
  cancel.rule = "AS-TRACK";
  cancel.op = DeadlineOp::kCancel;
  cancel.due = absl::InfinitePast();
  o.deadlines.push_back(cancel);

  o.audit.event_id = event_id;
  o.audit.event_type = "registered";
  o.audit.agent = "小李";
  o.audit.at = absl::FromUnixMicros(1'793'000'000'123'456);
  o.audit.state_before = "new";
  o.audit.state_after = "open";
  o.audit.note = "supervisor override";
  return o;
}

Outcome Minimal(const std::string& event_id) {
  Outcome o;
  o.audit.event_id = event_id;
  return o;
}

TEST(AppliedEvents, EmptyFindsNothing) {
  AppliedEvents log;
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(log.size(), 0u);
  EXPECT_FALSE(log.Find("e1").has_value());
  EXPECT_FALSE(log.Contains("e1"));
  EXPECT_TRUE(log.outcomes().empty());
}

// Prefetch is a hint: an empty log stays empty, a full one keeps its
// records.
TEST(AppliedEvents, PrefetchChangesNothing) {
  AppliedEvents log;
  log.Prefetch();
  EXPECT_TRUE(log.empty());
  log.Record(Full("e1"));
  log.Record(Minimal("e2"));
  log.Prefetch();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log.Find("e1"), Full("e1"));
  EXPECT_TRUE(log.Contains("e2"));
  EXPECT_FALSE(log.Contains("e3"));
}

TEST(AppliedEvents, EveryFieldComesBackEqual) {
  AppliedEvents log;
  const Outcome full = Full("e1");
  log.Record(full);
  ASSERT_EQ(log.size(), 1u);
  std::optional<Outcome> back = log.Find("e1");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, full);
  // Field by field too, so that a gap in operator== cannot hide a loss.
  EXPECT_EQ(back->entity, full.entity);
  ASSERT_EQ(back->decisions.size(), 2u);
  EXPECT_EQ(back->decisions[0].figures.size(), 5u);
  EXPECT_EQ(std::get<std::string>(back->decisions[0].figures[4].value), std::string(300, 'x'));
  EXPECT_EQ(back->decisions[0].Reason(), "理由12.00元");
  EXPECT_EQ(back->decisions[0].message.zh, kMsg.zh);  // the same static text
  EXPECT_EQ(back->actions[0].due, absl::InfiniteFuture());
  EXPECT_FALSE(back->actions[1].due.has_value());
  EXPECT_EQ(back->deadlines[0].warn_at, full.deadlines[0].warn_at);
  EXPECT_FALSE(back->deadlines[1].warn_at.has_value());
  EXPECT_EQ(back->deadlines[1].due, absl::InfinitePast());
  EXPECT_EQ(back->audit.verdicts.size(), 2u);
  EXPECT_EQ(back->audit.note, "supervisor override");
  EXPECT_EQ(back->audit.at, full.audit.at);
  EXPECT_FALSE(back->audit.duplicate);
}

// ForEach gives what outcomes() and digests() hold, decoding each record
// into the same objects: nothing of a fuller record (figures, verdicts, a
// policy revision, texts, a digest) stays behind in a sparser one after
// it, within a log and from one log to the next on a thread, and a walk
// begun inside another's callback decodes on its own.
TEST(AppliedEvents, ForEachGivesWhatOutcomesAndDigestsHold) {
  std::vector<Outcome> recorded;
  std::vector<EventDigest> digests;
  AppliedEvents full_first;
  for (int i = 0; i < 12; ++i) {
    Outcome o = i % 2 == 0 ? Full("f" + std::to_string(i)) : Minimal("f" + std::to_string(i));
    if (i % 4 == 0) o.audit.policy_revision = 7 + static_cast<uint64_t>(i);
    EventDigest d;
    for (int k = 0; k < (i % 3) * 3; ++k) {
      d.fields.push_back({static_cast<uint8_t>(k), static_cast<uint32_t>(i * 100 + k)});
    }
    recorded.push_back(o);
    digests.push_back(d);
    full_first.Record(o, d);
  }
  AppliedEvents sparse;  // walked after the full one: nothing may carry over
  sparse.Record(Minimal("s0"));
  sparse.Record(Minimal("s1"));

  for (int pass = 0; pass < 2; ++pass) {
    std::vector<Outcome> seen;
    std::vector<EventDigest> seen_digests;
    full_first.ForEach([&](const Outcome& o, const EventDigest& d) {
      seen.push_back(o);
      seen_digests.push_back(d);
    });
    EXPECT_EQ(seen, recorded);
    EXPECT_EQ(seen, full_first.outcomes());
    EXPECT_EQ(seen_digests, digests);
    EXPECT_EQ(seen_digests, full_first.digests());
    std::vector<Outcome> sparse_seen;
    sparse.ForEach([&](const Outcome& o, const EventDigest& d) {
      sparse_seen.push_back(o);
      EXPECT_TRUE(d.fields.empty());
      EXPECT_EQ(o.audit.policy_revision, 0u);
      EXPECT_TRUE(o.audit.verdicts.empty());
      EXPECT_TRUE(o.decisions.empty());
      EXPECT_TRUE(o.audit.agent.empty());
    });
    EXPECT_EQ(sparse_seen, sparse.outcomes());
  }

  // Nested: the inner walk does not disturb the outer one's objects.
  std::vector<Outcome> outer;
  size_t inner_count = 0;
  full_first.ForEach([&](const Outcome& o, const EventDigest&) {
    sparse.ForEach([&](const Outcome& inner, const EventDigest&) {
      ++inner_count;
      EXPECT_TRUE(inner.decisions.empty());
    });
    outer.push_back(o);
  });
  EXPECT_EQ(outer, recorded);
  EXPECT_EQ(inner_count, 2 * recorded.size());
}

TEST(AppliedEvents, ManyRecordsKeepTheirOrderAndIds) {
  AppliedEvents log;
  std::vector<Outcome> recorded;
  for (int i = 0; i < 200; ++i) {
    recorded.push_back(i % 3 == 0 ? Full("event-" + std::to_string(i))
                                  : Minimal("event-" + std::to_string(i)));
    log.Record(recorded.back());
  }
  EXPECT_EQ(log.size(), 200u);
  EXPECT_EQ(log.outcomes(), recorded);
  EXPECT_EQ(*log.Find("event-0"), recorded[0]);
  EXPECT_EQ(*log.Find("event-199"), recorded[199]);
  EXPECT_EQ(*log.Find("event-99"), recorded[99]);
  EXPECT_TRUE(log.Contains("event-150"));
  // Ids are compared whole, not by prefix.
  EXPECT_FALSE(log.Contains("event-1999"));
  EXPECT_FALSE(log.Contains("event-"));
  EXPECT_FALSE(log.Find("").has_value());
}

TEST(AppliedEvents, BuiltFromAVectorEqualsRecordingEach) {
  const std::vector<Outcome> v = {Full("a"), Minimal("b"), Full("c")};
  AppliedEvents from_vector(v);
  EXPECT_EQ(from_vector.size(), 3u);
  EXPECT_EQ(from_vector.outcomes(), v);
  AppliedEvents copy = from_vector;  // a value type
  EXPECT_EQ(copy.outcomes(), v);
}

TEST(AppliedEvents, IsCompact) {
  AppliedEvents log;
  for (int i = 0; i < 10; ++i) log.Record(Full("TB2026110200000001." + std::to_string(i)));
  // A full outcome (five figures, two actions, two deadlines, a 300-byte
  // text) in well under its in-memory size plus its heap blocks.
  EXPECT_LT(log.encoded_bytes() / 10, sizeof(Outcome) + 2 * sizeof(Decision) + 300);
}

TEST(AppliedEvents, CopiesMovesAndLargeRecords) {
  AppliedEvents log;
  std::vector<Outcome> recorded;
  for (int i = 0; i < 40; ++i) {
    Outcome o = Full("e" + std::to_string(i));
    if (i == 7) o.audit.note = std::string(5000, 'n');  // larger than any block
    recorded.push_back(o);
    log.Record(o);
  }
  ASSERT_EQ(log.outcomes(), recorded);
  EXPECT_EQ(log.Find("e7")->audit.note.size(), 5000u);

  AppliedEvents copy(log);
  EXPECT_EQ(copy.outcomes(), recorded);
  EXPECT_EQ(copy.encoded_bytes(), log.encoded_bytes());
  copy.Record(Minimal("extra"));  // the copy is independent
  EXPECT_EQ(copy.size(), 41u);
  EXPECT_EQ(log.size(), 40u);
  EXPECT_FALSE(log.Contains("extra"));

  AppliedEvents assigned(std::vector<Outcome>{Minimal("old")});
  assigned = log;  // over a non-empty log
  EXPECT_EQ(assigned.outcomes(), recorded);
  const AppliedEvents& same = assigned;
  assigned = same;  // self-assignment keeps everything
  EXPECT_EQ(assigned.outcomes(), recorded);

  AppliedEvents moved(std::move(assigned));
  EXPECT_EQ(moved.outcomes(), recorded);
  AppliedEvents target(std::vector<Outcome>{Minimal("old")});
  target = std::move(moved);
  EXPECT_EQ(target.outcomes(), recorded);
  EXPECT_TRUE(target.Contains("e39"));
  target.Record(Minimal("after-move"));
  EXPECT_EQ(target.size(), 41u);
}

// Times are kept as seconds from the event's time, nanoseconds or their raw
// bytes, whichever fits: every kind comes back exactly.
TEST(AppliedEvents, EveryKindOfTimeComesBackExactly) {
  const Timestamp whole = absl::FromUnixSeconds(1'793'000'000);
  const std::vector<Timestamp> times = {
      whole,
      whole - absl::Hours(24 * 365 * 60),             // before 1970
      absl::FromUnixSeconds(253'402'300'799),         // 9999-12-31T23:59:59Z
      absl::FromUnixSeconds(-62'135'596'800),         // 0001-01-01
      whole + absl::Nanoseconds(1),                   // nanoseconds
      whole + absl::Nanoseconds(1) / 4,               // below a nanosecond
      absl::FromUnixSeconds(253'402'300'799) + absl::Milliseconds(5),  // ns beyond 2^59
      absl::InfinitePast(),
      absl::InfiniteFuture(),
  };
  AppliedEvents log;
  std::vector<Outcome> recorded;
  for (size_t i = 0; i < times.size(); ++i) {
    for (size_t j = 0; j < times.size(); ++j) {
      Outcome o = Minimal("t" + std::to_string(i) + "." + std::to_string(j));
      o.entity = j % 2 == 0 ? "T1" : "T2";  // not always the first record's entity
      o.audit.at = times[i];
      Deadline d;
      d.rule = "AS-RESOLVE";
      d.due = times[j];
      d.warn_at = times[(j + 1) % times.size()];
      d.figures.push_back({"due", times[j]});
      d.figures.push_back({"fen", Money::Fen(j % 2 == 0 ? INT64_MIN : INT64_MAX)});
      d.figures.push_back({"n", int64_t{-1} - static_cast<int64_t>(j)});
      o.deadlines.push_back(d);
      Action a;
      a.due = times[j];
      o.actions.push_back(a);
      recorded.push_back(o);
      log.Record(o);
    }
  }
  ASSERT_EQ(log.outcomes(), recorded);
  for (const Outcome& o : recorded) {
    const std::optional<Outcome> back = log.Find(o.audit.event_id);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->audit.at, o.audit.at);
    EXPECT_EQ(back->deadlines[0].due, o.deadlines[0].due) << o.audit.event_id;
    EXPECT_EQ(back->deadlines[0].warn_at, o.deadlines[0].warn_at) << o.audit.event_id;
    EXPECT_EQ(back->actions[0].due, o.actions[0].due) << o.audit.event_id;
    EXPECT_EQ(back->entity, o.entity);
  }
}

// A record's time counts from the record before's: an entity's events,
// minutes apart, take two bytes for it instead of five, and every time comes
// back, through outcomes() and through Find.
TEST(AppliedEvents, ATimeCountsFromTheRecordBefore) {
  auto make = [](int64_t step) {
    AppliedEvents log;
    for (int i = 0; i < 10; ++i) {
      Outcome o = Minimal("T9." + std::to_string(i));
      o.entity = "T9";
      o.audit.at = absl::FromUnixSeconds(1'793'000'000 + step * i);
      log.Record(o);
    }
    return log;
  };
  make(60);
  make(60);  // the parts kept once per process before either log is measured
  const AppliedEvents near = make(60);
  const AppliedEvents far = make(int64_t{1} << 30);
  EXPECT_GE(far.encoded_bytes(), near.encoded_bytes() + 27);
  EXPECT_EQ(near.outcomes()[9].audit.at, absl::FromUnixSeconds(1'793'000'000 + 540));
  EXPECT_EQ(near.Find("T9.8")->audit.at, absl::FromUnixSeconds(1'793'000'000 + 480));
  EXPECT_EQ(far.Find("T9.7")->audit.at,
            absl::FromUnixSeconds(1'793'000'000 + 7 * (int64_t{1} << 30)));
}

// A typical order event (a deadline set, a decision, whole-second times) in
// well under a hundred bytes.
TEST(AppliedEvents, ATypicalEventTakesTensOfBytes) {
  AppliedEvents log;
  for (int i = 0; i < 10; ++i) {
    Outcome o;
    o.entity = "TB20261102000740";
    o.audit.event_id = "TB20261102000740." + std::to_string(i);
    o.audit.event_type = "check_recorded";
    o.audit.agent = "小王";
    o.audit.at = absl::FromUnixSeconds(1'793'000'000 + 60 * i);
    o.audit.state_before = "in_check";
    o.audit.state_after = "in_check";
    Decision d;
    d.rule = "ORD-VERIFY";
    d.message = kMsg;
    d.figures.push_back({"claimed", Money::Fen(1200)});
    o.Add(d);
    Deadline set;
    set.rule = "ORD-SHIP-DAY";
    set.due = o.audit.at + absl::Hours(20);
    set.warn_at = o.audit.at + absl::Hours(18);
    set.message = kOther;
    o.deadlines.push_back(set);
    log.Record(o, EventDigest{{{0, 7u}, {1, 9u}}});
  }
  EXPECT_LT(log.encoded_bytes() / 10, 100u);
}

// The numbering of static names is bounded: past 65,536 distinct names
// (never in practice: they are the catalogue's), a name is kept as its
// pointer, and comes back the same.
TEST(AppliedEvents, NamesBeyondTheVocabularyComeBackToo) {
  // Names that live until the process ends, as the contract asks.
  static auto* const names = new std::vector<std::string>;
  for (int i = 0; i < 70'000; ++i) names->push_back("rule-" + std::to_string(i));
  AppliedEvents log;
  std::vector<Outcome> recorded;
  for (size_t i = 0; i < names->size(); i += 997) {
    Outcome o = Minimal("n" + std::to_string(i));
    for (size_t j = i; j < i + 3 && j < names->size(); ++j) {
      o.audit.verdicts.push_back({(*names)[j], Verdict::kAllowed});
    }
    recorded.push_back(o);
    log.Record(o);
  }
  // Every name numbered; then one more, past the table.
  AppliedEvents all;
  for (size_t i = 0; i < names->size(); ++i) {
    Outcome o = Minimal("m" + std::to_string(i));
    o.audit.verdicts.push_back({(*names)[i], Verdict::kRefused});
    all.Record(o);
  }
  const std::vector<Outcome> back = all.outcomes();
  ASSERT_EQ(back.size(), names->size());
  for (size_t i = 0; i < names->size(); ++i) {
    ASSERT_EQ(back[i].audit.verdicts[0].rule.data(), (*names)[i].data()) << i;
  }
  EXPECT_EQ(log.outcomes(), recorded);
}

}  // namespace
}  // namespace kefu

namespace kefu {
namespace {

// An order's check of one item, at minute `i`: the same decision every
// time, so every such record past the first two holds only its entity-
// relative id, its time and the shared tail's number.
Outcome Check(const std::string& entity, const std::string& event_id, int i) {
  Outcome o;
  o.entity = entity;
  o.audit.event_id = event_id;
  o.audit.event_type = "check_recorded";
  o.audit.agent = "小张";
  o.audit.at = absl::FromUnixSeconds(1'793'000'000 + 60 * i);
  o.audit.state_before = "in_check";
  o.audit.state_after = "in_check";
  Decision d;
  d.rule = "ORD-VERIFY";
  d.message = kOther;
  o.Add(d);
  Deadline set;
  set.rule = "ORD-SHIP-DAY";
  set.due = o.audit.at + absl::Hours(20);  // relative to `at`: the same bytes
  o.deadlines.push_back(set);
  return o;
}

TEST(AppliedEvents, RepeatedTailsAreKeptOncePerProcess) {
  AppliedEvents log;
  std::vector<Outcome> recorded;
  const EventDigest digest{{{0, 3u}}};
  for (int i = 0; i < 40; ++i) {
    recorded.push_back(Check("TB2026110212345678", "TB2026110212345678." + std::to_string(i), i));
    log.Record(recorded.back(), digest);
  }
  EXPECT_EQ(log.outcomes(), recorded);
  for (const EventDigest& d : log.digests()) EXPECT_EQ(d, digest);
  // Length, hash byte, entity, ".NN", time, tail number: 14 bytes (the
  // first two records keep their 36-byte tails).
  EXPECT_LT(log.encoded_bytes() / 40, 20u);

  // Another entity's log shares the same tails and decodes them alike.
  AppliedEvents other;
  const Outcome o = Check("TM1", "TM1.x", 7);
  other.Record(o, digest);
  other.Record(Check("TM1", "TM1.y", 8), digest);
  EXPECT_EQ(*other.Find("TM1.x"), o);
  EventDigest found;
  ASSERT_TRUE(other.Find("TM1.y", &found).has_value());
  EXPECT_EQ(found, digest);
  // A copy of a log keeps referring to the shared tails.
  AppliedEvents copy = log;
  log = AppliedEvents();
  EXPECT_EQ(copy.outcomes(), recorded);
}

// Ids are kept after their entity's id when they start with it; lookups
// compare whole ids either way.
TEST(AppliedEvents, IdsAfterTheirEntitysIdAndOtherwise) {
  AppliedEvents log;
  std::vector<Outcome> recorded;
  auto add = [&](const std::string& entity, const std::string& id) {
    Outcome o = Check(entity, id, static_cast<int>(recorded.size()));
    recorded.push_back(o);
    log.Record(o);
  };
  add("E1", "E1.1");
  add("E1", "E1.10");
  add("E1", "E1");       // the entity's id itself: kept whole
  add("E1", "X-E1.2");   // not after the entity's id
  add("E2", "E2.1");     // another entity in the same log
  add("E2", "E1.3");     // another entity's prefix
  add("", "lone");       // an empty entity
  EXPECT_EQ(log.outcomes(), recorded);
  for (const Outcome& o : recorded) {
    std::optional<Outcome> found = log.Find(o.audit.event_id);
    ASSERT_TRUE(found.has_value()) << o.audit.event_id;
    EXPECT_EQ(*found, o);
  }
  for (const char* absent : {"E1.", "E1.100", "E1.0", "E2", "E2.10", "E1.1 ", "X-E1", "E1E1.1"}) {
    EXPECT_FALSE(log.Contains(absent)) << absent;
    EXPECT_FALSE(log.Find(absent).has_value()) << absent;
  }
}

}  // namespace
}  // namespace kefu
