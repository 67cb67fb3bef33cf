// Scenario files (kefu/io/scenario.h, issue 23): reading, running, the diff
// of a failing step, errors naming their line, coverage.
#include "kefu/io/scenario.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kefu/testing/testing.h"

namespace kefu {
namespace {

using ::kefu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A neutral review called three times: the third call is refused.
constexpr char kCalls[] = R"(
[scenario]
name = "three calls"
start = "2026-11-02"
agent = "小王"

[[step]]
at = "day 1 09:00"
review = "R1"
event = "received"
fields = { order_id = "T1", product = "N86", rating = "neutral", item_price = "25.00" }
expect.state = "new"

[[step]]
at = "day 1 09:05"
review = "R1"
event = "assigned"
fields = { agent = "小王" }

[[step]]
at = "day 1 10:00"
review = "R1"
event = "contact_attempted"
fields = { channel = "phone", result = "unreachable" }
expect.refused = false

[[step]]
at = "day 1 11:00"
review = "R1"
event = "contact_attempted"
fields = { channel = "phone", result = "unreachable" }

[[step]]
say = "the third call"
at = "day 1 12:00"
review = "R1"
event = "contact_attempted"
fields = { channel = "phone", result = "unreachable" }
expect.refused = "RV-CONTACT-LIMIT"
expect.state = "contacting"
)";

TEST(Scenario, PassesWhenTheShopDecidesAsExpected) {
  absl::StatusOr<ScenarioResult> r = RunScenario(kCalls, "calls.toml");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->passed()) << r->failures.front().diff.front();
  EXPECT_EQ(r->name, "three calls");
  EXPECT_EQ(r->steps, 5);
}

TEST(Scenario, AnInlineOverrideChangesThePackForThisScenario) {
  // Three calls allowed: the third is no longer refused, and the diff says so.
  const std::string text = std::string(kCalls) + "\n[pack.RV-CONTACT-LIMIT]\nneutral_calls = 3\n";
  absl::StatusOr<ScenarioResult> r = RunScenario(text, "calls.toml");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->failures.size(), 1u);
  const ScenarioFailure& f = r->failures[0];
  EXPECT_EQ(f.step, 5);
  EXPECT_EQ(f.line, 33);
  EXPECT_EQ(f.title, "the third call");
  EXPECT_THAT(f.diff, ElementsAre("- refused by RV-CONTACT-LIMIT", "+ not refused"));
}

TEST(Scenario, AWrongFigureShowsExpectedAndActualDecisions) {
  constexpr char kText[] = R"([scenario]
start = "2026-11-02"
agent = "小王"
[[step]]
at = "day 1 10:00"
ticket = "K1"
event = "registered"
fields = { order_id = "O1", kind = "return_refund", category = "质量问题", details = "屏幕坏", lines = [{ product = "屏", quantity = 1 }], customer_province = "北京", shop_province = "广东", alipay_account = "b@example.com", return_postage = "shop", repayment = "alipay_refund" }
[[step]]
at = "day 1 11:00"
ticket = "K1"
event = "return_agreed"
[[step]]
say = "12 yuan declared"
at = "day 2 11:00"
ticket = "K1"
event = "return_shipped"
fields = { declared_postage = "12.00" }
expect.decisions = [{ rule = "AS-POSTAGE-CAP", verdict = "adjusted", figures = { reimbursed = "12" } }]
)";
  absl::StatusOr<ScenarioResult> r = RunScenario(kText, "dir/caps.toml");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->name, "caps.toml");
  ASSERT_EQ(r->failures.size(), 1u);
  const ScenarioFailure& f = r->failures[0];
  EXPECT_EQ(f.step, 3);
  EXPECT_EQ(f.line, 13);
  ASSERT_GE(f.diff.size(), 2u);
  EXPECT_EQ(f.diff[0], "- decision AS-POSTAGE-CAP adjusted {reimbursed=12}");
  EXPECT_THAT(f.diff, ::testing::Contains(
                          HasSubstr("+ decision AS-POSTAGE-CAP adjusted {claimed=12.00, cap=10.00, "
                                    "reimbursed=10.00")));
}

TEST(Scenario, ExpectsErrorsStatesAndWhatFallsDue) {
  constexpr char kText[] = R"([scenario]
start = "2026-11-02"
agent = "小王"
[[step]]
at = "day 1 10:00"
order = "T404"
event = "paid"
expect.error = "not_found"
[[step]]
at = "day 1 10:00"
ticket = "K1"
event = "registered"
fields = { order_id = "O1", kind = "exchange", category = "质量问题", details = "屏幕坏", lines = [{ product = "屏", quantity = 1 }], return_postage = "customer", reship_postage = "shop" }
expect.deadlines = [{ rule = "AS-RESOLVE", op = "set", due = "day 9 00:00" }]
[[step]]
at = "day 9 00:00"
ticket = "K1"
expect.state = "registered"
expect.due = [{ kind = "breach", rule = "AS-RESOLVE", entity = "K1", at = "2026-11-10 00:00" }]
)";
  absl::StatusOr<ScenarioResult> r = RunScenario(kText, "due.toml");
  ASSERT_TRUE(r.ok()) << r.status();
  for (const ScenarioFailure& f : r->failures) {
    ADD_FAILURE() << "step " << f.step << ": " << ::testing::PrintToString(f.diff);
  }
}

// The message of the error reading `text` ("" when it reads).
std::string ErrorOf(const std::string& text, const std::string& file) {
  absl::StatusOr<ScenarioResult> r = RunScenario(text, file);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  return std::string(r.status().message());
}

