// Uses the installed testing kit: a shop's test of the seed's worked example
// of RV-CONTACT-LIMIT, with the fixture, a builder and a matcher.
#include "kefu/testing/testing.h"

namespace {

using namespace ::kefu::testing;  // NOLINT: the kit reads as the seed

class ConsumerShopTest : public ShopTest {};

TEST_F(ConsumerShopTest, AThirdCallOnANeutralReviewIsRefused) {
  Given(NeutralReview("R1"));
  Given(AssignReview("R1", "小王"));
  Given(Call("R1", kefu::ReviewContactResult::kUnreachable));
  Given(Call("R1", kefu::ReviewContactResult::kUnreachable));
  EXPECT_THAT(Apply(Call("R1", kefu::ReviewContactResult::kUnreachable)),
              IsRefusedBy("RV-CONTACT-LIMIT"));
}

}  // namespace
