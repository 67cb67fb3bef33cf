// The JSON kefu writes for a host (kefu/io/answer_json.h). Moved here from
// the kefu program so that `kefu serve` and the C API share it.
#include "kefu/io/answer_json.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "kefu/engine/deadline_queue.h"
#include "kefu/text/phrase_matcher.h"
#include "nlohmann/json.hpp"
#include "text/utf8.h"

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

std::string Month(absl::CivilMonth m) { return absl::StrFormat("%04d-%02d", m.year(), m.month()); }

Json DecisionJson(const Decision& d, Language lang) {
  return Json{{"rule", std::string(d.rule)},
              {"verdict", std::string(VerdictName(d.verdict))},
              {"description", d.Reason(lang)},
              {"figures", FiguresJson(d.figures)}};
}

Json StatsJson(const ResponseStats& s) {
  Json j{{"rounds", s.rounds},
         {"answered", s.answered},
         {"counted", s.counted},
         {"in_time", s.in_time}};
  const std::optional<Rate> rate = s.rate();
  j["rate_bp"] = rate ? Json(rate->basis_points()) : Json(nullptr);
  j["mean_first_response_seconds"] = absl::ToInt64Seconds(s.mean_first_response());
  return j;
}

// The team's sections (ReplayTeam); docs/engine.md lists the keys.
Json TeamJson(const ReplayTeam& t, Language lang) {
  Json j;
  Json targets;
  targets["months"] = Json::array();
  for (const auto& [month, m] : t.months) {
    targets["months"].push_back({{"month", Month(month)},
                                 {"base", m.base},
                                 {"stretch", m.stretch},
                                 {"daily", m.daily},
                                 {"weekly", m.weekly}});
  }
  targets["weeks"] = Json::array();
  for (const WeekTargets& w : t.weeks) {
    Json wj{{"monday", Day(w.monday)}, {"done", w.done}};
    if (w.has_quota) {
      wj["quota"] = w.quota.quota;
      wj["daily"] = w.quota.daily;
      wj["carried"] = w.quota.carried;
    } else {
      wj["quota"] = nullptr;
    }
    targets["weeks"].push_back(std::move(wj));
  }
  targets["days"] = Json::array();
  for (const ReplayTeam::Day& d : t.days) {
    targets["days"].push_back({{"day", Day(d.day)},
                               {"orders", d.orders},
                               {"quota", d.quota ? Json(*d.quota) : Json(nullptr)},
                               {"reached", d.reached}});
  }
  j["targets"] = std::move(targets);

  Json resp;
  resp["within_seconds"] = absl::ToInt64Seconds(t.response_policy.within);
  resp["target_bp"] = t.response_policy.target.basis_points();
  resp["shop_by_day"] = Json::array();
  for (const auto& [day, s] : t.shop_responses) {
    Json dj = StatsJson(s);
    dj["day"] = Day(day);
    resp["shop_by_day"].push_back(std::move(dj));
  }
  resp["by_agent_day"] = Json::array();
  for (const ReplayTeam::AgentDay& a : t.responses) {
    Json aj = StatsJson(a.stats);
    aj["agent"] = a.agent;
    aj["day"] = Day(a.day);
    resp["by_agent_day"].push_back(std::move(aj));
  }
  resp["warnings"] = Json::array();
  for (const ResponseWarning& w : t.response_warnings) {
    resp["warnings"].push_back({{"agent", w.agent},
                                {"day", Day(w.day)},
                                {"rate_bp", w.rate.basis_points()},
                                {"target_bp", w.target.basis_points()},
                                {"counted", w.counted},
                                {"in_time", w.in_time}});
  }
  j["response_times"] = std::move(resp);

  Json conv = Json::object();
  for (const auto& [agent, c] : t.conversion) {
    const std::optional<Rate> rate = c.rate();
    conv[agent] = {{"asked", c.asked},
                   {"ordered", c.ordered},
                   {"rate_bp", rate ? Json(rate->basis_points()) : Json(nullptr)}};
  }
  j["conversion"] = std::move(conv);

  j["score_cards"] = Json::array();
  for (const ScoreCard& c : t.cards) {
    Json parts = Json::object();
    for (int i = 0; i < kScorePartCount; ++i) {
      const std::string name(ScorePartName(static_cast<ScorePart>(i)));
      parts[name] = c.parts[i] ? Json(*c.parts[i]) : Json(nullptr);
    }
    j["score_cards"].push_back({{"agent", c.agent},
                                {"month", Month(c.month)},
                                {"parts", std::move(parts)},
                                {"total", c.total},
                                {"possible", c.possible},
                                {"full", c.full},
                                {"exam", c.exam ? Json(*c.exam) : Json(nullptr)},
                                {"exam_passed", c.exam_passed}});
  }

  Json shifts;
  shifts["coverage_gaps"] = Json::array();
  for (const auto& [day, gaps] : t.coverage_gaps) {
    Json dj{{"day", Day(day)}, {"gaps", Json::array()}};
    for (const Decision& d : gaps) dj["gaps"].push_back(DecisionJson(d, lang));
    shifts["coverage_gaps"].push_back(std::move(dj));
  }
  shifts["findings"] = Json::array();
  for (const auto& [at, d] : t.shift_findings) {
    Json dj = DecisionJson(d, lang);
    dj["at"] = Time(at);
    shifts["findings"].push_back(std::move(dj));
  }
  j["shifts"] = std::move(shifts);

  Json reports = Json::object();
  for (const TeamReport& r : t.reports) {
    reports[std::string(ReportKindName(r.kind))].push_back(
        {{"from", r.from}, {"summary", r.summary}, {"at", Time(r.at)}});
  }
  j["reports_upward"] = std::move(reports);
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
  j["team"] = TeamJson(r.team, lang);
  return j;
}


