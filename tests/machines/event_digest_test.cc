// An event's digest (internal::DigestOf, machines/event_schema.h): the
// field hashes a log keeps to tell a redelivered event from another with
// the same id. Saved shops hold them, so their values must never change:
// these are the values kefu has always given for a few order events.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/io/events.h"
#include "machines/event_schema.h"

namespace kefu::internal {
namespace {

std::vector<std::pair<int, uint32_t>> DigestOfLine(const std::string& line) {
  absl::StatusOr<ShopEvent> event = ParseEvent(line);
  EXPECT_TRUE(event.ok()) << event.status();
  std::vector<std::pair<int, uint32_t>> out;
  if (!event.ok()) return out;
  const EventDigest d = DigestOf(OrderEventSchema(), std::get<0>(event->event));
  for (const EventDigest::Entry& e : d.fields) out.emplace_back(e.field, e.hash);
  return out;
}

TEST(EventDigest, ValuesNeverChange) {
  const std::string placed =
      R"({"id":"o-4","at":"2026-11-02T10:00:00+08:00","agent":"小王","entity":"order",)"
      R"("key":"T1002","type":"placed","fields":{"channel":"taobao","buyer":{"im_name":)"
      R"("快乐的小猪","phone":"13800138000"},"lines":[{"product":"HT-2201 保温杯 白色",)"
      R"("quantity":1,"unit_price":"59.00"},{"product":"HT-2202 杯套","quantity":1,)"
      R"("unit_price":"9.90"}],"postage":"10.00","payment":"platform","address":{"province":)"
      R"("浙江省","city":"杭州市","district":"西湖区","detail":"文三路100号3单元501"}}})";
  const std::string cancelled =
      R"({"id":"o-9","at":"2026-11-02T11:00:00+08:00","entity":"order","key":"T1002",)"
      R"("type":"cancelled","fields":{"line":1,"reason":"缺货，顾客同意取消这一件"}})";
  const std::string adjusted =
      R"({"id":"o-7","at":"2026-11-02T10:30:00+08:00","entity":"order","key":"T1002",)"
      R"("type":"order_adjusted","fields":{"line":0,"product":"HT-2201 保温杯 黑色",)"
      R"("quantity":3,"unit_price":"12.50","agreed_via":"im"}})";
  using Digest = std::vector<std::pair<int, uint32_t>>;
  EXPECT_EQ(DigestOfLine(placed),
            (Digest{{1, 1419990417u}, {2, 3215365258u}, {3, 2366693084u}, {6, 4166205506u}}));
  EXPECT_EQ(DigestOfLine(cancelled), (Digest{{0, 1048580676u}, {1, 3184681602u}}));
  EXPECT_EQ(DigestOfLine(adjusted), (Digest{{0, 2615243109u},
                                           {1, 133536832u},
                                           {2, 2613195814u},
                                           {3, 678643483u},
                                           {5, 1268118805u}}));
  // Each field is hashed on its own, and fields at their defaults are left
  // out: the same order without its postage (field 3) loses that entry only.
  std::string no_postage = placed;
  const std::string postage = R"("postage":"10.00",)";
  no_postage.erase(no_postage.find(postage), postage.size());
  EXPECT_EQ(DigestOfLine(no_postage),
            (Digest{{1, 1419990417u}, {2, 3215365258u}, {6, 4166205506u}}));
}

}  // namespace
}  // namespace kefu::internal
