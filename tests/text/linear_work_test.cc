// Checking costs work linear in the text (issue 16: ReplyChecker::Check was
// quadratic on long replies mixing phrase and privacy findings, 36 s on
// 972 KiB). Not timed: the checker counts its steps (src/text/work_count.h)
// and the count on a 1 MiB reply must stay within a constant factor of 16
// times the count on a 64 KiB reply of the same kind.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/text/callback.h"
#include "kefu/text/privacy.h"
#include "kefu/text/reply_checker.h"
#include "text/work_count.h"

namespace kefu {
namespace {

// `unit` repeated to at least `bytes` bytes.
std::string Repeat(const std::string& unit, size_t bytes) {
  std::string s;
  s.reserve(bytes + unit.size());
  while (s.size() < bytes) s += unit;
  return s;
}

// Phrase findings (不, 你, 哦, 不好意思), PH-PRIVACY findings (a mobile, a
// landline, an e-mail, an address), a refusal marker and a deferral.
const std::string kMixed =
    "亲,不好意思哦,你的电话13812345678和邮箱zhang.san@example.com我记下了,"
    "不行的话打0571-88886666,地址文三路90号5幢2单元301室,稍后回复您。";

template <typename F>
uint64_t Work(F&& f) {
  text_internal::ResetWork();
  f();
  return text_internal::WorkCount();
}

constexpr size_t kSmall = 64 * 1024;
constexpr size_t kLarge = 1024 * 1024;  // 16 times kSmall

TEST(LinearWork, CheckOnLongMixedReplies) {
  const ReplyChecker c = *ReplyChecker::Default();
  const std::string small = Repeat(kMixed, kSmall);
  const std::string large = Repeat(kMixed, kLarge);
  std::vector<Finding> found_small, found_large;
  const uint64_t w_small = Work([&] { found_small = c.Check(small); });
  const uint64_t w_large = Work([&] { found_large = c.Check(large); });
  ASSERT_GT(found_small.size(), 1000u);  // the text really mixes many findings
  // Still ordered by begin, end, rule, and all rules are there.
  const auto less = [](const Finding& a, const Finding& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end < b.end;
    return a.rule_id < b.rule_id;
  };
  EXPECT_TRUE(std::is_sorted(found_large.begin(), found_large.end(), less));
  std::set<std::string> rules;
  for (const Finding& f : found_small) rules.insert(f.rule_id);
  EXPECT_THAT(rules, ::testing::IsSupersetOf({"PH-NEGATION", "PH-ADDRESS", "PH-INTERJECTION",
                                              "PH-APOLOGY", "PH-PRIVACY", "PH-CALLBACK"}));
  ASSERT_GT(w_small, kSmall / 16);  // the counter counts
  // Linear: about 16 times the work; quadratic would be about 256 times.
  EXPECT_LE(w_large, 20 * w_small) << w_small << " -> " << w_large;
}

TEST(LinearWork, FindPersonalDataOnManyNumbersAndEmails) {
  const std::string unit = "13812345678,a@example.com;";
  const std::string small = Repeat(unit, kSmall);
  const std::string large = Repeat(unit, kLarge);
  const uint64_t w_small = Work([&] { FindPersonalData(small); });
  const uint64_t w_large = Work([&] { FindPersonalData(large); });
  ASSERT_GT(w_small, kSmall / 16);
  EXPECT_LE(w_large, 20 * w_small) << w_small << " -> " << w_large;
}

TEST(LinearWork, CheckOnOneLongFindingFreeReply) {
  const ReplyChecker c = *ReplyChecker::Default();
  const std::string small = Repeat("您好,这款有现货,今天下单明天发货。", kSmall);
  const std::string large = Repeat("您好,这款有现货,今天下单明天发货。", kLarge);
  const uint64_t w_small = Work([&] { c.Check(small); });
  const uint64_t w_large = Work([&] { c.Check(large); });
  EXPECT_LE(w_large, 20 * w_small) << w_small << " -> " << w_large;
}

}  // namespace
}  // namespace kefu
