// The shop engine: routing by entity, cross-entity rules (ORD-DUP-SHIP,
// AS-DEDUP, AS-DEFECT), replies (PH-*) and the deadline queue behind Due().
#include "kefu/engine/shop.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/testing/builders.h"

namespace kefu {
namespace {

using ::kefu::testing::At;
using ::kefu::testing::Meta;

using ::testing::HasSubstr;
using ::testing::Not;

const Timestamp kMonday = At("2026-11-02T10:00:00+08:00");

ShopEvent OrderEv(std::string key, OrderEvent e) { return ShopEvent{std::move(key), std::move(e)}; }
ShopEvent TicketEv(std::string key, TicketEvent e) {
  return ShopEvent{std::move(key), std::move(e)};
}
ShopEvent ReplyEv(std::string conversation, std::string id, Timestamp at, std::string agent,
                  std::string text) {
  return ShopEvent{std::move(conversation),
                   ReplyEvent{ReplyPosted{Meta(std::move(id), at, std::move(agent)),
                                          std::move(text)}}};
}

OrderPlaced Placed(std::string id, Timestamp at, std::string product = "N86-case",
                   std::string detail = "人民南路四段12号") {
  OrderPlaced e;
  e.meta = Meta(std::move(id), at);
  e.channel = Channel::kTaobao;
  e.buyer = {"tb_buyer_01", "13800000000"};
  e.lines = {{std::move(product), 1, Money::Yuan(25), false}};
  e.postage = Money::Yuan(10);
  e.paid = true;
  e.address = {"四川省", "成都市", "武侯区", std::move(detail)};
  e.courier = "EMS";
  return e;
}

TicketRegistered Registered(std::string id, Timestamp at, std::string order_id,
                            std::string product = "N86-screen") {
  TicketRegistered e;
  e.meta = Meta(std::move(id), at);
  e.order_id = std::move(order_id);
  e.kind = TicketKind::kReturnRefund;
  e.category = "质量问题";
  e.details = "屏幕有亮点，客户要求退货";
  e.lines = {{std::move(product), 1}};
  e.customer_province = "广东省";
  e.shop_province = "广东省";
  e.shop = "淘宝店";
  e.buyer_im = "tb_buyer_01";
  e.alipay_account = "buyer@example.com";
  e.return_postage = PostagePayer::kShop;
  e.reship_postage = PostagePayer::kShop;
  e.repayment = Repayment::kAlipayRefund;
  return e;
}

std::unique_ptr<Shop> NewShop(int shards = 4) {
  ShopOptions o;
  o.shards = shards;
  auto shop = Shop::Create(std::move(o));
  EXPECT_TRUE(shop.ok()) << shop.status();
  return *std::move(shop);
}

// Applies and expects an OK outcome that no rule refused.
Outcome Must(Shop& shop, const ShopEvent& e) {
  absl::StatusOr<Outcome> out = shop.Apply(e);
  EXPECT_TRUE(out.ok()) << EventName(e) << " " << e.key << ": " << out.status();
  if (!out.ok()) return {};
  EXPECT_FALSE(out->refused()) << EventName(e) << " " << e.key << " refused: "
                               << out->decisions.back().Reason(Language::kEn);
  return *std::move(out);
}

// The six ORD-VERIFY checks, then check_passed.
absl::StatusOr<Outcome> CheckAndPass(Shop& shop, const std::string& key, Timestamp at) {
  for (int i = 0; i < kVerificationItemCount; ++i) {
    CheckRecorded c;
    c.meta = Meta(key + "-c" + std::to_string(i), at);
    c.item = static_cast<VerificationItem>(i);
    Must(shop, OrderEv(key, c));
  }
  return shop.Apply(OrderEv(key, CheckPassed{Meta(key + "-pass", at)}));
}

TEST(ShopCreate, RefusesNoShards) {
  ShopOptions o;
  o.shards = 0;
  EXPECT_EQ(Shop::Create(std::move(o)).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ShopRouting, FirstEventCreatesTheEntityAndLaterOnesFindIt) {
  auto shop = NewShop();
  Must(*shop, OrderEv("T1", Placed("e1", kMonday)));
  ASSERT_NE(shop->FindOrder("T1"), nullptr);
  EXPECT_EQ(shop->FindOrder("T1")->state(), "in_check");
  // Keys are per kind: no ticket "T1".
  EXPECT_EQ(shop->FindTicket("T1"), nullptr);
}

TEST(ShopRouting, EventForAnUnknownEntityIsNotFoundAndNamesIt) {
  auto shop = NewShop();
  absl::StatusOr<Outcome> out =
      shop->Apply(OrderEv("T404", PaymentReceived{Meta("e9", kMonday), std::nullopt}));
  ASSERT_EQ(out.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(out.status().message(), HasSubstr("order \"T404\" is unknown"));
  EXPECT_THAT(out.status().message(), HasSubstr("e9"));
  EXPECT_EQ(shop->FindOrder("T404"), nullptr);

  out = shop->Apply(TicketEv("S404", ReturnAgreed{Meta("e10", kMonday)}));
  ASSERT_EQ(out.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(out.status().message(), HasSubstr("ticket \"S404\""));
}

TEST(ShopRouting, AFailedFirstEventLeavesNoEntity) {
  auto shop = NewShop();
  OrderPlaced bad = Placed("e1", kMonday);
  bad.lines.clear();  // malformed: no line
  EXPECT_FALSE(shop->Apply(OrderEv("T1", bad)).ok());
  EXPECT_EQ(shop->FindOrder("T1"), nullptr);
  EXPECT_EQ(shop->CountStates()[0].total, 0);
}

TEST(ShopRouting, AnEventTheStateDoesNotAcceptKeepsTheMachinesError) {
  auto shop = NewShop();
  Must(*shop, OrderEv("T1", Placed("e1", kMonday)));
  absl::StatusOr<Outcome> out = shop->Apply(OrderEv("T1", Completed{Meta("e2", kMonday)}));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(shop->FindOrder("T1")->state(), "in_check");
}

TEST(ShopRouting, MalformedEnvelopeIsInvalid) {
  auto shop = NewShop();
  EXPECT_EQ(shop->Apply(OrderEv("", Placed("e1", kMonday))).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(shop->Apply(OrderEv("T1", Placed("", kMonday))).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(shop->Apply(ReplyEv("buyer", "r1", kMonday, "", "您好")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ShopRouting, SameEventIdTwiceIsADuplicateAndChangesNothing) {
  auto shop = NewShop();
  Must(*shop, OrderEv("T1", Placed("e1", kMonday)));
  absl::StatusOr<Outcome> again = shop->Apply(OrderEv("T1", Placed("e1", kMonday)));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->audit.duplicate);
  EXPECT_EQ(shop->CountStates()[0].total, 1);
}

// ORD-DUP-SHIP across orders: the second look-alike order of the same buyer
// is held at the order check (an adjustment: it moves to the suspect hold, not on).
TEST(ShopCrossEntity, OrdDupShipFindsTheLookAlikeOrderOfTheSameBuyer) {
  auto shop = NewShop();
  Must(*shop, OrderEv("T1", Placed("a1", kMonday)));
  absl::StatusOr<Outcome> first = CheckAndPass(*shop, "T1", kMonday + absl::Minutes(3));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->Find("ORD-DUP-SHIP"), nullptr);  // nothing alike yet
  EXPECT_FALSE(first->refused());
  Must(*shop, OrderEv("T2", Placed("b1", kMonday + absl::Minutes(5), "N86-case",
                                   "人民南路四段13号")));
  absl::StatusOr<Outcome> second = CheckAndPass(*shop, "T2", kMonday + absl::Minutes(20));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->refused());
  const Decision* d = second->Find("ORD-DUP-SHIP");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kAdjusted);
  EXPECT_THAT(d->Reason(Language::kEn), HasSubstr("T1"));
  EXPECT_EQ(shop->FindOrder("T2")->state(), "held_duplicate_suspect");
  EXPECT_EQ(shop->FindOrder("T1")->state(), "ready_to_ship");
}

TEST(ShopCrossEntity, OrdDupShipIgnoresOrdersNoLongerLive) {
  auto shop = NewShop();
  Must(*shop, OrderEv("T1", Placed("a1", kMonday)));
  Cancelled c;
  c.meta = Meta("a2", kMonday + absl::Minutes(1));
  c.reason = "客户不要了";
  Must(*shop, OrderEv("T1", c));
  Must(*shop, OrderEv("T2", Placed("b1", kMonday + absl::Minutes(5))));
  absl::StatusOr<Outcome> out = CheckAndPass(*shop, "T2", kMonday + absl::Minutes(20));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(out->refused());
  EXPECT_EQ(shop->FindOrder("T2")->state(), "ready_to_ship");
}

// The index follows an order's changes: once T1's second line is cancelled,
// T1 holds the same items as T2 and T2 is the look-alike.
TEST(ShopCrossEntity, OrdDupShipSeesTheItemsLeftAfterALineIsCancelled) {
  auto shop = NewShop();
  OrderPlaced two_lines = Placed("a1", kMonday);
  two_lines.lines.push_back({"N86-charger", 1, Money::Yuan(30), false});
  Must(*shop, OrderEv("T1", two_lines));
  Must(*shop, OrderEv("T3", Placed("c1", kMonday + absl::Minutes(1))));
  absl::StatusOr<Outcome> before = CheckAndPass(*shop, "T3", kMonday + absl::Minutes(2));
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->Find("ORD-DUP-SHIP"), nullptr);  // T1 has two lines: not alike

  Cancelled line;
  line.meta = Meta("a2", kMonday + absl::Minutes(3));
  line.line = 1;
  line.reason = "充电器缺货";
  Must(*shop, OrderEv("T1", line));
  Must(*shop, OrderEv("T2", Placed("b1", kMonday + absl::Minutes(5))));
  absl::StatusOr<Outcome> after = CheckAndPass(*shop, "T2", kMonday + absl::Minutes(20));
  ASSERT_TRUE(after.ok()) << after.status();
  const Decision* d = after->Find("ORD-DUP-SHIP");
  ASSERT_NE(d, nullptr);
  EXPECT_THAT(d->Reason(Language::kEn), HasSubstr("T1"));
}

// The index keeps every live order of a buyer: when one of two orders with
// the same IM name and phone leaves it, the other is still found, also by
// the phone alone.
TEST(ShopCrossEntity, OrdDupShipStillFindsTheOtherOrderOfABuyerAfterOneLeaves) {
  auto shop = NewShop();
  Must(*shop, OrderEv("T1", Placed("a1", kMonday)));
  Must(*shop, OrderEv("T2", Placed("b1", kMonday + absl::Minutes(1), "N86-screen")));
  Cancelled c;
  c.meta = Meta("a2", kMonday + absl::Minutes(2));
  c.reason = "客户不要了";
  Must(*shop, OrderEv("T1", c));

  // Alike to T1 only, which is gone.
  Must(*shop, OrderEv("T3", Placed("c1", kMonday + absl::Minutes(3))));
  absl::StatusOr<Outcome> third = CheckAndPass(*shop, "T3", kMonday + absl::Minutes(4));
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->Find("ORD-DUP-SHIP"), nullptr);

  // Alike to T2, from another IM account with the same phone.
  OrderPlaced fourth = Placed("d1", kMonday + absl::Minutes(5), "N86-screen");
  fourth.buyer.im_name = "tb_buyer_02";
  Must(*shop, OrderEv("T4", fourth));
  absl::StatusOr<Outcome> out = CheckAndPass(*shop, "T4", kMonday + absl::Minutes(6));
  ASSERT_TRUE(out.ok()) << out.status();
  const Decision* d = out->Find("ORD-DUP-SHIP");
  ASSERT_NE(d, nullptr);
  EXPECT_THAT(d->Reason(Language::kEn), HasSubstr("T2"));
}
// The index keeps buyers packed and keyed by a hash of the IM name or phone
// (issue 21): a name or phone that only starts like another's is another
// buyer's; the same phone, with no IM name, is the same buyer.
TEST(ShopCrossEntity, OrdDupShipComparesBuyersInFull) {
  auto shop = NewShop();
  Must(*shop, OrderEv("T1", Placed("a1", kMonday)));
  OrderPlaced look_alike = Placed("b1", kMonday + absl::Minutes(1), "N86-case", "人民南路四段13号");
  look_alike.buyer = {"tb_buyer_010", "138000000001"};  // T1's name and phone and one more digit
  Must(*shop, OrderEv("T2", look_alike));
  absl::StatusOr<Outcome> second = CheckAndPass(*shop, "T2", kMonday + absl::Minutes(2));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->Find("ORD-DUP-SHIP"), nullptr);
  EXPECT_EQ(shop->FindOrder("T2")->state(), "ready_to_ship");

  OrderPlaced same_phone = look_alike;
  same_phone.meta = Meta("c1", kMonday + absl::Minutes(3));
  same_phone.buyer = {"", "13800000000"};  // no IM name, T1's phone
  Must(*shop, OrderEv("T3", same_phone));
  absl::StatusOr<Outcome> third = CheckAndPass(*shop, "T3", kMonday + absl::Minutes(4));
  ASSERT_TRUE(third.ok()) << third.status();
  const Decision* d = third->Find("ORD-DUP-SHIP");
  ASSERT_NE(d, nullptr);
  EXPECT_THAT(d->Reason(Language::kEn), HasSubstr("T1"));
  EXPECT_THAT(d->Reason(Language::kEn), Not(HasSubstr("T2")));
}

// AS-DEDUP across tickets: a second open ticket for the same order and
// category is refused, naming the first.
TEST(ShopCrossEntity, AsDedupRefusesASecondOpenTicketForTheSameOrder) {
  auto shop = NewShop();
  Must(*shop, TicketEv("S1", Registered("s1", kMonday, "O-1")));
  absl::StatusOr<Outcome> out =
      shop->Apply(TicketEv("S2", Registered("s2", kMonday + absl::Hours(1), "O-1")));
  // A rule refusing is an outcome naming the rule, never an error status.
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->refused());
  EXPECT_THAT(out->Find("AS-DEDUP")->Reason(Language::kEn), HasSubstr("S1"));
  EXPECT_EQ(shop->FindTicket("S2"), nullptr);  // never created
  // Another order is fine.
  Must(*shop, TicketEv("S3", Registered("s3", kMonday + absl::Hours(1), "O-2")));
}

// AS-DEFECT across tickets and orders: the second ticket on a product flags
// it, and the next order of that product is tested before shipping.
TEST(ShopCrossEntity, AsDefectCountsTicketsPerProductAndReachesTheOrderMachine) {
  auto shop = NewShop();
  Outcome first = Must(*shop, TicketEv("S1", Registered("s1", kMonday, "O-1", "X9-phone")));
  EXPECT_EQ(first.Find("AS-DEFECT"), nullptr);
  Outcome second = Must(*shop, TicketEv("S2", Registered("s2", kMonday, "O-2", "X9-phone")));
  const Decision* d = second.Find("AS-DEFECT");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(std::get<int64_t>(d->Find("count")->value), 2);

  Must(*shop, OrderEv("T9", Placed("o1", kMonday + absl::Hours(2), "X9-phone")));
  absl::StatusOr<Outcome> pass = CheckAndPass(*shop, "T9", kMonday + absl::Hours(3));
  ASSERT_TRUE(pass.ok()) << pass.status();
  ASSERT_FALSE(pass->refused());
  bool test_action = false;
  for (const Action& a : pass->actions) {
    if (a.kind == ActionKind::kTestBeforeShipping && a.subject == "X9-phone") test_action = true;
  }
  EXPECT_TRUE(test_action);
}

TEST(ShopReplies, FindingsComeBackAsDecisionsAndArePerAgent) {
  auto shop = NewShop();
  ASSERT_TRUE(shop->Apply(ReplyEv("tb_buyer_01", "r1", kMonday, "小王", "这个不行")).ok());
  absl::StatusOr<Outcome> out =
      shop->Apply(ReplyEv("tb_buyer_01", "r2", kMonday, "小王", "亲，这个不行哦"));
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->refused());
  EXPECT_NE(out->Find("PH-NEGATION"), nullptr);
  EXPECT_NE(out->Find("PH-INTERJECTION"), nullptr);
  Must(*shop, ReplyEv("tb_buyer_02", "r3", kMonday, "小李", "您好，已为您安排发货"));
  // The same reply event again counts once.
  ASSERT_TRUE(shop->Apply(ReplyEv("tb_buyer_01", "r2", kMonday, "小王", "亲，这个不行哦"))
                  ->audit.duplicate);