// ------------------------------------------------------------ the answers
//
// Serve's answers are written straight into a string, not through a
// nlohmann-json document: an event's answer is written once per event, and
// building the document cost several times the shop's own work (issue 22).
// The bytes are the ones nlohmann-json's dump(-1, ' ', false, replace)
// gives for the same document; a text with ill-formed UTF-8 goes through
// nlohmann-json itself, for its U+FFFD replacement.

// Well-formed UTF-8 as it is; else nlohmann-json's U+FFFD replacement of
// it (the text the JSON writer writes, unescaped).
bool WellFormed(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  // ASCII eight bytes at a time (most keys and values are).
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    if ((w & 0x8080808080808080ull) != 0) break;
    p += 8;
  }
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    char32_t cp;
    p += text_internal::DecodeUtf8(p, end, &cp);
    if (cp == text_internal::kInvalidCodePoint) return false;
  }
  return true;
}

std::string Replaced(std::string_view s) {
  return Json::parse(Json(std::string(s)).dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace))
      .get<std::string>();
}

class Writer {
 public:
  explicit Writer(std::string* out) : out_(*out) {}

  void Open() { Sep(), out_ += '{', first_ = true; }
  void Close() { out_ += '}', first_ = false; }
  void OpenArray() { Sep(), out_ += '[', first_ = true; }
  void CloseArray() { out_ += ']', first_ = false; }
  // A key; the value comes next.
  Writer& Key(std::string_view k) {
    Sep();
    String(k);
    out_ += ':';
    first_ = true;  // the value needs no comma
    return *this;
  }
  void Str(std::string_view v) { Sep(), String(v), first_ = false; }
  void Int(int64_t v) { Sep(), absl::StrAppend(&out_, v), first_ = false; }
  void Uint(uint64_t v) { Sep(), absl::StrAppend(&out_, v), first_ = false; }
  void Time(Timestamp t) { Str(FormatTimestamp(t)); }
  // Key and value at once.
  void Field(std::string_view k, std::string_view v) { Key(k).Str(v); }