// A malformed file is an error naming its line (and key), and nothing runs.
TEST(Scenario, AMalformedFileIsAnErrorNamingItsLine) {
  EXPECT_EQ(ErrorOf("[scenario]\nname = 3\n", "a.toml"),
            "a.toml:2:8: scenario.name: expected a string, got an integer");
  EXPECT_EQ(ErrorOf("[scenario]\n[[step]]\nat = \"day 1 09:00\"\n", "b.toml"),
            "b.toml:3:6: step[1].at: \"day 1 09:00\": a \"day N\" time needs [scenario] start = "
            "\"YYYY-MM-DD\"");
  EXPECT_EQ(ErrorOf("[scenario]\n[[step]]\nat = \"2026-11-02 09:00\"\nwhen = 1\n", "c.toml"),
            "c.toml:4:8: step[1].when: unknown key (known: say, at, order, ticket, review, reply, "
            "team, event, id, agent, fields, expect)");
  EXPECT_THAT(ErrorOf("[scenario\n", "d.toml"), HasSubstr("d.toml:1:"));
  EXPECT_THAT(ErrorOf("[scenario]\n[[step]]\nat = \"2026-11-02 09:00\"\norder = \"T1\"\n"
                      "event = \"paid\"\nfields = { method = \"cheque\" }\n",
                      "e.toml"),
              HasSubstr("e.toml:6:10: step[1]: the event does not read: "));
  EXPECT_THAT(ErrorOf("[scenario]\n[pack.AS-POSTAGE-CAP]\nin_provence = \"8.00\"\n"
                      "[[step]]\nat = \"2026-11-02 09:00\"\n",
                      "f.toml"),
              HasSubstr("f.toml:3:15: pack.AS-POSTAGE-CAP.in_provence: unknown key"));
}

TEST(Scenario, LooksLikeScenarioTellsScenariosFromPacks) {
  EXPECT_TRUE(LooksLikeScenario(kCalls));
  EXPECT_FALSE(LooksLikeScenario("[AS-POSTAGE-CAP]\nin_province = \"8.00\"\n"));
  EXPECT_TRUE(LooksLikeScenario("[scenario\n"));
}

TEST(ScenarioCoverage, CountsTheRowsAndRulesExercised) {
  ScenarioCoverage coverage;
  ScenarioOptions options;
  options.coverage = &coverage;
  ASSERT_TRUE(RunScenario(kCalls, "calls.toml", options).ok());
  const ScenarioCoverage::Machine& review = coverage.machines()[2];
  EXPECT_EQ(review.table->machine, "review");
  std::set<std::string> hit;
  for (const auto& row : review.rows) {
    if (row.hits > 0) {
      hit.insert(std::string(row.transition->source) + " " + std::string(row.transition->event) +
                 " " + std::string(row.transition->target));
    }
  }
  EXPECT_THAT(hit, ::testing::IsSupersetOf({"blank received new", "new assigned assigned",
                                            "assigned contact_attempted contacting"}));
  EXPECT_EQ(coverage.rules().count("RV-CONTACT-LIMIT"), 1u);
  const std::string report = coverage.Report();
  EXPECT_THAT(report, HasSubstr("  + blank --received--> new (1x)\n"));
  EXPECT_THAT(report, HasSubstr("  - AS-POSTAGE-CAP\n"));
  EXPECT_THAT(report, HasSubstr("rules no event judges (not counted): KPI-MONTH"));
}

// A team step (the team entity, issue 20): its state is the agent's, its
// rules count in the coverage, and it has no transition rows to count.
TEST(ScenarioCoverage, ATeamStepCountsItsRules) {
  constexpr char kTeam[] = R"(
[scenario]
name = "a swap"
start = "2026-11-02"
agent = "小王"

[[step]]
at = "day 1 08:48"
team = "小王"
event = "shift_started"
fields = { shift = "early", channels = "旺旺,商城" }
expect.state = "on_shift"

[[step]]
say = "no approval beforehand"
at = "day 1 10:00"
team = "小王"
event = "shift_swapped"
fields = { day = "2026-11-04", shift = "early", with = "小李" }
expect.refused = "SH-HANDOVER"
expect.state = "on_shift"
)";
  ScenarioCoverage coverage;
  ScenarioOptions options;
  options.coverage = &coverage;
  absl::StatusOr<ScenarioResult> r = RunScenario(kTeam, "team.toml", options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->passed()) << r->failures.front().diff.front();
  EXPECT_EQ(coverage.rules().count("SH-HANDOVER"), 1u);
  EXPECT_THAT(coverage.Report(), HasSubstr("  + SH-HANDOVER (1x)\n"));
}

// The catalogue list is the one docs/rules.md tables.
TEST(CatalogueRules, AreTheRulesOfDocsRulesMd) {
  std::ifstream in(std::string(KEFU_SOURCE_DIR) + "/docs/rules.md");
  ASSERT_TRUE(in) << "docs/rules.md";
  std::vector<std::string> documented;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| ", 0) != 0) continue;
    const size_t end = line.find(" |", 2);
    const std::string id = line.substr(2, end - 2);
    if (id.size() > 3 && id.find('-') != std::string::npos &&
        id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == std::string::npos) {
      documented.push_back(id);
    }
  }
  std::vector<std::string> listed;
  for (const CatalogueRule& r : CatalogueRules()) listed.emplace_back(r.id);
  EXPECT_EQ(listed, documented);
}

}  // namespace
}  // namespace kefu