  std::vector<AgentReplies> report = shop->ReplyReport();
  ASSERT_EQ(report.size(), 2u);
  EXPECT_EQ(report[0].agent, "小李");
  EXPECT_EQ(report[0].replies, 1);
  EXPECT_EQ(report[0].replies_with_findings, 0);
  EXPECT_EQ(report[1].agent, "小王");
  EXPECT_EQ(report[1].replies, 2);
  EXPECT_EQ(report[1].replies_with_findings, 2);
  int64_t negation = 0;
  for (const auto& [rule, n] : report[1].by_rule) {
    if (rule == "PH-NEGATION") negation = n;
  }
  EXPECT_EQ(negation, 2);
  ASSERT_FALSE(report[1].findings.empty());
  EXPECT_EQ(report[1].findings[0].event_id, "r1");
  EXPECT_EQ(report[1].findings[0].conversation, "tb_buyer_01");
}

TEST(ShopReplies, KeepsTheFirstFindingsPerAgentAndCountsAll) {
  ShopOptions o;
  o.max_findings_per_agent = 2;
  auto shop = Shop::Create(std::move(o)).value();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(shop->Apply(ReplyEv("b", "r" + std::to_string(i), kMonday, "小王", "这个不行"))
                    .ok());
  }
  std::vector<AgentReplies> report = shop->ReplyReport();
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0].replies_with_findings, 5);
  ASSERT_EQ(report[0].findings.size(), 2u);
  EXPECT_EQ(report[0].findings[0].event_id, "r0");
  EXPECT_EQ(report[0].findings[1].event_id, "r0");  // PH-APOLOGY and PH-NEGATION
  int64_t counted = 0;
  for (const auto& [rule, n] : report[0].by_rule) counted += n;
  EXPECT_EQ(counted, 10);
}