 private:
  void Sep() {
    if (!first_) out_ += ',';
  }
  // One pass: plain ASCII and well-formed multi-byte sequences are copied
  // in runs; a byte nlohmann-json escapes is escaped the same way; the
  // first ill-formed sequence hands the whole text to nlohmann-json.
  void String(std::string_view s) {
    const size_t start = out_.size();
    out_ += '"';
    const auto* const begin = reinterpret_cast<const unsigned char*>(s.data());
    const auto* const end = begin + s.size();
    const unsigned char* plain = begin;  // start of the run copied as it is
    for (const unsigned char* p = begin; p < end;) {
      const unsigned char c = *p;
      if (c >= 0x80) {
        char32_t cp;
        const size_t n = text_internal::DecodeUtf8(p, end, &cp);
        if (cp == text_internal::kInvalidCodePoint) {
          out_.resize(start);
          out_ += Json(std::string(s)).dump(-1, ' ', false,
                                            nlohmann::json::error_handler_t::replace);
          return;
        }
        p += n;
        continue;
      }
      if (c >= 0x20 && c != '"' && c != '\\') {
        ++p;
        continue;
      }
      out_.append(reinterpret_cast<const char*>(plain), static_cast<size_t>(p - plain));
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          out_.append(u, sizeof u);
        }
      }
      plain = ++p;
    }
    out_.append(reinterpret_cast<const char*>(plain), static_cast<size_t>(end - plain));
    out_ += '"';
  }

  std::string& out_;
  bool first_ = true;
};

// The same calls as Writer's, handed to an AnswerSink: the document the
// JSON text is, value by value.
class SinkWriter {
 public:
  explicit SinkWriter(AnswerSink& sink) : sink_(sink) {}

  void Open() { sink_.BeginObject(); }
  void Close() { sink_.EndObject(); }
  void OpenArray() { sink_.BeginArray(); }
  void CloseArray() { sink_.EndArray(); }
  SinkWriter& Key(std::string_view k) {
    if (WellFormed(k)) {
      sink_.Key(k);
    } else {
      sink_.Key(Replaced(k));
    }
    return *this;
  }
  void Str(std::string_view v) {
    if (WellFormed(v)) {
      sink_.String(v);
    } else {
      sink_.String(Replaced(v));
    }
  }
  void Int(int64_t v) { sink_.Int(v); }
  void Uint(uint64_t v) {
    // A count or a byte offset: far below 2^63.
    sink_.Int(static_cast<int64_t>(v));
  }
  void Time(Timestamp t) { Str(FormatTimestamp(t)); }
  void Field(std::string_view k, std::string_view v) { Key(k).Str(v); }

 private:
  AnswerSink& sink_;
};

template <class W>
void WriteFigureValue(W& w, const Figure& f) {
  if (const Money* m = std::get_if<Money>(&f.value)) {
    w.Str(m->ToString());
  } else if (const Timestamp* t = std::get_if<Timestamp>(&f.value)) {
    w.Time(*t);
  } else if (const int64_t* n = std::get_if<int64_t>(&f.value)) {
    w.Int(*n);
  } else if (const Term* term = std::get_if<Term>(&f.value)) {
    w.Str(term->key);
  } else if (const TermList* terms = std::get_if<TermList>(&f.value)) {
    w.OpenArray();
    for (const Term& item : *terms) w.Str(item.key);
    w.CloseArray();
  } else {
    w.Str(std::get<std::string>(f.value));
  }
}

// As FiguresJson: an object by name; a name given twice keeps its first
// place and its last value, as a JSON object assigned twice does.
template <class W>
void WriteFigures(W& w, const Figures& figures) {
  w.Open();
  for (size_t i = 0; i < figures.size(); ++i) {
    const std::string_view name = figures[i].name;
    bool seen = false;
    for (size_t k = 0; k < i && !seen; ++k) seen = figures[k].name == name;
    if (seen) continue;
    size_t last = i;
    for (size_t k = i + 1; k < figures.size(); ++k) {
      if (figures[k].name == name) last = k;
    }
    w.Key(name);
    WriteFigureValue(w, figures[last]);
  }
  w.Close();
}

template <class W>
void WriteLine(W& w, std::optional<int64_t> line) {
  if (line) w.Key("line").Int(*line);
}

