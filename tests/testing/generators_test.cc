// The kit's rapidcheck generators (issue 23): the streams they draw are
// valid (a Shop applies every event without an error status), and the
// invariants a shop would check with them hold under the catalogue's rules.
#include "kefu/testing/generators.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/io/policy_pack.h"
#include "kefu/testing/testing.h"
#include "rapidcheck/gtest.h"

namespace kefu::testing {
namespace {

// The defaults, with one reply checker built once for every shop a property
// makes (building it is the costly part of Shop::Create).
const ShopOptions& Options() {
  static const auto* options = new ShopOptions(PolicyPack::Defaults().shop_options());
  return *options;
}

std::unique_ptr<Shop> NewShop() {
  absl::StatusOr<std::unique_ptr<Shop>> shop = Shop::Create(Options());
  RC_ASSERT(shop.ok());
  return *std::move(shop);
}

// Applies every event; each must be an outcome, not an error status.
std::vector<Outcome> ApplyAll(Shop& shop, const std::vector<ShopEvent>& events) {
  std::vector<Outcome> out;
  for (const ShopEvent& e : events) {
    absl::StatusOr<Outcome> r = shop.Apply(e);
    RC_ASSERT(r.ok());
    out.push_back(*std::move(r));
  }
  return out;
}

RC_GTEST_PROP(ValidOrderEvents, EveryEventAppliesToAShop, ()) {
  const std::vector<ShopEvent> events = *ValidOrderEvents("T1", Options());
  RC_ASSERT(!events.empty());
  RC_ASSERT(EventName(events.front()) == "placed");
  RC_CLASSIFY(events.size() >= 10, "10 events or more");
  auto shop = NewShop();
  ApplyAll(*shop, events);
}

RC_GTEST_PROP(ValidTicketEvents, EveryEventAppliesToAShop, ()) {
  const std::vector<ShopEvent> events = *ValidTicketEvents("K1", Options());
  RC_ASSERT(!events.empty());
  auto shop = NewShop();
  ApplyAll(*shop, events);
}

RC_GTEST_PROP(ValidReviewEvents, EveryEventAppliesToAShop, ()) {
  const std::vector<ShopEvent> events = *ValidReviewEvents("R1", Options());
  RC_ASSERT(!events.empty());
  auto shop = NewShop();
  ApplyAll(*shop, events);
}

// ORD-MALL-COMP: whatever happens to an order, no compensation exceeds the
// cap or 5% of its refund (rounded half up to the fen), and the order's
// total compensation is what the decisions paid.
RC_GTEST_PROP(OrderInvariants, NoMallCompensationExceedsItsCapOrRate, ()) {
  const std::vector<ShopEvent> events = *ValidOrderEvents("T1", Options());
  auto shop = NewShop();
  const MallCompensationPolicy& policy = Options().order_policies.mall_compensation;
  Money paid;
  for (const Outcome& o : ApplyAll(*shop, events)) {
    const Decision* d = o.Find("ORD-MALL-COMP");
    if (d == nullptr || d->verdict != Verdict::kScheduled) continue;
    const Money comp = std::get<Money>(d->Find("compensation")->value);
    const Money refunded = std::get<Money>(d->Find("refunded")->value);
    RC_ASSERT(comp <= policy.cap);
    RC_ASSERT(comp.fen() * 10000 <= refunded.fen() * policy.rate.basis_points() + 5000);
    paid = Money::Fen(paid.fen() + comp.fen());
  }
  // A placement every rule refused made no order.
  const Order* order = shop->FindOrder("T1");
  RC_ASSERT(order != nullptr || paid.is_zero());
  if (order != nullptr) RC_ASSERT(order->data().compensation == paid);
}

// AS-POSTAGE-CAP: the postage paid back never exceeds what the customer
// declared nor the largest cap.
RC_GTEST_PROP(TicketInvariants, NoPostageReimbursedExceedsTheClaimOrTheCaps, ()) {
  const std::vector<ShopEvent> events = *ValidTicketEvents("K1", Options());
  auto shop = NewShop();
  const PostageCapPolicy& caps = Options().ticket_policies.postage_cap;
  const Money largest = Max(Max(caps.in_province, caps.out_of_province), caps.quality);
  ApplyAll(*shop, events);
  const Ticket* ticket = shop->FindTicket("K1");
  if (ticket == nullptr) return;  // every registration refused: no ticket
  const TicketData& t = ticket->data();
  RC_ASSERT(t.postage_reimbursed <= t.postage_claimed);
  RC_ASSERT(t.postage_reimbursed <= largest);
}

}  // namespace
}  // namespace kefu::testing

namespace kefu::testing {
namespace {

// The invariant issue 23 names as a shop's example: no refund exceeds what
// the buyer paid. This property found that the order machine took any
// positive refund (a 1-yuan order refunded 1.01 yuan); a refund that would
// exceed the order's goods and postage is now invalid.
RC_GTEST_PROP(OrderInvariants, NoRefundExceedsWhatTheBuyerPaid, ()) {
  const std::vector<ShopEvent> events = *ValidOrderEvents("T1", Options());
  auto shop = NewShop();
  ApplyAll(*shop, events);
  const Order* order = shop->FindOrder("T1");
  if (order == nullptr) return;
  // What the order was worth as placed: every line, cancelled or not, and
  // the postage (an upper bound of what was paid).
  int64_t worth = order->data().postage.fen();
  for (const OrderLine& line : order->data().lines) worth += line.quantity * line.unit_price.fen();
  RC_ASSERT(order->data().refunded <= Money::Fen(worth));
}

}  // namespace
}  // namespace kefu::testing