// Deadlines enter the queue; Due() hands each back once, in time order, and
// a finished entity's deadlines are gone.
// PH-CALLBACK: a reply that puts its answer off to a definite time is
// tracked as the conversation's deadline; the breach comes from Due when no
// answer came by then.
TEST(ShopCallback, APromisedAnswerNotGivenIsABreachAtThePromisedTime) {
  auto shop = NewShop();
  const Outcome out = Must(*shop, ReplyEv("buyer-a", "r1", kMonday, "小王",
                                          "您好，我帮您核实一下，30分钟内给您答复。"));
  const Decision* d = out.Find("PH-CALLBACK");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kScheduled);
  ASSERT_EQ(out.deadlines.size(), 1u);
  EXPECT_EQ(out.deadlines[0].rule, "PH-CALLBACK");
  EXPECT_EQ(out.deadlines[0].due, kMonday + absl::Minutes(30));
  EXPECT_TRUE(shop->Due(kMonday + absl::Minutes(29)).empty());
  std::vector<DueItem> due = shop->Due(kMonday + absl::Minutes(31));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].kind, DueItem::Kind::kBreach);
  EXPECT_EQ(due[0].rule, "PH-CALLBACK");
  EXPECT_EQ(due[0].event_id, "r1");
  EXPECT_EQ(due[0].agent, "小王");
  EXPECT_EQ(due[0].entity_kind, EntityKind::kReply);
  EXPECT_EQ(due[0].entity, "buyer-a");
  EXPECT_THAT(due[0].deadline.Describe(Language::kEn), HasSubstr("30分钟内"));
  const Figure* agent = FindFigure(due[0].deadline.figures, "agent");  // who promised
  ASSERT_NE(agent, nullptr);
  EXPECT_EQ(std::get<std::string>(agent->value), "小王");
}