// The outcome's keys of serve's answer to an event.
template <class W>
void WriteOutcome(W& w, const Outcome& o, Language lang) {
  w.Field("state_before", o.audit.state_before);
  w.Field("state_after", o.audit.state_after);
  if (o.audit.policy_revision != 0) {
    w.Field("policy_revision", PolicyRevisionText(o.audit.policy_revision));
  }
  w.Key("decisions").OpenArray();
  for (const Decision& d : o.decisions) {
    w.Open();
    w.Field("rule", d.rule);
    w.Field("verdict", VerdictName(d.verdict));
    w.Field("reason", d.Reason(lang));
    w.Key("figures");
    WriteFigures(w, d.figures);
    w.Close();
  }
  w.CloseArray();
  w.Key("actions").OpenArray();
  for (const Action& a : o.actions) {
    w.Open();
    w.Field("kind", ActionKindName(a.kind));
    w.Field("rule", a.rule);
    w.Field("assignee", a.assignee);
    w.Field("subject", a.subject);
    if (a.due) w.Key("due").Time(*a.due);
    w.Field("description", a.Describe(lang));
    w.Key("figures");
    WriteFigures(w, a.figures);
    w.Close();
  }
  w.CloseArray();
  w.Key("deadlines").OpenArray();
  for (const Deadline& d : o.deadlines) {
    w.Open();
    w.Field("rule", d.rule);
    w.Field("op", DeadlineOpName(d.op));
    w.Key("due").Time(d.due);
    if (d.warn_at) w.Key("warn_at").Time(*d.warn_at);
    w.Field("description", d.Describe(lang));
    w.Close();
  }
  w.CloseArray();
}

template <class W>
void WriteEventAnswer(W& w, const ShopEvent& event, const StoredResult& result, Language lang,
                      std::optional<int64_t> line) {
  w.Open();
  WriteLine(w, line);
  w.Field("id", MetaOf(event).id);
  w.Field("result", StoredResultName(result));
  w.Key("seq").Int(result.seq);
  w.Field("entity", EntityKindName(event.kind()));
  w.Field("key", event.key);
  if (result.outcome.ok()) {
    WriteOutcome(w, *result.outcome, lang);
  } else {
    const absl::string_view m = result.outcome.status().message();
    w.Field("error", std::string_view(m.data(), m.size()));
  }
  w.Close();
}

template <class W>
void WriteBadLine(W& w, std::optional<int64_t> line, std::string_view error) {
  w.Open();
  WriteLine(w, line);
  w.Field("result", "bad");
  w.Field("error", error);
  w.Close();
}

// As DueJson, with the item's id first.
template <class W>
void WriteDueItem(W& w, const StoredDueItem& s, Language lang) {
  const DueItem& d = s.item;
  w.Open();
  w.Key("id").Int(s.id);
  w.Key("at").Time(d.at);
  w.Field("kind", DueKindName(d.kind));
  w.Field("entity_kind", EntityKindName(d.entity_kind));
  w.Field("entity", d.entity);
  w.Field("rule", d.rule);
  w.Field("event_id", d.event_id);
  w.Field("agent", d.agent);
  w.Key("due").Time(d.deadline.due);
  w.Field("description", d.deadline.Describe(lang));
  w.Key("figures");
  WriteFigures(w, d.deadline.figures);
  w.Close();
}

template <class W>
void WriteWorkItem(W& w, const WorkItem& item) {
  w.Open();
  w.Key("priority").Int(item.priority);
  w.Field("entity_kind", EntityKindName(item.entity_kind));
  w.Field("entity", item.entity);
  w.Field("rule", item.rule);
  w.Field("kind", item.action ? "action" : "deadline");
  w.Key("due").Time(item.due);
  w.Field("agent", item.agent);
  w.Field("customer", item.customer);
  w.Field("customer_level", item.customer_level);
  w.Field("category", item.category);
  w.Field("agent_level", item.agent_level);
  w.Close();
}

