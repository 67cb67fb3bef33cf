#include "kefu/testing/shop_test.h"

#include <string>
#include <utility>
#include <variant>

#include "testing/text_util.h"

namespace kefu::testing {

Outcome MustApply(Shop& shop, const ShopEvent& event) {
  absl::StatusOr<Outcome> r = shop.Apply(event);
  EXPECT_TRUE(r.ok()) << EventName(event) << " of " << EntityKindName(event.kind()) << " "
                      << event.key << ": " << r.status();
  if (!r.ok()) return Outcome{};
  EXPECT_FALSE(r->refused()) << EventName(event) << " of " << EntityKindName(event.kind()) << " "
                             << event.key << " refused:\n"
                             << OutcomeItemsText(*r);
  return *std::move(r);
}

ShopTest::ShopTest() : clock_(Monday(9)) { UsePack(PolicyPack::Defaults()); }

ShopTest::~ShopTest() = default;

void ShopTest::UsePack(const PolicyPack& pack) { UseOptions(pack.shop_options()); }

void ShopTest::UsePackText(std::string_view toml) {
  absl::StatusOr<PolicyPack> pack = ParsePolicyPack(toml, "pack");
  ASSERT_TRUE(pack.ok()) << pack.status();
  UsePack(*pack);
}

void ShopTest::UsePackFile(const std::string& path) {
  absl::StatusOr<PolicyPack> pack = LoadPolicyPack(path);
  ASSERT_TRUE(pack.ok()) << pack.status();
  UsePack(*pack);
}

void ShopTest::UseOptions(ShopOptions options) {
  absl::StatusOr<std::unique_ptr<Shop>> shop = Shop::Create(std::move(options));
  ASSERT_TRUE(shop.ok()) << shop.status();
  shop_ = *std::move(shop);
}

Outcome ShopTest::Given(ShopEvent event) {
  absl::StatusOr<Outcome> r = Apply(std::move(event));
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return Outcome{};
  EXPECT_FALSE(r->refused()) << "refused:\n" << OutcomeItemsText(*r);
  return *std::move(r);
}

absl::StatusOr<Outcome> ShopTest::Apply(ShopEvent event) {
  EventMeta& meta = std::visit(
      [](auto& inner) -> EventMeta& {
        return std::visit([](auto& e) -> EventMeta& { return e.meta; }, inner);
      },
      event.event);
  if (meta.id.empty()) meta.id = internal::Cat("e", ++next_id_);
  if (meta.at == absl::InfinitePast()) meta.at = clock_.Now();
  return shop_->Apply(event);
}

}  // namespace kefu::testing