TEST(ShopCallback, TheAnswerInTheSameConversationClosesThePromise) {
  auto shop = NewShop();
  Must(*shop, ReplyEv("buyer-a", "r1", kMonday, "小王", "您好，核实后明天上午10点前回复您。"));
  Must(*shop, ReplyEv("buyer-b", "r2", kMonday, "小王", "您好，核实后30分钟内回复您。"));
  // Another conversation's answer closes nothing here.
  const Outcome answer = Must(*shop, ReplyEv("buyer-a", "r3", kMonday + absl::Hours(2), "小李",
                                             "您好，已经核实，这款支持七天无理由退货。"));
  ASSERT_EQ(answer.deadlines.size(), 1u);
  EXPECT_EQ(answer.deadlines[0].op, DeadlineOp::kCancel);
  std::vector<DueItem> due = shop->Due(kMonday + absl::Hours(48));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].entity, "buyer-b");
  // A reply with nothing open cancels nothing.
  EXPECT_TRUE(Must(*shop, ReplyEv("buyer-a", "r4", kMonday + absl::Hours(48), "小李",
                                  "您好，还有什么可以帮您？"))
                  .deadlines.empty());
}

TEST(ShopCallback, ALaterPromiseMovesTheDeadlineAndFindingsDoNotStopIt) {
  auto shop = NewShop();
  Must(*shop, ReplyEv("buyer-a", "r1", kMonday, "小王", "您好，核实后30分钟内回复您。"));
  // Still checking: a new time (and a PH-ADDRESS finding for 你).
  absl::StatusOr<Outcome> later = shop->Apply(ReplyEv(
      "buyer-a", "r2", kMonday + absl::Minutes(20), "小王", "你好，还在核实，2小时内回复您。"));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_NE(later->Find("PH-ADDRESS"), nullptr);
  EXPECT_NE(later->Find("PH-CALLBACK"), nullptr);
  EXPECT_TRUE(shop->Due(kMonday + absl::Hours(2)).empty());
  std::vector<DueItem> due = shop->Due(kMonday + absl::Hours(3));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].at, kMonday + absl::Minutes(20) + absl::Hours(2));
  // The breach carries the event that last set the deadline.
  EXPECT_EQ(due[0].event_id, "r2");
  EXPECT_EQ(due[0].agent, "小王");
}