template <class W>
void WriteFinding(W& w, const Finding& f, std::optional<int64_t> line) {
  w.Open();
  WriteLine(w, line);
  w.Field("rule", f.rule_id);
  w.Field("severity", SeverityName(f.severity));
  w.Key("start").Uint(f.begin);
  w.Key("end").Uint(f.end);
  w.Field("text", f.text);
  w.Field("suggestion", f.suggestion);
  w.Close();
}

}  // namespace

AnswerSink::~AnswerSink() = default;

void AppendEventAnswerJson(std::string* out, const ShopEvent& event, const StoredResult& result,
                           Language lang, std::optional<int64_t> line) {
  Writer w(out);
  WriteEventAnswer(w, event, result, lang, line);
}

std::string EventAnswerJson(const ShopEvent& event, const StoredResult& result, Language lang,
                            std::optional<int64_t> line) {
  std::string out;
  out.reserve(512);
  AppendEventAnswerJson(&out, event, result, lang, line);
  return out;
}

void VisitEventAnswer(const ShopEvent& event, const StoredResult& result, Language lang,
                      std::optional<int64_t> line, AnswerSink& sink) {
  SinkWriter w(sink);
  WriteEventAnswer(w, event, result, lang, line);
}

void AppendBadLineJson(std::string* out, std::optional<int64_t> line, std::string_view error) {
  Writer w(out);
  WriteBadLine(w, line, error);
}

std::string BadLineJson(std::optional<int64_t> line, std::string_view error) {
  std::string out;
  AppendBadLineJson(&out, line, error);
  return out;
}

void VisitBadLine(std::optional<int64_t> line, std::string_view error, AnswerSink& sink) {
  SinkWriter w(sink);
  WriteBadLine(w, line, error);
}

std::string DueItemJson(const StoredDueItem& item, Language lang) {
  std::string out;
  Writer w(&out);
  WriteDueItem(w, item, lang);
  return out;
}

std::string TickAnswerJson(std::optional<int64_t> line, Timestamp tick,
                           absl::Span<const StoredDueItem> due, Language lang) {
  std::string out;
  Writer w(&out);
  w.Open();
  WriteLine(w, line);
  w.Key("tick").Time(tick);
  w.Key("due").OpenArray();
  for (const StoredDueItem& d : due) WriteDueItem(w, d, lang);
  w.CloseArray();
  w.Close();
  return out;
}

std::string ConfirmAnswerJson(std::optional<int64_t> line, size_t confirmed) {
  std::string out;
  Writer w(&out);
  w.Open();
  WriteLine(w, line);
  w.Key("confirmed").Uint(confirmed);
  w.Close();
  return out;
}

std::string WorkAnswerJson(std::optional<int64_t> line, std::optional<std::string_view> agent,
                           absl::Span<const WorkItem> items) {
  std::string out;
  Writer w(&out);
  w.Open();
  WriteLine(w, line);
  if (agent) w.Field("agent", *agent);
  w.Key("work").OpenArray();
  for (const WorkItem& item : items) WriteWorkItem(w, item);
  w.CloseArray();
  w.Close();
  return out;
}

std::string ShopWorkAnswerJson(const Shop& shop, std::optional<int64_t> line,
                               std::string_view agent) {
  if (agent.empty()) return WorkAnswerJson(line, std::nullopt, shop.WorkList());
  std::vector<WorkItem> next;
  if (std::optional<WorkItem> w = shop.NextWorkItem(agent)) next.push_back(*std::move(w));
  return WorkAnswerJson(line, agent, next);
}

std::string ReportJson(std::string_view file, const ReplayReport& report, Language lang,
                       int indent) {
  return Dump(ReportDoc(file, report, lang), indent < 0 ? -1 : indent);
}

std::string FindingJson(const Finding& finding, std::optional<int64_t> line) {
  std::string out;
  Writer w(&out);
  WriteFinding(w, finding, line);
  return out;
}

std::string FindingsJson(absl::Span<const Finding> findings) {
  std::string out;
  Writer w(&out);
  w.Open();
  w.Key("findings").OpenArray();
  for (const Finding& f : findings) WriteFinding(w, f, std::nullopt);
  w.CloseArray();
  w.Close();
  return out;
}

}  // namespace kefu
