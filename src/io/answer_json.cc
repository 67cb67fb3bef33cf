// The JSON kefu writes for a host (kefu/io/answer_json.h). Moved here from
// the kefu program so that `kefu serve` and the C API share it.
#include "kefu/io/answer_json.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "kefu/engine/deadline_queue.h"
#include "kefu/text/phrase_matcher.h"
#include "nlohmann/json.hpp"

namespace kefu {
namespace {

using Json = nlohmann::ordered_json;

std::string Time(Timestamp t) { return FormatTimestamp(t); }

std::string Day(LocalDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string Dump(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

Json Lined(std::optional<int64_t> line) {
  Json j = Json::object();
  if (line) j["line"] = *line;
  return j;
}

Json MoneyJson(const std::vector<std::pair<std::string, Money>>& money) {
  Json j = Json::object();
  for (const auto& [name, m] : money) j[name] = m.ToString();
  return j;
}

Json FiguresJson(const Figures& figures) {
  Json j = Json::object();
  for (const Figure& f : figures) {
    const std::string name(f.name);
    if (const Money* m = std::get_if<Money>(&f.value)) {
      j[name] = m->ToString();
    } else if (const Timestamp* t = std::get_if<Timestamp>(&f.value)) {
      j[name] = Time(*t);
    } else if (const int64_t* n = std::get_if<int64_t>(&f.value)) {
      j[name] = *n;
    } else if (const Term* term = std::get_if<Term>(&f.value)) {
      j[name] = std::string(term->key);  // stable; the description is in --lang
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

Json DueJson(const DueItem& d, Language lang) {
  Json j;
  j["at"] = Time(d.at);
  j["kind"] = std::string(DueKindName(d.kind));
  j["entity_kind"] = std::string(EntityKindName(d.entity_kind));
  j["entity"] = d.entity;
  j["rule"] = std::string(d.rule);
  j["event_id"] = d.event_id;  // the event that set or last resumed it
  j["agent"] = d.agent;
  j["due"] = Time(d.deadline.due);
  j["description"] = d.deadline.Describe(lang);
  j["figures"] = FiguresJson(d.deadline.figures);
  return j;
}

Json ReportDoc(std::string_view file, const ReplayReport& r, Language lang) {
  Json j;
  j["file"] = std::string(file);
  j["lang"] = lang == Language::kZh ? "zh" : "en";
  // The policy pack's revision, with --policy: which rules decided.
  if (r.shop && !r.shop->policy_revision().empty()) {
    j["policy_revision"] = r.shop->policy_revision();
  }
  j["lines"] = {{"total", r.lines},       {"applied", r.applied},
                {"refused", r.refused},   {"duplicates", r.duplicates},
                {"rejected", r.rejected}, {"bad", r.bad},
                {"blank", r.blank},       {"stopped_early", r.stopped_early}};
  j["errors"] = Json::array();
  for (const ReplayLineError& e : r.errors) {
    j["errors"].push_back({{"line", e.line}, {"event_id", e.event_id}, {"message", e.message}});
  }
  if (r.first_event) j["first_event"] = Time(*r.first_event);
  if (r.last_event) j["last_event"] = Time(*r.last_event);
  if (r.until != absl::InfinitePast()) j["until"] = Time(r.until);

  Json states = Json::object();
  for (const StateCounts& c : r.states) {
    Json s;
    s["total"] = c.total;
    Json by = Json::object();
    for (const auto& [state, n] : c.by_state) by[state] = n;
    s["by_state"] = by;
    states[std::string(EntityKindName(c.kind))] = s;
  }
  j["states"] = states;

  Json rules = Json::object();
  for (const ReplayRuleTally& t : r.rules) {
    rules[t.rule] = {{"allowed", t.allowed},
                     {"refused", t.refused},
                     {"adjusted", t.adjusted},
                     {"scheduled", t.scheduled},
                     {"refused_money", MoneyJson(t.refused_money)},
                     {"adjusted_money", MoneyJson(t.adjusted_money)}};
  }
  j["decisions_by_rule"] = rules;

  Json actions = Json::object();
  for (const ReplayAgentActions& a : r.actions) {
    Json aj;
    Json by = Json::object();
    for (const auto& [kind, n] : a.by_kind) by[kind] = n;
    aj["total"] = a.total;
    aj["by_kind"] = by;
    aj["money"] = MoneyJson(a.money);
    aj["actions"] = Json::array();
    for (const ReplayAction& x : a.actions) {
      aj["actions"].push_back({{"due", Time(x.due)},
                               {"kind", std::string(ActionKindName(x.action.kind))},
                               {"rule", std::string(x.action.rule)},
                               {"entity_kind", std::string(EntityKindName(x.entity_kind))},
                               {"entity", x.entity},
                               {"event_id", x.event_id},
                               {"subject", x.action.subject},
                               {"description", x.action.Describe(lang)},
                               {"figures", FiguresJson(x.action.figures)}});
    }
    actions[a.agent] = aj;
  }
  j["actions_total"] = r.actions_total;
  j["actions_by_agent"] = actions;
  j["pending_after_until"] = r.pending_after_until;
  auto by_rule = [](const std::vector<std::pair<std::string, int64_t>>& v) {
    Json o = Json::object();
    for (const auto& [rule, n] : v) o[rule] = n;
    return o;
  };
  j["warnings_total"] = r.warnings_total;
  j["warnings_by_rule"] = by_rule(r.warnings_by_rule);
  j["warnings"] = Json::array();
  for (const DueItem& d : r.warnings) j["warnings"].push_back(DueJson(d, lang));
  j["breaches_total"] = r.breaches_total;
  j["breaches_by_rule"] = by_rule(r.breaches_by_rule);
  j["breaches"] = Json::array();
  for (const DueItem& d : r.breaches) j["breaches"].push_back(DueJson(d, lang));

  if (r.weekly) {
    const WeeklyReport& w = *r.weekly;
    Json wj;
    wj["first_day"] = Day(w.first_day);
    wj["last_day"] = Day(w.last_day);
    wj["tickets"] = w.tickets;
    Json by_kind = Json::object();
    for (const auto& [k, n] : w.by_kind) by_kind[k] = n;
    wj["by_kind"] = by_kind;
    Json by_category = Json::object();
    for (const auto& [k, n] : w.by_category) by_category[k] = n;
    wj["by_category"] = by_category;
    auto cost = [](const CostTotals& c) {
      return Json{{"postage", c.postage.ToString()},
                                    {"refund", c.refund.ToString()},
                                    {"compensation", c.compensation.ToString()},
                                    {"cash_in_parcel", c.cash_in_parcel.ToString()},
                                    {"total", c.total.ToString()}};
    };
    wj["cost"] = cost(w.cost);
    Json by_agent = Json::object();
    for (const auto& [agent, c] : w.cost_by_agent) by_agent[agent] = cost(c);
    wj["cost_by_agent"] = by_agent;
    Json by_product = Json::object();
    for (const auto& [product, c] : w.cost_by_product) by_product[product] = cost(c);
    wj["cost_by_product"] = by_product;
    wj["breaches"] = Json::array();
    for (const WeeklyReport::Breach& b : w.breaches) {
      wj["breaches"].push_back({{"ticket", b.ticket_id},
                                {"owner", b.owner},
                                {"rule", std::string(b.rule)},
                                {"due", Time(b.due)}});
    }
    j["ticket_week"] = wj;
  }

  Json replies = Json::object();
  for (const AgentReplies& a : r.replies) {
    Json aj;
    aj["replies"] = a.replies;
    aj["with_findings"] = a.replies_with_findings;
    Json by = Json::object();
    for (const auto& [rule, n] : a.by_rule) by[rule] = n;
    aj["by_rule"] = by;
    aj["findings"] = Json::array();
    for (const AgentReplies::Item& f : a.findings) {
      aj["findings"].push_back({{"event_id", f.event_id},
                                {"conversation", f.conversation},
                                {"at", Time(f.at)},
                                {"rule", f.finding.rule_id},
                                {"severity", std::string(SeverityName(f.finding.severity))},
                                {"text", f.finding.text},
                                {"suggestion", f.finding.suggestion}});
    }
    replies[a.agent] = aj;
  }
  j["replies_by_agent"] = replies;
  return j;
}


// The outcome's keys of serve's answer to an event.
void AddOutcome(const Outcome& o, Language lang, Json& j) {
  j["state_before"] = std::string(o.audit.state_before);
  j["state_after"] = std::string(o.audit.state_after);
  Json decisions = Json::array();
  for (const Decision& d : o.decisions) {
    decisions.push_back({{"rule", std::string(d.rule)},
                         {"verdict", std::string(VerdictName(d.verdict))},
                         {"reason", d.Reason(lang)},
                         {"figures", FiguresJson(d.figures)}});
  }
  j["decisions"] = std::move(decisions);
  Json actions = Json::array();
  for (const Action& a : o.actions) {
    Json aj{{"kind", std::string(ActionKindName(a.kind))},
            {"rule", std::string(a.rule)},
            {"assignee", a.assignee},
            {"subject", a.subject}};
    if (a.due) aj["due"] = Time(*a.due);
    aj["description"] = a.Describe(lang);
    aj["figures"] = FiguresJson(a.figures);
    actions.push_back(std::move(aj));
  }
  j["actions"] = std::move(actions);
  Json deadlines = Json::array();
  for (const Deadline& d : o.deadlines) {
    Json dj{{"rule", std::string(d.rule)},
            {"op", std::string(DeadlineOpName(d.op))},
            {"due", Time(d.due)}};
    if (d.warn_at) dj["warn_at"] = Time(*d.warn_at);
    dj["description"] = d.Describe(lang);
    deadlines.push_back(std::move(dj));
  }
  j["deadlines"] = std::move(deadlines);
}

Json DueItemDoc(const StoredDueItem& d, Language lang) {
  Json j;
  j["id"] = d.id;
  Json item = DueJson(d.item, lang);
  for (auto& [k, v] : item.items()) j[k] = std::move(v);
  return j;
}

Json FindingDoc(const Finding& f, std::optional<int64_t> line) {
  Json j = Lined(line);
  j["rule"] = f.rule_id;
  j["severity"] = std::string(SeverityName(f.severity));
  j["start"] = f.begin;
  j["end"] = f.end;
  j["text"] = f.text;
  j["suggestion"] = f.suggestion;
  return j;
}

}  // namespace

std::string EventAnswerJson(const ShopEvent& event, const StoredResult& result, Language lang,
                            std::optional<int64_t> line) {
  Json j = Lined(line);
  j["id"] = MetaOf(event).id;
  j["result"] = StoredResultName(result);
  j["seq"] = result.seq;
  j["entity"] = std::string(EntityKindName(event.kind()));
  j["key"] = event.key;
  if (result.outcome.ok()) {
    AddOutcome(*result.outcome, lang, j);
  } else {
    j["error"] = std::string(result.outcome.status().message());
  }
  return Dump(j);
}

std::string BadLineJson(std::optional<int64_t> line, std::string_view error) {
  Json j = Lined(line);
  j["result"] = "bad";
  j["error"] = std::string(error);
  return Dump(j);
}

std::string DueItemJson(const StoredDueItem& item, Language lang) {
  return Dump(DueItemDoc(item, lang));
}

std::string TickAnswerJson(std::optional<int64_t> line, Timestamp tick,
                           absl::Span<const StoredDueItem> due, Language lang) {
  Json j = Lined(line);
  j["tick"] = Time(tick);
  Json items = Json::array();
  for (const StoredDueItem& d : due) items.push_back(DueItemDoc(d, lang));
  j["due"] = std::move(items);
  return Dump(j);
}

std::string ConfirmAnswerJson(std::optional<int64_t> line, size_t confirmed) {
  Json j = Lined(line);
  j["confirmed"] = confirmed;
  return Dump(j);
}

std::string ReportJson(std::string_view file, const ReplayReport& report, Language lang,
                       int indent) {
  return Dump(ReportDoc(file, report, lang), indent < 0 ? -1 : indent);
}

std::string FindingJson(const Finding& finding, std::optional<int64_t> line) {
  return Dump(FindingDoc(finding, line));
}

std::string FindingsJson(absl::Span<const Finding> findings) {
  Json a = Json::array();
  for (const Finding& f : findings) a.push_back(FindingDoc(f, std::nullopt));
  Json j;
  j["findings"] = std::move(a);
  return Dump(j);
}

}  // namespace kefu
