// kefu/io/answer_json.h: serve's answers are written straight into a string;
// they must be the bytes nlohmann-json's dump gives for the document serve
// wrote before (the reference below, the former implementation), on a
// sample day of real outcomes and due items in both languages, and on texts
// that need escaping, ill-formed UTF-8 and figures named twice.
#include "kefu/io/answer_json.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/engine/shop.h"
#include "kefu/io/events.h"
#include "kefu/io/host_line.h"
#include "kefu/text/phrase_matcher.h"
#include "nlohmann/json.hpp"
#include "sample/sample.h"

namespace kefu {
namespace {

using Json = nlohmann::ordered_json;

std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Json RefFigures(const Figures& figures) {
  Json j = Json::object();
  for (const Figure& f : figures) {
    const std::string name(f.name);
    if (const Money* m = std::get_if<Money>(&f.value)) {
      j[name] = m->ToString();
    } else if (const Timestamp* t = std::get_if<Timestamp>(&f.value)) {
      j[name] = FormatTimestamp(*t);
    } else if (const int64_t* n = std::get_if<int64_t>(&f.value)) {
      j[name] = *n;
    } else if (const Term* term = std::get_if<Term>(&f.value)) {
      j[name] = std::string(term->key);
    } else if (const TermList* terms = std::get_if<TermList>(&f.value)) {
      Json keys = Json::array();
      for (const Term& item : *terms) keys.push_back(std::string(item.key));
      j[name] = std::move(keys);
    } else {
      j[name] = std::get<std::string>(f.value);
    }
  }
  return j;
}

std::string RefEventAnswer(int64_t line, const ShopEvent& e, const StoredResult& sr,
                           Language lang) {
  Json out;
  out["line"] = line;
  out["id"] = MetaOf(e).id;
  out["result"] = StoredResultName(sr);
  out["seq"] = sr.seq;
  out["entity"] = std::string(EntityKindName(e.kind()));
  out["key"] = e.key;
  if (!sr.outcome.ok()) {
    out["error"] = std::string(sr.outcome.status().message());
    return Dump(out);
  }
  const Outcome& o = *sr.outcome;
  out["state_before"] = std::string(o.audit.state_before);
  out["state_after"] = std::string(o.audit.state_after);
  if (o.audit.policy_revision != 0) {
    out["policy_revision"] = PolicyRevisionText(o.audit.policy_revision);
  }
  out["decisions"] = Json::array();
  for (const Decision& d : o.decisions) {
    out["decisions"].push_back({{"rule", std::string(d.rule)},
                                {"verdict", std::string(VerdictName(d.verdict))},
                                {"reason", d.Reason(lang)},
                                {"figures", RefFigures(d.figures)}});
  }
  out["actions"] = Json::array();
  for (const Action& a : o.actions) {
    Json aj{{"kind", std::string(ActionKindName(a.kind))},
            {"rule", std::string(a.rule)},
            {"assignee", a.assignee},
            {"subject", a.subject}};
    if (a.due) aj["due"] = FormatTimestamp(*a.due);
    aj["description"] = a.Describe(lang);
    aj["figures"] = RefFigures(a.figures);
    out["actions"].push_back(std::move(aj));
  }
  out["deadlines"] = Json::array();
  for (const Deadline& d : o.deadlines) {
    Json dj{{"rule", std::string(d.rule)},
            {"op", std::string(DeadlineOpName(d.op))},
            {"due", FormatTimestamp(d.due)}};
    if (d.warn_at) dj["warn_at"] = FormatTimestamp(*d.warn_at);
    dj["description"] = d.Describe(lang);
    out["deadlines"].push_back(std::move(dj));
  }
  return Dump(out);
}

Json RefDueItem(const StoredDueItem& s, Language lang) {
  const DueItem& d = s.item;
  Json j;
  j["id"] = s.id;
  j["at"] = FormatTimestamp(d.at);
  j["kind"] = std::string(DueKindName(d.kind));
  j["entity_kind"] = std::string(EntityKindName(d.entity_kind));
  j["entity"] = d.entity;
  j["rule"] = std::string(d.rule);
  j["event_id"] = d.event_id;
  j["agent"] = d.agent;
  j["due"] = FormatTimestamp(d.deadline.due);
  j["description"] = d.deadline.Describe(lang);
  j["figures"] = RefFigures(d.deadline.figures);
  return j;
}

TEST(AnswerJson, SameBytesAsTheDocumentOnASampleDay) {
  std::vector<ShopEvent> events;
  SampleOptions o;
  o.days = 2;
  o.orders_per_day = 60;
  ASSERT_TRUE(GenerateSample(o, [&](const ShopEvent& e) { events.push_back(e); }).ok());
  for (Language lang : {Language::kZh, Language::kEn}) {
    // In Chinese as a shop with a pack (its revision in every answer).
    ShopOptions options;
    if (lang == Language::kZh) options.policy_revision = "5eed5eed5eed5eed";
    auto shop = Shop::Create(options);
    ASSERT_TRUE(shop.ok());
    int64_t seq = 0;
    size_t decisions = 0;
    for (const ShopEvent& e : events) {
      StoredResult r{(*shop)->Apply(e), ++seq};
      if (r.outcome.ok()) decisions += r.outcome->decisions.size();
      const std::string answer = EventAnswerJson(e, r, lang, seq);
      ASSERT_EQ(answer, RefEventAnswer(seq, e, r, lang));
      if (r.outcome.ok()) {
        ASSERT_EQ(answer.find("\"policy_revision\":\"5eed5eed5eed5eed\"") != std::string::npos,
                  lang == Language::kZh)
            << answer;
      }
    }
    EXPECT_GT(decisions, 0u);
    std::vector<StoredDueItem> due;
    for (DueItem& d : (*shop)->Due(absl::InfiniteFuture())) {
      due.push_back(StoredDueItem{static_cast<int64_t>(due.size()) + 1, std::move(d)});
    }
    ASSERT_FALSE(due.empty());
    Json tick;
    tick["line"] = 7;
    tick["tick"] = FormatTimestamp(absl::FromUnixSeconds(1790000000));
    tick["due"] = Json::array();
    for (const StoredDueItem& d : due) tick["due"].push_back(RefDueItem(d, lang));
    EXPECT_EQ(TickAnswerJson(7, absl::FromUnixSeconds(1790000000), due, lang), Dump(tick));
    EXPECT_EQ(DueItemJson(due[0], lang), Dump(RefDueItem(due[0], lang)));
  }
}

TEST(AnswerJson, EscapesIllFormedUtf8AndFiguresNamedTwiceAsTheDocumentDoes) {
  auto e = ParseEvent(
      R"({"id":"r1","at":"2026-11-02T16:10:00+08:00","agent":"小王","entity":"reply",)"
      R"("key":"tb_buyer","type":"posted","fields":{"text":"您好"}})");
  ASSERT_TRUE(e.ok());
  static const char kKey[] = "k\"\\\x01\x1f\x7f\n\r\t\b\f/é\xff\xc3(";
  e->key = std::string(kKey, sizeof kKey - 1);
  Outcome o;
  o.audit.state_before = "new";
  o.audit.state_after = "open";
  Decision d;
  d.rule = "PH-TEST";
  d.verdict = Verdict::kRefused;
  d.message = Message{"说了{text}", "said {text}"};
  d.figures.push_back(Figure{"text", std::string("\xe4\xb8\xad\xed\xa0\x80 \"q\" \x02")});
  d.figures.push_back(Figure{"n", int64_t{-42}});
  d.figures.push_back(Figure{"text", std::string("second")});
  d.figures.push_back(Figure{"terms", TermList{Term{"a"}, Term{"b"}}});
  o.decisions.push_back(d);
  Action a;
  a.rule = "PH-TEST";
  a.assignee = "\xf0\x9f\x98\x80";
  a.subject = "";
  o.actions.push_back(a);
  for (Language lang : {Language::kZh, Language::kEn}) {
    StoredResult r{o, 3};
    EXPECT_EQ(EventAnswerJson(*e, r, lang), RefEventAnswer(0, *e, r, lang).replace(1, 9, ""));
    StoredResult rejected{absl::NotFoundError("order \"\xfe\" is unknown"), 4};
    EXPECT_EQ(EventAnswerJson(*e, rejected, lang, 9), RefEventAnswer(9, *e, rejected, lang));
  }
  EXPECT_EQ(BadLineJson(5, "line 5: \x01 bad"),
            Dump(Json{{"line", 5}, {"result", "bad"}, {"error", "line 5: \x01 bad"}}));
  EXPECT_EQ(BadLineJson(std::nullopt, "x"), R"({"result":"bad","error":"x"})");
  EXPECT_EQ(ConfirmAnswerJson(2, 3), R"({"line":2,"confirmed":3})");
  EXPECT_EQ(ConfirmAnswerJson(std::nullopt, 0), R"({"confirmed":0})");
  EXPECT_EQ(TickAnswerJson(std::nullopt, absl::FromUnixSeconds(0), {}, Language::kEn),
            R"({"tick":"1970-01-01T08:00:00+08:00","due":[]})");
  Finding f;
  f.rule_id = "PH-NEGATION";
  f.begin = 3;
  f.end = 6;
  f.text = "不\xff";
  f.suggestion = "换\n个说法";
  Json ref{{"line", 4},
           {"rule", "PH-NEGATION"},
           {"severity", std::string(SeverityName(f.severity))},
           {"start", 3},
           {"end", 6},
           {"text", f.text},
           {"suggestion", f.suggestion}};
  EXPECT_EQ(FindingJson(f, 4), Dump(ref));
  ref.erase("line");
  EXPECT_EQ(FindingsJson({f, f}), Dump(Json{{"findings", Json::array({ref, ref})}}));
  EXPECT_EQ(FindingsJson({}), R"({"findings":[]})");
}

// A work query's answer (kefu serve's {"work":...}, GET /work) holds the
// shop's work list item by item, in its order (FB-TRIAGE).
TEST(AnswerJson, WorkAnswerIsTheWorkListInItsOrder) {
  std::vector<ShopEvent> events;
  SampleOptions o;
  o.days = 2;
  o.orders_per_day = 40;
  ASSERT_TRUE(GenerateSample(o, [&](const ShopEvent& e) { events.push_back(e); }).ok());
  auto shop = Shop::Create();
  ASSERT_TRUE(shop.ok());
  for (const ShopEvent& e : events) (void)(*shop)->Apply(e);
  const std::vector<WorkItem> list = (*shop)->WorkList();
  ASSERT_GT(list.size(), 5u);
  const Json all = Json::parse(WorkAnswerJson(3, std::nullopt, list));
  EXPECT_EQ(all["line"], 3);
  EXPECT_FALSE(all.contains("agent"));
  ASSERT_EQ(all["work"].size(), list.size());
  bool both_kinds[2] = {false, false};
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& j = all["work"][i];
    const WorkItem& w = list[i];
    EXPECT_EQ(j["priority"], w.priority);
    EXPECT_EQ(j["entity_kind"], std::string(EntityKindName(w.entity_kind)));
    EXPECT_EQ(j["entity"], w.entity);
    EXPECT_EQ(j["rule"], std::string(w.rule));
    EXPECT_EQ(j["kind"], w.action ? "action" : "deadline");
    EXPECT_EQ(j["due"], FormatTimestamp(w.due));
    EXPECT_EQ(j["agent"], w.agent);
    EXPECT_EQ(j["customer"], w.customer);
    EXPECT_EQ(j["customer_level"], w.customer_level);
    EXPECT_EQ(j["category"], w.category);
    EXPECT_EQ(j["agent_level"], w.agent_level);
    both_kinds[w.action ? 1 : 0] = true;
    if (i > 0) {
      EXPECT_GE(list[i - 1].priority, w.priority);
    }
  }
  EXPECT_TRUE(both_kinds[0]);
  // An agent's query: their next item, or none.
  const std::string agent = list.front().agent.empty() ? "小王" : list.front().agent;
  std::vector<WorkItem> next;
  if (auto w = (*shop)->NextWorkItem(agent)) next.push_back(*w);
  ASSERT_EQ(next.size(), 1u);
  const Json mine = Json::parse(WorkAnswerJson(std::nullopt, agent, next));
  EXPECT_FALSE(mine.contains("line"));
  EXPECT_EQ(mine["agent"], agent);
  ASSERT_EQ(mine["work"].size(), 1u);
  EXPECT_EQ(mine["work"][0]["entity"], next[0].entity);
  EXPECT_EQ(WorkAnswerJson(1, "nobody", {}), R"({"line":1,"agent":"nobody","work":[]})");
}

TEST(HostLine, WorkQueriesAndTheirErrors) {
  HostLine all = ParseHostLine(R"({"work":true})", 4);
  EXPECT_EQ(all.kind, HostLine::kWork);
  EXPECT_EQ(all.work_agent, "");
  HostLine one = ParseHostLine(R"({"work":"小王"})", 5);
  EXPECT_EQ(one.kind, HostLine::kWork);
  EXPECT_EQ(one.work_agent, "小王");
  for (const char* bad : {R"({"work":false})", R"({"work":""})", R"({"work":3})",
                          R"({"work":null})", R"({"work":["小王"]})"}) {
    HostLine b = ParseHostLine(bad, 6);
    EXPECT_EQ(b.kind, HostLine::kBad) << bad;
    EXPECT_EQ(b.error, "line 6: work: expected true (the whole work list) or an agent's name")
        << bad;
  }
  // Two keys: not a work query (nor anything else).
  EXPECT_EQ(ParseHostLine(R"({"work":true,"tick":"2026-11-03T00:00:00+08:00"})", 7).kind,
            HostLine::kBad);
  EXPECT_EQ(ParseHostLine(R"({"tick":"2026-11-03T00:00:00+08:00"})", 8).kind, HostLine::kTick);
  EXPECT_EQ(ParseHostLine(R"({"done":[1,2]})", 9).kind, HostLine::kDone);
}

}  // namespace
}  // namespace kefu