TEST(ShopCallback, ADeferralWithoutATimeIsAFindingAndNothingIsTracked) {
  auto shop = NewShop();
  absl::StatusOr<Outcome> out =
      shop->Apply(ReplyEv("buyer-a", "r1", kMonday, "小王", "您好，我帮您问一下。"));
  ASSERT_TRUE(out.ok()) << out.status();
  const Decision* d = out->Find("PH-CALLBACK");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kRefused);
  EXPECT_TRUE(out->deadlines.empty());
  EXPECT_EQ(shop->PendingDeadlines(), 0u);
}

TEST(ShopCallback, AWrongAnswerFoundAsksForACallBack) {
  auto shop = NewShop();
  WrongAnswerFound w;
  w.meta = Meta("w1", kMonday, "组长");
  w.wrong = "这款不支持退货";
  w.correct = "支持七天无理由退货";
  w.answered_by = "小王";
  w.customer = "13800000000";
  const Outcome out = Must(*shop, ShopEvent{"buyer-a", ReplyEvent{w}});
  const Decision* d = out.Find("PH-CALLBACK");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->verdict, Verdict::kScheduled);
  ASSERT_EQ(out.actions.size(), 1u);
  const Action& call = out.actions[0];
  EXPECT_EQ(call.kind, ActionKind::kCall);
  EXPECT_EQ(call.rule, "PH-CALLBACK");
  EXPECT_EQ(call.assignee, "小王");
  EXPECT_EQ(call.subject, "13800000000");
  ASSERT_TRUE(call.due.has_value());
  EXPECT_EQ(*call.due, kMonday + absl::Minutes(30));
  EXPECT_THAT(call.Describe(Language::kZh), HasSubstr("支持七天无理由退货"));
  // The call comes out of Due when it is due, once.
  EXPECT_TRUE(shop->Due(kMonday + absl::Minutes(29)).empty());
  std::vector<DueItem> due = shop->Due(kMonday + absl::Minutes(30));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].kind, DueItem::Kind::kAction);
  EXPECT_EQ(due[0].action.assignee, "小王");
  // The event that scheduled the call: the finding, by the team lead.
  EXPECT_EQ(due[0].event_id, "w1");
  EXPECT_EQ(due[0].agent, "组长");
  // The same event again is a duplicate and schedules nothing more.
  absl::StatusOr<Outcome> again = shop->Apply(ShopEvent{"buyer-a", ReplyEvent{w}});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->audit.duplicate);
  EXPECT_TRUE(shop->Due(kMonday + absl::Hours(24)).empty());
}

