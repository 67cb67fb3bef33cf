// kefu/testing/shop_test.h: a GoogleTest fixture holding a Shop with a
// policy pack and a clock, and MustApply for any kefu machine.
//
//   class OurPackTest : public kefu::testing::ShopTest {
//    protected:
//     void SetUp() override { UsePackFile("our_pack.toml"); }
//   };
//
//   TEST_F(OurPackTest, AFourthCallOnANeutralReviewIsRefused) {
//     Given(NeutralReview("R1"));
//     Given(AssignReview("R1", "小王"));
//     ...
//     EXPECT_THAT(Apply(Call("R1")), IsRefusedBy("RV-CONTACT-LIMIT"));
//   }
//
// The shop starts with the catalogue's defaults (the empty pack) and the
// clock at Monday(9) of the seed week (kefu/testing/builders.h). Apply()
// (and Given(), which also expects no refusal) stamps an event that has no id with "e1", "e2", ...
// and one that has no time with the clock's time; it does not move the clock. Due() asks the shop
// what fell due by the clock's time.
//
// Thread safety: one fixture per test, as GoogleTest makes them.
#ifndef KEFU_TESTING_SHOP_TEST_H_
#define KEFU_TESTING_SHOP_TEST_H_

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/engine/deadline_queue.h"
#include "kefu/engine/shop.h"
#include "kefu/io/policy_pack.h"
#include "kefu/testing/builders.h"
#include "kefu/testing/print.h"

namespace kefu::testing {

// Applies `event` to a machine (an Order, Ticket, Review or Conversation,
// with its environment when given) and expects an OK outcome no rule
// refused; returns it (an empty Outcome after a failure, which is recorded
// with the event's name, the state and the status or refusing decision).
template <class Entity, class Event, class... Env,
          std::enable_if_t<!std::is_same_v<Entity, Shop>, int> = 0>
Outcome MustApply(Entity& entity, const Event& event, const Env&... env) {
  auto r = entity.Apply(event, env...);
  EXPECT_TRUE(r.ok()) << EventName(event) << " in " << entity.state() << ": " << r.status();
  if (!r.ok()) return Outcome{};
  EXPECT_FALSE(r->refused()) << EventName(event) << " in " << entity.state() << " refused:\n"
                             << OutcomeItemsText(*r);
  return *std::move(r);
}

// The same for a Shop.
Outcome MustApply(Shop& shop, const ShopEvent& event);

class ShopTest : public ::testing::Test {
 protected:
  ShopTest();
  ~ShopTest() override;

  // A new shop (with nothing in it) judging by `pack`.
  void UsePack(const PolicyPack& pack);
  // The same for the TOML text of a pack; errors fail the test and keep the
  // shop as it was.
  void UsePackText(std::string_view toml);
  // The same for the pack in the file at `path`.
  void UsePackFile(const std::string& path);
  // A new shop with `options` (a pack's shop_options(), changed).
  void UseOptions(ShopOptions options);

  Shop& shop() { return *shop_; }
  ManualClock& clock() { return clock_; }
  Timestamp Now() const { return clock_.Now(); }
  // Moves the clock.
  void AdvanceTo(Timestamp t) { clock_.Set(t); }
  void Advance(Duration d) { clock_.Advance(d); }

  // Applies `event` to the shop (stamped as the file comment says).
  absl::StatusOr<Outcome> Apply(ShopEvent event);
  // Applies `event` as Apply does and expects an outcome no rule refused
  // (MustApply): for the steps that set a test up ("given a paid order").
  Outcome Given(ShopEvent event);
  // Everything due by Now() not returned before.
  std::vector<DueItem> Due() { return shop_->Due(clock_.Now()); }

 private:
  ManualClock clock_;
  std::unique_ptr<Shop> shop_;
  int next_id_ = 0;
};

}  // namespace kefu::testing

#endif  // KEFU_TESTING_SHOP_TEST_H_
