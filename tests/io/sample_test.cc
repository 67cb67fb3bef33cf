// Tests of the sample shop week (tools/sample/sample.h): determinism, order,
// unique ids, option checks, and a replay of the default week through the
// machines wired as the shop engine wires them.
#include "sample/sample.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "engine/team_member.h"
#include "kefu/engine/shop.h"
#include "kefu/io/events.h"
#include "kefu/machines/live_orders.h"
#include "kefu/machines/open_tickets.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"
#include "kefu/machines/ticket_defects.h"
#include "kefu/text/reply_checker.h"

namespace kefu {
namespace {

std::vector<std::string> Lines(const SampleOptions& options) {
  std::vector<std::string> lines;
  absl::Status s = GenerateSample(options, [&](const ShopEvent& e) {
    lines.push_back(FormatEvent(e));
  });
  EXPECT_TRUE(s.ok()) << s;
  return lines;
}

SampleOptions Small(uint64_t seed) {
  SampleOptions o;
  o.days = 3;
  o.orders_per_day = 60;
  o.seed = seed;
  return o;
}

TEST(Sample, SameOptionsGiveTheSameEventsByteForByte) {
  const std::vector<std::string> a = Lines(Small(7));
  const std::vector<std::string> b = Lines(Small(7));
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
}

TEST(Sample, DifferentSeedsGiveDifferentWeeks) {
  EXPECT_NE(Lines(Small(1)), Lines(Small(2)));
}

TEST(Sample, EventsComeInTimeOrderInsideTheWindowWithUniqueIds) {
  const SampleOptions o;  // the default week
  const Timestamp end = o.start + absl::Hours(24) * o.days;
  Timestamp last = absl::InfinitePast();
  std::set<std::string> ids;
  size_t n = 0, out_of_order = 0, outside = 0, duplicates = 0, empty_keys = 0;
  ASSERT_TRUE(GenerateSample(o, [&](const ShopEvent& e) {
                const EventMeta& m = MetaOf(e);
                if (m.at < last) ++out_of_order;
                if (m.at < o.start || m.at >= end) ++outside;
                if (!ids.insert(m.id).second) ++duplicates;
                if (e.key.empty() || m.id.empty()) ++empty_keys;
                last = m.at;
                ++n;
              }).ok());
  EXPECT_GT(n, 10000u);
  EXPECT_EQ(out_of_order, 0u);
  EXPECT_EQ(outside, 0u);
  EXPECT_EQ(duplicates, 0u);
  EXPECT_EQ(empty_keys, 0u);
}

TEST(Sample, MostEventsFallInBusinessHours) {
  const SampleOptions o;
  size_t n = 0, daytime = 0;
  ASSERT_TRUE(GenerateSample(o, [&](const ShopEvent& e) {
                const int64_t s = absl::ToInt64Seconds(MetaOf(e).at - o.start) % 86400;
                if (s >= 8 * 3600 && s < 22 * 3600) ++daytime;
                ++n;
              }).ok());
  EXPECT_GT(daytime * 100, n * 85);
}

TEST(Sample, BadOptionsAreInvalidArgumentAndEmitNothing) {
  size_t n = 0;
  auto count = [&](const ShopEvent&) { ++n; };
  SampleOptions o;
  o.days = 0;
  EXPECT_EQ(GenerateSample(o, count).code(), absl::StatusCode::kInvalidArgument);
  o = SampleOptions();
  o.orders_per_day = -5;
  EXPECT_EQ(GenerateSample(o, count).code(), absl::StatusCode::kInvalidArgument);
  o = SampleOptions();
  o.start = absl::InfinitePast();
  EXPECT_EQ(GenerateSample(o, count).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(n, 0u);
}

TEST(Sample, EveryKindAndChannelIsThere) {
  std::map<std::string, int> kinds, channels, payments;
  ASSERT_TRUE(GenerateSample(SampleOptions(), [&](const ShopEvent& e) {
                ++kinds[std::string(EntityKindName(e.kind()))];
                if (const auto* o = std::get_if<OrderEvent>(&e.event)) {
                  if (const auto* p = std::get_if<OrderPlaced>(o)) {
                    ++channels[std::string(ChannelName(p->channel))];
                    ++payments[std::string(PaymentMethodName(p->payment))];
                  }
                }
              }).ok());
  for (const char* k : {"order", "ticket", "review", "reply", "team"}) {
    EXPECT_GT(kinds[k], 0) << k;
  }
  for (const char* c : {"taobao", "tmall", "website"}) EXPECT_GT(channels[c], 0) << c;
  for (const char* p : {"platform", "cash_on_delivery", "bank_transfer", "alipay_transfer",
                        "online_banking"}) {
    EXPECT_GT(payments[p], 0) << p;
  }
}

// InMemoryLiveOrders scans every live order per query; for the large
// week, the same answers from an index by IM name and by phone.
class IndexedLiveOrders final : public LiveOrders {
 public:
  void Update(const Order& order) {
    Remove(std::string(order.id()));
    if (!order.live()) return;
    LiveOrder o{std::string(order.id()), order.data().buyer, ItemsKey(order.data().lines),
                order.data().address.Full()};
    if (!o.buyer.im_name.empty()) by_im_[o.buyer.im_name].insert(o.order_id);
    if (!o.buyer.phone.empty()) by_phone_[o.buyer.phone].insert(o.order_id);
    orders_.emplace(o.order_id, std::move(o));
  }
  void ForEachLiveOrder(const Buyer& buyer,
                        absl::FunctionRef<void(const LiveOrder&)> fn) const override {
    std::set<std::string> ids;
    if (auto it = by_im_.find(buyer.im_name); !buyer.im_name.empty() && it != by_im_.end()) {
      ids.insert(it->second.begin(), it->second.end());
    }
    if (auto it = by_phone_.find(buyer.phone); !buyer.phone.empty() && it != by_phone_.end()) {
      ids.insert(it->second.begin(), it->second.end());
    }
    for (const std::string& id : ids) fn(orders_.at(id));
  }

 private:
  void Remove(const std::string& id) {
    auto it = orders_.find(id);
    if (it == orders_.end()) return;
    by_im_[it->second.buyer.im_name].erase(id);
    by_phone_[it->second.buyer.phone].erase(id);
    orders_.erase(it);
  }
  std::map<std::string, LiveOrder> orders_;
  std::map<std::string, std::set<std::string>> by_im_, by_phone_;
};

// The default week applied to the machines as the engine applies it: every
// event applies without an error status; the planted refusals happen.
class Replay {
 public:
  explicit Replay(bool indexed = false) : indexed_(indexed), checker_(*ReplyChecker::Default()) {
    if (indexed_) {
      order_env_.live_orders = &indexed_live_orders_;
    } else {
      order_env_.live_orders = &live_orders_;
    }
    order_env_.product_tests = &defects_;
    ticket_env_.open_tickets = &open_tickets_;
    team_env_.ledger = &ledger_;
  }

  void Apply(const ShopEvent& e) {
    ++events_;
    absl::StatusOr<Outcome> out;
    switch (e.kind()) {
      case EntityKind::kOrder: {
        Order& o = orders_.try_emplace(e.key, e.key).first->second;
        out = o.Apply(std::get<OrderEvent>(e.event), order_env_);
        if (out.ok()) indexed_ ? indexed_live_orders_.Update(o) : live_orders_.Update(o);
        break;
      }
      case EntityKind::kTicket: {
        Ticket& t = tickets_.try_emplace(e.key, e.key).first->second;
        const bool registering = std::holds_alternative<TicketRegistered>(
            std::get<TicketEvent>(e.event));
        // SH-HANDOVER, as the Shop does: registered while its agent takes
        // over a shift, the ticket is the outgoing agent's.
        TicketEnvironment env = ticket_env_;
        std::optional<HandoverCase> handover;
        if (registering) handover = ledger_.TakingOver(MetaOf(e).agent, MetaOf(e).at);
        if (handover.has_value()) env.handover = &*handover;
        out = t.Apply(std::get<TicketEvent>(e.event), env);
        if (out.ok()) {
          open_tickets_.Update(t);
          if (registering && !out->refused()) {
            for (const Decision& d : defects_.Record(t).decisions) ++decisions_[std::string(d.rule)];
          }
        }
        break;
      }
      case EntityKind::kTeam: {
        // The team entities, judged through a ledger as the Shop does.
        internal::TeamMember& m = team_.try_emplace(e.key, e.key).first->second;
        out = m.Apply(std::get<TeamEvent>(e.event), team_env_);
        break;
      }
      case EntityKind::kReview: {
        Review& r = reviews_.try_emplace(e.key, e.key).first->second;
        out = r.Apply(std::get<ReviewEvent>(e.event), review_env_);
        break;
      }
      case EntityKind::kReply: {
        const ReplyEvent& event = std::get<ReplyEvent>(e.event);
        if (std::holds_alternative<BuyerMessaged>(event)) {
          ++buyer_messages_;
          return;
        }
        const auto* reply = std::get_if<ReplyPosted>(&event);
        if (reply == nullptr) {
          ++wrong_answers_;
          return;
        }
        const std::vector<Finding> f = checker_.Check(reply->text);
        ++replies_;
        if (!f.empty()) ++flagged_replies_;
        for (const Finding& x : f) ++findings_[x.rule_id];
        return;
      }
    }
    if (!out.ok()) {
      if (errors_.size() < 20) {
        errors_.push_back(std::string(EntityKindName(e.kind())) + " " + MetaOf(e).id + " " +
                          std::string(EventName(e)) + ": " + std::string(out.status().message()));
      }
      ++error_count_;
      return;
    }
    if (out->audit.duplicate) ++duplicates_;
    for (const Deadline& d : out->deadlines) ++deadlines_[std::string(d.rule)];
    for (const Decision& d : out->decisions) {
      ++decisions_[std::string(d.rule)];
      if (d.verdict == Verdict::kRefused) ++refusals_[std::string(d.rule)];
      if (d.verdict == Verdict::kAdjusted) ++adjusted_[std::string(d.rule)];
    }
  }

  size_t events_ = 0, error_count_ = 0, duplicates_ = 0, replies_ = 0, flagged_replies_ = 0,
         wrong_answers_ = 0, buyer_messages_ = 0;
  std::vector<std::string> errors_;
  std::map<std::string, int> decisions_, refusals_, adjusted_, deadlines_, findings_;
  std::map<std::string, Order> orders_;
  std::map<std::string, Ticket> tickets_;
  std::map<std::string, Review> reviews_;
  std::map<std::string, internal::TeamMember> team_;
  TeamLedger ledger_;

 private:
  bool indexed_;
  InMemoryLiveOrders live_orders_;
  IndexedLiveOrders indexed_live_orders_;
  InMemoryOpenTickets open_tickets_;
  DefectCounter defects_;
  OrderEnvironment order_env_;
  TicketEnvironment ticket_env_;
  ReviewEnvironment review_env_;
  internal::TeamEnvironment team_env_;
  ReplyChecker checker_;
};

TEST(Sample, TheDefaultWeekAppliesToTheMachinesWithTheRefusalsItPlants) {
  Replay replay;
  ASSERT_TRUE(GenerateSample(SampleOptions(), [&](const ShopEvent& e) { replay.Apply(e); }).ok());
  EXPECT_EQ(replay.error_count_, 0u) << testing::PrintToString(replay.errors_);
  EXPECT_EQ(replay.duplicates_, 0u);

  // Refusals planted, each followed by what the shop does next.
  for (const char* rule : {"ORD-VERIFY", "ORD-DUP-SHIP", "ORD-EXCEPTION", "ORD-POSTAGE-SUPP",
                           "ORD-INVOICE", "ORD-MALL-COMP", "AS-POSTAGE-CAP", "AS-EVIDENCE",
                           "AS-PREFER-EXCHANGE", "AS-RECEIVE", "AS-REGISTER",
                           "RV-CONTACT-LIMIT", "RV-REMEDY"}) {
    EXPECT_GT(replay.refusals_[rule], 0) << rule;
  }
  // Adjustments: held duplicates, capped return postage, capped supplements.
  for (const char* rule : {"ORD-DUP-SHIP", "AS-POSTAGE-CAP", "ORD-POSTAGE-SUPP", "ORD-FIX"}) {
    EXPECT_GT(replay.adjusted_[rule], 0) << rule;
  }
  // Rules that decide without refusing.
  for (const char* rule : {"ORD-FIN-CHECK", "ORD-OOS-NOTIFY", "ORD-CANCEL-REG", "ORD-EXCEPTION",
                           "AS-RETURN-WINDOW", "AS-DEFECT", "AS-QUALITY", "AS-RESALE",
                           "AS-HANDOFF", "AS-REFUND-RECORD", "RV-PROMISE", "RV-SCHEDULE",
                           "RV-DAILY", "RV-CHANNEL"}) {
    EXPECT_GT(replay.decisions_[rule], 0) << rule;
  }
  // Deadlines the week sets.
  for (const char* rule : {"ORD-F2-HOLD", "ORD-UNSHIPPED", "AS-RESOLVE", "AS-TRACK",
                           "AS-RETURN-WINDOW", "AS-RESALE", "RV-DAILY", "RV-PROMISE",
                           "RV-SCHEDULE"}) {
    EXPECT_GT(replay.deadlines_[rule], 0) << rule;
  }
  // Refusals are a small share of the decisions.
  int refusals = 0;
  for (const auto& [rule, n] : replay.refusals_) refusals += n;
  EXPECT_LT(static_cast<size_t>(refusals) * 50, replay.events_);

  // States reached.
  std::map<std::string, int> order_states, ticket_states, review_states;
  for (const auto& [k, o] : replay.orders_) ++order_states[std::string(o.state())];
  for (const auto& [k, t] : replay.tickets_) ++ticket_states[std::string(t.state())];
  for (const auto& [k, r] : replay.reviews_) ++review_states[std::string(r.state())];
  for (const char* s : {"shipped", "delivered", "completed", "cancelled"}) {
    EXPECT_GT(order_states[s], 0) << s;
  }
  for (const char* s : {"closed", "rejected"}) EXPECT_GT(ticket_states[s], 0) << s;
  for (const char* s : {"revised", "unresolved"}) EXPECT_GT(review_states[s], 0) << s;

  // About a fifth of the replies break a PH rule.
  ASSERT_GT(replay.replies_, 100u);
  EXPECT_GT(replay.flagged_replies_ * 100, replay.replies_ * 10);
  EXPECT_LT(replay.flagged_replies_ * 100, replay.replies_ * 30);
  for (const char* rule : {"PH-NEGATION", "PH-ADDRESS", "PH-INTERJECTION", "PH-APOLOGY",
                           "PH-PRIVACY", "PH-IGNORANCE", "PH-CALLBACK"}) {
    EXPECT_GT(replay.findings_[rule], 0) << rule;
  }
  EXPECT_GT(replay.wrong_answers_, 0u);
  EXPECT_GT(replay.buyer_messages_, 0u);  // before the replies (issue 20)
  // The team (issue 20): a swap asked without approval (SH-HANDOVER) and a
  // score by an agent (FB-ROLES) refused; late arrivals and seats left
  // without a handover are findings; scores, exams and reports upward.
  EXPECT_EQ(replay.refusals_["FB-ROLES"], 1);
  EXPECT_GE(replay.refusals_["SH-HANDOVER"], 2);
  EXPECT_GT(replay.refusals_["SH-COVERAGE"], 0);
  EXPECT_EQ(replay.decisions_["KPI-SCORE"], 24);
  EXPECT_EQ(replay.decisions_["KPI-EXAM"], 2);
  EXPECT_EQ(replay.decisions_["FB-REPORT"], 4);
  ASSERT_EQ(replay.team_.size(), 4u);
  for (const auto& [agent, m] : replay.team_) {
    EXPECT_EQ(m.data().shifts, 7) << agent;  // every agent works every day
  }
  std::string summary = "events " + std::to_string(replay.events_) + "\nrefused:";
  for (const auto& [rule, n] : replay.refusals_) summary += " " + rule + "=" + std::to_string(n);
  summary += "\nadjusted:";
  for (const auto& [rule, n] : replay.adjusted_) summary += " " + rule + "=" + std::to_string(n);
  RecordProperty("summary", summary);
  std::printf("%s\n", summary.c_str());
}

TEST(Sample, OtherSeedsAndSizesApplyWithoutErrorsToo) {
  for (uint64_t seed : {2, 3, 4, 5, 6, 1234567}) {
    SampleOptions o;
    o.seed = seed;
    o.days = static_cast<int>(2 + seed % 9);
    o.orders_per_day = static_cast<int>(40 + seed % 5 * 90);
    Replay replay;
    ASSERT_TRUE(GenerateSample(o, [&](const ShopEvent& e) { replay.Apply(e); }).ok());
    EXPECT_EQ(replay.error_count_, 0u) << "seed " << seed << ": "
                                       << testing::PrintToString(replay.errors_);
  }
}

// The same week through the shop engine itself.
TEST(Sample, TheDefaultWeekAppliesToTheShopEngine) {
  auto shop = Shop::Create();
  ASSERT_TRUE(shop.ok()) << shop.status();
  size_t events = 0, errors = 0, refused = 0;
  std::vector<std::string> first_errors;
  const SampleOptions o;
  ASSERT_TRUE(GenerateSample(o, [&](const ShopEvent& e) {
                ++events;
                absl::StatusOr<Outcome> out = (*shop)->Apply(e);
                if (!out.ok()) {
                  if (++errors <= 10) first_errors.push_back(MetaOf(e).id + ": " +
                                                             std::string(out.status().message()));
                } else if (out->refused()) {
                  ++refused;
                }
              }).ok());
  EXPECT_EQ(errors, 0u) << testing::PrintToString(first_errors);
  EXPECT_GT(refused, 50u);
  EXPECT_LT(refused * 50, events);
  EXPECT_FALSE((*shop)->Due(o.start + absl::Hours(24) * o.days).empty());
}

// SH-HANDOVER in the sample: a ticket registered by an agent taking over
// a shift is the outgoing agent's, and the week has the outgoing agent act
// on it. Through the shop engine, a week of 300 orders a day has such
// a ticket (one with the default seed), none refused by AS-OWNER.
TEST(Sample, TicketsRaisedDuringAHandoverStayWithTheOutgoingAgent) {
  auto shop = Shop::Create();
  ASSERT_TRUE(shop.ok()) << shop.status();
  SampleOptions o;
  o.orders_per_day = 300;
  size_t errors = 0;
  int handed = 0, owner_refused = 0;
  std::vector<std::string> handed_keys;
  ASSERT_TRUE(GenerateSample(o, [&](const ShopEvent& e) {
                absl::StatusOr<Outcome> out = (*shop)->Apply(e);
                if (!out.ok()) {
                  ++errors;
                  return;
                }
                for (const Decision& d : out->decisions) {
                  if (d.rule == "SH-HANDOVER" && d.verdict == Verdict::kAllowed &&
                      e.kind() == EntityKind::kTicket) {
                    ++handed;
                    handed_keys.push_back(e.key);
                  }
                  if (d.rule == "AS-OWNER" && d.verdict == Verdict::kRefused) ++owner_refused;
                }
              }).ok());
  EXPECT_EQ(errors, 0u);
  EXPECT_GE(handed, 1);
  EXPECT_EQ(owner_refused, 0);
  for (const std::string& key : handed_keys) {
    const Ticket* t = (*shop)->FindTicket(key);
    ASSERT_NE(t, nullptr) << key;
    EXPECT_NE(t->data().owner, t->data().registered_by) << key;
  }
}

// The million-event week of the replay benchmark; slow, so only on request:
// KEFU_SAMPLE_ORDERS_PER_DAY=13000 build/.../sample_test --gtest_filter=*Large*
TEST(Sample, LargeWeekAppliesWithoutErrorsOnRequest) {
  const char* env = std::getenv("KEFU_SAMPLE_ORDERS_PER_DAY");
  if (env == nullptr) GTEST_SKIP() << "set KEFU_SAMPLE_ORDERS_PER_DAY to run";
  SampleOptions o;
  o.orders_per_day = std::atoi(env);
  Replay replay(/*indexed=*/true);
  ASSERT_TRUE(GenerateSample(o, [&](const ShopEvent& e) { replay.Apply(e); }).ok());
  EXPECT_EQ(replay.error_count_, 0u) << testing::PrintToString(replay.errors_);
  std::printf("%zu events, %zu replies (%zu flagged)\n", replay.events_, replay.replies_,
              replay.flagged_replies_);
}

}  // namespace
}  // namespace kefu