TEST(ShopCallback, AWrongAnswerNeedsWhatWasWrongAndDefaultsToTheFinder) {
  auto shop = NewShop();
  WrongAnswerFound w;
  w.meta = Meta("w1", kMonday, "小李");
  EXPECT_EQ(shop->Apply(ShopEvent{"buyer-a", ReplyEvent{w}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  w.wrong = "明天到货";
  const Outcome out = Must(*shop, ShopEvent{"buyer-a", ReplyEvent{w}});
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_EQ(out.actions[0].assignee, "小李");
  EXPECT_EQ(out.actions[0].subject, "buyer-a");
}

TEST(ShopCallback, TheRuleComesFromTheChecker) {
  ReplyCheckerOptions rc;
  rc.callback.call_back_within = absl::ZeroDuration();
  ShopOptions o;
  o.reply_checker = std::make_shared<const ReplyChecker>(*ReplyChecker::Create(rc));
  auto shop = *Shop::Create(std::move(o));
  WrongAnswerFound w;
  w.meta = Meta("w1", kMonday, "小李");
  w.wrong = "明天到货";
  const Outcome out = Must(*shop, ShopEvent{"buyer-a", ReplyEvent{w}});
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_FALSE(out.actions[0].due.has_value());  // due now
  rc.callback.enabled = false;
  ShopOptions off;
  off.reply_checker = std::make_shared<const ReplyChecker>(*ReplyChecker::Create(rc));
  auto quiet = *Shop::Create(std::move(off));
  EXPECT_TRUE(Must(*quiet, ReplyEv("buyer-a", "r1", kMonday, "小王", "您好，核实后30分钟内回复您。"))
                  .deadlines.empty());
  const Outcome recorded = Must(*quiet, ShopEvent{"buyer-a", ReplyEvent{w}});
  EXPECT_TRUE(recorded.actions.empty());
  EXPECT_TRUE(recorded.decisions.empty());
}

// Due's items are in time order whether one shard or several returned them.
TEST(ShopDeadlines, DueIsInTimeOrderFromOneShardAndFromMany) {
  for (int shards : {1, 4}) {
    auto shop = NewShop(shards);
    for (int i = 0; i < 40; ++i) {
      const int minutes = 10 + (i * 37) % 200;  // scrambled
      Must(*shop, ReplyEv("buyer-" + std::to_string(i), "r" + std::to_string(i), kMonday, "小王",
                          "您好，核实后" + std::to_string(minutes) + "分钟内回复您。"));
    }
    std::vector<DueItem> due = shop->Due(kMonday + absl::Hours(5));
    ASSERT_EQ(due.size(), 40u) << shards;
    for (size_t i = 1; i < due.size(); ++i) {
      ASSERT_LE(due[i - 1].at, due[i].at) << shards << " shards, item " << i;
    }
  }
}

// 60 promises over 8 distinct due times, so that many items tie across
// shards; then the backlog in slices of several sizes against one call.
std::unique_ptr<Shop> ShopWithPromises(int shards) {
  auto shop = NewShop(shards);
  for (int i = 0; i < 60; ++i) {
    const int minutes = 10 + (i * 3 % 8) * 15;
    Must(*shop, ReplyEv("buyer-" + std::to_string(i), "r" + std::to_string(i), kMonday, "小王",
                        "您好，核实后" + std::to_string(minutes) + "分钟内回复您。"));
  }
  return shop;
}

std::vector<std::string> Describe(const std::vector<DueItem>& items) {
  std::vector<std::string> out;
  for (const DueItem& d : items) {
    out.push_back(d.entity + " " + std::string(d.rule) + " " + std::string(DueKindName(d.kind)) +
                  " " + FormatTimestamp(d.at));
  }
  return out;
}

// "Everything that will ever fall due": InfiniteFuture is a time like any
// other (it once spun for ever once a shard's queue was empty, because an
// empty queue's bound is the largest time, which it equals).
TEST(ShopDeadlines, DueAtInfiniteFutureReturnsEverythingOnce) {
  for (int shards : {1, 4, 16}) {
    auto reference = ShopWithPromises(shards);
    const std::vector<DueItem> whole = reference->Due(kMonday + absl::Hours(5));
    auto shop = ShopWithPromises(shards);
    const std::vector<DueItem> all = shop->Due(absl::InfiniteFuture());
    EXPECT_EQ(Describe(all), Describe(whole)) << shards << " shards";
    EXPECT_TRUE(shop->Due(absl::InfiniteFuture()).empty()) << shards << " shards";
  }
  auto empty = NewShop(8);
  EXPECT_TRUE(empty->Due(absl::InfiniteFuture()).empty());
}

TEST(ShopDeadlines, DueInSlicesIsOneCallCutIntoPieces) {
  const Timestamp later = kMonday + absl::Hours(5);
  for (int shards : {1, 4, 16}) {
    auto reference = ShopWithPromises(shards);  // its rule ids must outlive `whole`
    const std::vector<DueItem> whole = reference->Due(later);
    ASSERT_EQ(whole.size(), 60u);
    for (size_t slice : {size_t{1}, size_t{7}, size_t{60}, size_t{1000}}) {
      auto shop = ShopWithPromises(shards);
      std::vector<DueItem> pieces;
      for (;;) {
        const size_t before = pieces.size();
        const size_t got = shop->Due(later, slice, &pieces);
        ASSERT_EQ(pieces.size(), before + got);
        ASSERT_LE(got, slice);
        if (got < slice) break;
      }
      EXPECT_EQ(Describe(pieces), Describe(whole)) << shards << " shards, slices of " << slice;
      EXPECT_TRUE(shop->Due(later + absl::Hours(1)).empty()) << "exactly once";
    }
  }
}

TEST(ShopDeadlines, DueSliceLeavesTheRestDue) {
  auto shop = ShopWithPromises(4);
  std::vector<DueItem> out;
  EXPECT_EQ(shop->Due(kMonday + absl::Hours(5), 0, &out), 0u);
  EXPECT_EQ(shop->Due(kMonday, 10, &out), 0u);  // nothing due yet
  EXPECT_TRUE(out.empty());
  // Appends after what the vector holds; the earliest 25 first.
  out.emplace_back();
  EXPECT_EQ(shop->Due(kMonday + absl::Hours(5), 25, &out), 25u);
  ASSERT_EQ(out.size(), 26u);
  EXPECT_TRUE(out[0].entity.empty());
  const std::vector<DueItem> rest = shop->Due(kMonday + absl::Hours(5));
  ASSERT_EQ(rest.size(), 35u);
  EXPECT_LE(out.back().at, rest.front().at);
}

TEST(ShopDeadlines, ForEachDuePassesWhatOneDueCallReturns) {
  const Timestamp later = kMonday + absl::Hours(5);
  for (int shards : {1, 4, 16}) {
    auto reference = ShopWithPromises(shards);
    const std::vector<DueItem> whole = reference->Due(later);
    ASSERT_EQ(whole.size(), 60u);
    auto shop = ShopWithPromises(shards);
    std::vector<DueItem> seen;
    EXPECT_EQ(shop->ForEachDue(kMonday, [&](const DueItem& d) { seen.push_back(d); }), 0u);
    const size_t n = shop->ForEachDue(later, [&](const DueItem& d) { seen.push_back(d); });
    EXPECT_EQ(n, 60u);
    EXPECT_EQ(Describe(seen), Describe(whole)) << shards << " shards";
    // The promise figures and the agent who promised come through too.
    for (size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i].deadline.Describe(), whole[i].deadline.Describe()) << i;
    }
    EXPECT_EQ(shop->ForEachDue(later + absl::Hours(1), [&](const DueItem&) {}), 0u)
        << "exactly once";
    EXPECT_TRUE(shop->Due(later + absl::Hours(1)).empty());
  }
}

TEST(ShopDeadlines, ForEachDueThatThrowsHasDeliveredTheItemsItWasPassed) {
  const Timestamp later = kMonday + absl::Hours(5);
  auto reference = ShopWithPromises(4);
  const std::vector<std::string> whole = Describe(reference->Due(later));
  auto shop = ShopWithPromises(4);
  std::vector<DueItem> seen;
  EXPECT_THROW(shop->ForEachDue(later,
                                [&](const DueItem& d) {
                                  seen.push_back(d);
                                  if (seen.size() == 3) throw std::runtime_error("host failed");
                                }),
               std::runtime_error);
  ASSERT_EQ(seen.size(), 3u);
  // The rest come next, in order, and nothing twice; the shop still works.
  const std::vector<DueItem> rest = shop->Due(later);
  seen.insert(seen.end(), rest.begin(), rest.end());
  EXPECT_EQ(Describe(seen), whole);
  Must(*shop, ReplyEv("buyer-x", "rx", later, "小王", "您好，核实后10分钟内回复您。"));
  EXPECT_EQ(shop->Due(later + absl::Minutes(10)).size(), 1u);
}

TEST(ShopDeadlines, DueReturnsEachDeadlineOnceAndForgetsFinishedEntities) {
  auto shop = NewShop();
  Outcome reg = Must(*shop, TicketEv("S1", Registered("s1", kMonday, "O-1")));
  Must(*shop, TicketEv("S2", Registered("s2", kMonday, "O-2")));
  ASSERT_FALSE(reg.deadlines.empty());
  EXPECT_GT(shop->PendingDeadlines(), 0u);
  EXPECT_TRUE(shop->Due(kMonday).empty());

  TicketRejected rejected;
  rejected.meta = Meta("s2-x", kMonday + absl::Hours(1));
  rejected.reason = "不符合售后条件";
  Must(*shop, TicketEv("S2", rejected));

  std::vector<DueItem> due = shop->Due(kMonday + absl::Hours(24 * 30));
  ASSERT_FALSE(due.empty());
  for (size_t i = 1; i < due.size(); ++i) EXPECT_LE(due[i - 1].at, due[i].at);
  for (const DueItem& d : due) {
    EXPECT_EQ(d.entity, "S1") << d.rule;  // S2 was rejected: moot
    EXPECT_EQ(d.entity_kind, EntityKind::kTicket);
    EXPECT_EQ(d.event_id, "s1") << d.rule;  // set by the registration
    EXPECT_EQ(d.agent, "小王") << d.rule;
  }
  bool breach = false;
  for (const DueItem& d : due) breach |= d.kind == DueItem::Kind::kBreach;
  EXPECT_TRUE(breach);
  EXPECT_TRUE(shop->Due(kMonday + absl::Hours(24 * 60)).empty());  // exactly once
}

// The team ledger counts an order on its day until the order is
// cancelled: one line of two cancelled leaves it counted, the last line
// uncounts it, and a loaded copy of the shop counts the same.
TEST(ShopTeam, AnOrderCountsUntilItIsCancelledWhole) {
  auto shop = NewShop();
  const LocalDay monday(2026, 11, 2);
  OrderPlaced two = Placed("T1.0", kMonday);
  two.lines.push_back({"N86-screen", 1, Money::Yuan(40), false});
  ASSERT_TRUE(shop->Apply(OrderEv("T1", two)).ok());
  ASSERT_TRUE(shop->Apply(OrderEv("T2", Placed("T2.0", kMonday))).ok());
  EXPECT_EQ(shop->Team().OrdersOn(monday), 2);
  Cancelled line{Meta("T1.1", kMonday + absl::Minutes(5)), 0, "买家申请取消"};
  absl::StatusOr<Outcome> first = shop->Apply(OrderEv("T1", line));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->audit.state_after, "in_check");
  EXPECT_EQ(shop->Team().OrdersOn(monday), 2);
  line.meta = Meta("T1.2", kMonday + absl::Minutes(6));
  line.line = 1;
  absl::StatusOr<Outcome> last = shop->Apply(OrderEv("T1", line));
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->audit.state_after, "cancelled");
  EXPECT_EQ(shop->Team().OrdersOn(monday), 1);
  absl::StatusOr<std::unique_ptr<Shop>> loaded = Shop::Load(shop->Save());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->Team().OrdersOn(monday), 1);
}

TEST(ShopQueries, CountStatesAndWeeklyReport) {
  auto shop = NewShop();
  Must(*shop, OrderEv("T1", Placed("a1", kMonday)));
  Must(*shop, OrderEv("T2", Placed("b1", kMonday, "charger", "幸福路1号")));
  Must(*shop, TicketEv("S1", Registered("s1", kMonday, "O-1")));
  std::vector<StateCounts> counts = shop->CountStates();
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].kind, EntityKind::kOrder);
  EXPECT_EQ(counts[0].total, 2);
  EXPECT_EQ(counts[0].by_state.at("in_check"), 2);
  EXPECT_EQ(counts[1].total, 1);
  EXPECT_EQ(counts[2].total, 0);

  absl::StatusOr<WeeklyReport> week = shop->WeeklyTicketReport(LocalDay(2026, 11, 7));
  ASSERT_TRUE(week.ok()) << week.status();
  EXPECT_EQ(week->tickets, 1);
}

}  // namespace
}  // namespace kefu
