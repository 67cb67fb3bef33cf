// The conversation machine on its own (kefu/engine/conversation.h): its
// data as Apply leaves it, and as Snapshot/Restore and CopyDataTo give it
// back (the conversation keeps it packed, issue 21).
#include "kefu/engine/conversation.h"

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace kefu {
namespace {

const Timestamp kAt = absl::FromUnixSeconds(1790000000);  // 2026-09-21 22:13 UTC

ReplyPosted Reply(std::string id, Timestamp at, std::string agent, std::string text) {
  ReplyPosted r;
  r.meta = {std::move(id), at, std::move(agent)};
  r.text = std::move(text);
  return r;
}

// PH-CALLBACK: the promise is the conversation's data until an answer
// closes it; the counts go on.
TEST(Conversation, APromiseIsItsDataUntilTheAnswer) {
  Conversation c("buyer-1");
  ASSERT_TRUE(c.Apply(Reply("r1", kAt, "小王", "您好，核实后30分钟内回复您。")).ok());
  ConversationData d = c.data();
  EXPECT_EQ(d.id, "buyer-1");
  EXPECT_EQ(d.replies, 1);
  ASSERT_TRUE(d.promised_by.has_value());
  EXPECT_EQ(*d.promised_by, kAt + absl::Minutes(30));
  EXPECT_EQ(d.promised, "30分钟内");
  EXPECT_EQ(d.promised_agent, "小王");

  ASSERT_TRUE(c.Apply(Reply("r2", kAt + absl::Minutes(10), "小李", "已经为您查好了，明早发货。")).ok());
  d = c.data();
  EXPECT_EQ(d.replies, 2);
  EXPECT_EQ(d.promised_by, std::nullopt);
  EXPECT_EQ(d.promised, "");
  EXPECT_EQ(d.promised_agent, "");

  WrongAnswerFound wrong;
  wrong.meta = {"w1", kAt + absl::Minutes(20), "质检"};
  wrong.wrong = "明早发货";
  ASSERT_TRUE(c.Apply(wrong).ok());
  EXPECT_EQ(c.data().wrong_answers, 1);
}

// Every field restores as the snapshot had it, promises the machine itself
// never leaves (words without a time, an agent alone) included.
TEST(Conversation, ASnapshotRestoresEveryFieldOfItsData) {
  ConversationData partials[4];
  partials[0].promised = "明天";  // words, no time, no agent
  partials[1].promised_agent = "小王";
  partials[2].promised_by = kAt + absl::Nanoseconds(1);  // a time alone
  partials[3].promised_by = kAt;
  partials[3].promised = std::string("含\0零", 5);
  partials[3].promised_agent = "小李";
  for (ConversationData& data : partials) {
    data.id = "buyer-2";
    data.replies = int64_t{1} << 40;
    data.replies_with_findings = -3;
    data.wrong_answers = 7;
    ConversationSnapshot s;
    s.format_version = Conversation::kSnapshotFormat;
    s.state = "open";
    s.data = data;
    absl::StatusOr<Conversation> c = Conversation::Restore(s);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->data(), data);
    EXPECT_EQ(c->Snapshot(), s);
    // A copy keeps its own block.
    Conversation copy = *c;
    c = Conversation("other");
    EXPECT_EQ(copy.data(), data);
  }
}

// The id lies in the conversation up to 23 bytes (an IM name of up to
// seven Chinese characters) and in a block of its own past them.
TEST(Conversation, IdsShortAndLongComeBack) {
  for (const std::string& id : {std::string("阳光男孩5991"), std::string(23, 'a'),
                                std::string("一个很长很长的旺旺昵称超过二十三个字节")}) {
    Conversation c(id);
    EXPECT_EQ(c.id(), id);
    ASSERT_TRUE(c.Apply(Reply("r1", kAt, "小王", "您好")).ok());
    EXPECT_EQ(c.data().id, id);
    EXPECT_EQ(c.applied()[0].entity, id);
    const Conversation copy = c;
    EXPECT_EQ(copy.id(), id);
    absl::StatusOr<Conversation> back = Conversation::Restore(c.Snapshot());
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->id(), id);
  }
}

// CopyDataTo sets every field, over whatever the object held.
TEST(Conversation, CopyDataToSetsEveryField) {
  Conversation c("buyer-3");
  ASSERT_TRUE(c.Apply(Reply("r1", kAt, "小王", "您好，我帮您核实一下，30分钟内给您答复。")).ok());
  ConversationData out;
  out.id = "stale";
  out.wrong_answers = 9;
  out.promised = "旧的承诺";
  c.CopyDataTo(&out);
  EXPECT_EQ(out, c.data());
  Conversation fresh("buyer-4");
  fresh.CopyDataTo(&out);
  EXPECT_EQ(out, ConversationData{"buyer-4"});
}

}  // namespace
}  // namespace kefu
