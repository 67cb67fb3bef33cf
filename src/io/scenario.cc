// Scenario files (kefu/io/scenario.h): read with toml++, events built as
// their JSON line (nlohmann-json) and read with ParseEvent, run on a Shop.
#include "kefu/io/scenario.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "kefu/core/calendar.h"
#include "kefu/core/status.h"
#include "kefu/engine/conversation.h"
#include "kefu/engine/shop.h"
#include "kefu/io/events.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"
#include "nlohmann/json.hpp"

// The same configuration as policy_pack.cc: one toml++ in the library.
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

namespace kefu {
namespace {

template <class... T>
std::string Cat(const T&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}

// ------------------------------------------------------------- catalogue

const std::vector<CatalogueRule>& Catalogue() {
  static const auto* rules = new std::vector<CatalogueRule>{
      {"ORD-VERIFY"},          {"ORD-DUP-SHIP"},       {"ORD-COD-REACH"},    {"ORD-PREPAY"},
      {"ORD-FIN-CHECK"},       {"ORD-EXCEPTION"},      {"ORD-OOS-NOTIFY"},   {"ORD-MALL-COMP"},
      {"ORD-CANCEL-REG"},      {"ORD-F2-HOLD"},        {"ORD-UNSHIPPED"},    {"ORD-FIX"},
      {"ORD-POSTAGE-SUPP"},    {"ORD-INVOICE"},        {"AS-REGISTER"},      {"AS-DEDUP"},
      {"AS-RETURN-WINDOW"},    {"AS-RESOLVE"},         {"AS-TRACK"},         {"AS-POSTAGE-CAP"},
      {"AS-WHO-PAYS"},         {"AS-RECEIVE"},         {"AS-QUALITY"},       {"AS-RESALE"},
      {"AS-PREFER-EXCHANGE"},  {"AS-OWNER"},           {"AS-EVIDENCE"},      {"AS-REFUND-RECORD"},
      {"AS-DEFECT"},           {"AS-HANDOFF"},         {"AS-WEEKLY"},        {"RV-DAILY"},
      {"RV-REGISTER"},         {"RV-CONTACT-LIMIT"},   {"RV-CHANNEL"},       {"RV-PROMISE"},
      {"RV-REMEDY"},           {"RV-SCHEDULE"},        {"PH-ADDRESS"},       {"PH-APOLOGY"},
      {"PH-INTERJECTION"},     {"PH-IGNORANCE"},       {"PH-NEGATION"},      {"PH-PRIVACY"},
      {"PH-MEETING"},          {"PH-CALLBACK"},        {"KPI-MONTH", false}, {"KPI-CARRY", false},
      {"KPI-DAY-DONE", false}, {"KPI-SCORE"},          {"KPI-EXAM"},         {"SH-SHIFTS", false},
      {"SH-COVERAGE"},         {"SH-HANDOVER"},        {"FB-TRIAGE", false}, {"FB-REPORT"},
      {"FB-ROLES"}};
  return *rules;
}

}  // namespace

const std::vector<CatalogueRule>& CatalogueRules() { return Catalogue(); }

// -------------------------------------------------------------- coverage

ScenarioCoverage::ScenarioCoverage() {
  for (const TransitionTable* t :
       {&Order::Table(), &Ticket::Table(), &Review::Table(), &Conversation::Table()}) {
    Machine m;
    m.table = t;
    for (const Transition& row : t->rows) m.rows.push_back(Row{&row, 0});
    machines_.push_back(std::move(m));
  }
}

void ScenarioCoverage::Record(EntityKind kind, const Outcome& outcome) {
  for (const Decision& d : outcome.decisions) ++rules_[std::string(d.rule)];
  for (const Action& a : outcome.actions) {
    if (!a.rule.empty()) ++rules_[std::string(a.rule)];
  }
  for (const Deadline& d : outcome.deadlines) ++rules_[std::string(d.rule)];
  if (outcome.audit.refused || outcome.audit.duplicate) return;
  // The team entity has no transition table: its rules count, no rows.
  if (static_cast<size_t>(kind) >= machines_.size()) return;
  Machine& m = machines_[static_cast<size_t>(kind)];
  for (Row& row : m.rows) {
    if (row.transition->source == outcome.audit.state_before &&
        row.transition->event == outcome.audit.event_type &&
        row.transition->target == outcome.audit.state_after) {
      ++row.hits;
    }
  }
}

namespace {

std::string RowText(const Transition& t) {
  std::string out = Cat(t.source, " --", t.event, "--> ", t.target);
  if (!t.guard.empty()) out += Cat(" [", t.guard, "]");
  return out;
}

}  // namespace

std::string ScenarioCoverage::Report() const {
  std::ostringstream out;
  for (const Machine& m : machines_) {
    int64_t hit = 0;
    for (const Row& r : m.rows) hit += r.hits > 0 ? 1 : 0;
    out << m.table->machine << ": " << hit << " of " << m.rows.size() << " transitions exercised\n";
    for (const Row& r : m.rows) {
      if (r.hits > 0) out << "  + " << RowText(*r.transition) << " (" << r.hits << "x)\n";
    }
    for (const Row& r : m.rows) {
      if (r.hits == 0) out << "  - " << RowText(*r.transition) << "\n";
    }
  }
  std::vector<std::string> hit, never, not_judged;
  for (const CatalogueRule& rule : Catalogue()) {
    auto it = rules_.find(rule.id);
    if (it != rules_.end()) {
      hit.push_back(Cat(rule.id, " (", it->second, "x)"));
    } else if (rule.judged_on_events) {
      never.push_back(std::string(rule.id));
    } else {
      not_judged.push_back(std::string(rule.id));
    }
  }
  int64_t judged = 0;
  for (const CatalogueRule& rule : Catalogue()) judged += rule.judged_on_events ? 1 : 0;
  out << "rules: " << hit.size() << " of " << judged << " exercised\n";
  for (const std::string& r : hit) out << "  + " << r << "\n";
  for (const std::string& r : never) out << "  - " << r << "\n";
  if (!not_judged.empty()) {
    out << "rules no event judges (not counted):";
    for (const std::string& r : not_judged) out << " " << r;
    out << "\n";
  }
  std::vector<std::string> other;
  for (const auto& [id, n] : rules_) {
    bool known = false;
    for (const CatalogueRule& rule : Catalogue()) known = known || rule.id == id;
    if (!known) other.push_back(Cat(id, " (", n, "x)"));
  }
  if (!other.empty()) {
    out << "other rules:";
    for (const std::string& r : other) out << " " << r;
    out << "\n";
  }
  return out.str();
}

// -------------------------------------------------------------- reading

namespace {

// An error of the file: where and what.
struct ReadError {
  int64_t line = 0;
  int64_t column = 0;
  std::string key;
  std::string message;
};

ReadError ErrorAt(const toml::node& n, std::string key, std::string message) {
  return ReadError{static_cast<int64_t>(n.source().begin.line),
                   static_cast<int64_t>(n.source().begin.column), std::move(key),
                   std::move(message)};
}

std::string TypeOf(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

using Result = std::optional<ReadError>;  // nullopt: fine

Result Want(const toml::node& n, const std::string& key, std::string_view what) {
  return ErrorAt(n, key, Cat("expected ", what, ", got ", TypeOf(n)));
}

// A time of a step: RFC 3339; "YYYY-MM-DD HH:MM[:SS]" in the shop's
// calendar; "day N HH:MM[:SS]" with day 1 the scenario's start.
struct TimeReader {
  const BusinessCalendar* calendar = nullptr;
  std::optional<LocalDay> start;

  absl::StatusOr<Timestamp> Read(std::string_view text) const {
    if (absl::StatusOr<Timestamp> t = ParseTimestamp(text); t.ok()) return *t;
    std::string s(text);
    int day = 0, y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    char tail = 0;
    LocalDay local;
    std::string rest;
    if (std::sscanf(s.c_str(), "day %d %d:%d:%d%c", &day, &h, &mi, &sec, &tail) == 4 ||
        (sec = 0, std::sscanf(s.c_str(), "day %d %d:%d%c", &day, &h, &mi, &tail) == 3)) {
      if (!start.has_value()) {
        return absl::InvalidArgumentError(
            Cat("\"", text, "\": a \"day N\" time needs [scenario] start = \"YYYY-MM-DD\""));
      }
      if (day < 1) return absl::InvalidArgumentError(Cat("\"", text, "\": days count from 1"));
      local = *start + (day - 1);
    } else if (std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d%c", &y, &mo, &d, &h, &mi, &sec, &tail) ==
                   6 ||
               (sec = 0,
                std::sscanf(s.c_str(), "%d-%d-%d %d:%d%c", &y, &mo, &d, &h, &mi, &tail) == 5)) {
      local = LocalDay(y, mo, d);
      if (local.year() != y || local.month() != mo || local.day() != d) {
        return absl::InvalidArgumentError(Cat("\"", text, "\": no such date"));
      }
    } else {
      return absl::InvalidArgumentError(
          Cat("\"", text, "\": not a time (RFC 3339, \"YYYY-MM-DD HH:MM\" or \"day N HH:MM\")"));
    }
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) {
      return absl::InvalidArgumentError(Cat("\"", text, "\": no such time of day"));
    }
    const Timestamp t =
        calendar->StartOfDay(local) + absl::Hours(h) + absl::Minutes(mi) + absl::Seconds(sec);
    if (absl::Status ok = CheckEventTime(t); !ok.ok()) {
      return absl::InvalidArgumentError(Cat("\"", text, "\": ", ok.message()));
    }
    return t;
  }
};

struct FigureExpect {
  std::string name;
  std::string text;  // a string as written, an integer in decimal
};

struct DecisionExpect {
  std::optional<std::string> rule;
  std::optional<std::string> verdict;
  std::vector<FigureExpect> figures;
};

struct ActionExpect {
  std::optional<std::string> kind, rule, assignee, subject;
  std::optional<Timestamp> due;
  std::string due_text;
};

struct DeadlineExpect {
  std::optional<std::string> rule, op;
  std::optional<Timestamp> due, warn;
  std::string due_text, warn_text;
};

struct DueExpect {
  std::optional<std::string> kind, rule, entity;
  std::optional<Timestamp> at;
  std::string at_text;
};

struct Expect {
  std::optional<bool> refused;  // refused = false / true
  std::string refused_by;       // refused = "RULE"
  std::optional<std::string> error;
  std::optional<std::string> state;
  std::optional<std::vector<DecisionExpect>> decisions;
  std::optional<std::vector<ActionExpect>> actions;
  std::optional<std::vector<DeadlineExpect>> deadlines;
  std::optional<std::vector<DueExpect>> due;
  std::vector<std::string> absent;
};

struct Step {
  int index = 0;
  int64_t line = 0;
  std::string say;
  Timestamp at;
  EntityKind kind = EntityKind::kOrder;
  std::string key;  // empty: no entity (a step that only asks what is due)
  std::optional<ShopEvent> event;
  Expect expect;
};

struct Scenario {
  std::string name;
  std::optional<PolicyPack> pack;  // nullopt: the options' policy or the defaults
  std::vector<Step> steps;
  // How the file's times read (the pack's calendar, the start day).
  std::shared_ptr<const BusinessCalendar> calendar;
  TimeReader times;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Checks that `name` is one of `names`.
Result OneOf(const toml::node& n, const std::string& key, const std::string& value,
             const std::vector<std::string>& names) {
  if (std::find(names.begin(), names.end(), value) != names.end()) return std::nullopt;
  std::string list;
  for (const std::string& s : names) list += (list.empty() ? "" : ", ") + s;
  return ErrorAt(n, key, Cat("\"", value, "\" is not one of ", list));
}

std::vector<std::string> VerdictNames() { return {"allowed", "refused", "adjusted", "scheduled"}; }
std::vector<std::string> ActionKindNames() {
  std::vector<std::string> out;
  for (int k = 0; k <= static_cast<int>(ActionKind::kOther); ++k) {
    out.emplace_back(ActionKindName(static_cast<ActionKind>(k)));
  }
  return out;
}
std::vector<std::string> DeadlineOpNames() {
  std::vector<std::string> out;
  for (int k = 0; k <= static_cast<int>(DeadlineOp::kResume); ++k) {
    out.emplace_back(DeadlineOpName(static_cast<DeadlineOp>(k)));
  }
  return out;
}
std::vector<std::string> DueKindNames() { return {"warning", "breach", "action"}; }
std::vector<std::string> StatusCodeNames() {
  std::vector<std::string> out;
  for (int c = 1; c <= 16; ++c) {
    out.push_back(Lower(absl::StatusCodeToString(static_cast<absl::StatusCode>(c))));
  }
  return out;
}

// TOML to JSON, for an event's fields.
Result ToJson(const toml::node& n, const std::string& key, nlohmann::json* out) {
  if (const auto* s = n.as_string()) {
    *out = s->get();
  } else if (const auto* i = n.as_integer()) {
    *out = i->get();
  } else if (const auto* b = n.as_boolean()) {
    *out = b->get();
  } else if (const auto* a = n.as_array()) {
    *out = nlohmann::json::array();
    for (size_t k = 0; k < a->size(); ++k) {
      nlohmann::json v;
      if (Result r = ToJson(*a->get(k), Cat(key, "[", k, "]"), &v)) return r;
      out->push_back(std::move(v));
    }
  } else if (const auto* t = n.as_table()) {
    *out = nlohmann::json::object();
    for (auto&& [k, v] : *t) {
      nlohmann::json j;
      if (Result r = ToJson(v, Cat(key, ".", k.str()), &j)) return r;
      (*out)[std::string(k.str())] = std::move(j);
    }
  } else {
    return ErrorAt(n, key,
                   Cat("expected a string, integer, boolean, array or table, got ", TypeOf(n),
                       " (write amounts and times as strings)"));
  }
  return std::nullopt;
}

// Reads the keys of `table` with `read(key, node)`; an unknown key is an
// error naming the ones known.
template <class Fn>
Result ReadTable(const toml::table& table, const std::string& where,
                 const std::vector<std::string>& known, Fn read) {
  for (auto&& [k, v] : table) {
    const std::string name(k.str());
    const std::string path = where.empty() ? name : Cat(where, ".", name);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const std::string& s : known) list += (list.empty() ? "" : ", ") + s;
      return ErrorAt(v, path, Cat("unknown key (known: ", list, ")"));
    }
    if (Result r = read(name, path, v)) return r;
  }
  return std::nullopt;
}

Result ReadString(const toml::node& n, const std::string& path, std::string* out) {
  const auto* s = n.as_string();
  if (s == nullptr) return Want(n, path, "a string");
  *out = s->get();
  return std::nullopt;
}

Result ReadOptString(const toml::node& n, const std::string& path,
                     std::optional<std::string>* out) {
  std::string s;
  if (Result r = ReadString(n, path, &s)) return r;
  *out = std::move(s);
  return std::nullopt;
}

Result ReadTime(const toml::node& n, const std::string& path, const TimeReader& times,
                std::optional<Timestamp>* out, std::string* text) {
  if (Result r = ReadString(n, path, text)) return r;
  absl::StatusOr<Timestamp> t = times.Read(*text);
  if (!t.ok()) return ErrorAt(n, path, std::string(t.status().message()));
  *out = *t;
  return std::nullopt;
}

// An array of tables, each read by `read`.
template <class T, class Fn>
Result ReadList(const toml::node& n, const std::string& path, std::optional<std::vector<T>>* out,
                Fn read) {
  const auto* a = n.as_array();
  if (a == nullptr) return Want(n, path, "an array of tables");
  out->emplace();
  for (size_t k = 0; k < a->size(); ++k) {
    const toml::node& e = *a->get(k);
    const std::string p = Cat(path, "[", k, "]");
    const auto* t = e.as_table();
    if (t == nullptr) return Want(e, p, "a table");
    T item;
    if (Result r = read(*t, p, &item)) return r;
    (*out)->push_back(std::move(item));
  }
  return std::nullopt;
}

class ScenarioReader {
 public:
  ScenarioReader(std::string file, const ScenarioOptions& options)
      : file_(std::move(file)), options_(options) {}

  // The scenario, or the first error.
  absl::StatusOr<Scenario> Read(std::string_view text) {
    toml::table doc;
    try {
      doc = toml::parse(text, std::string_view(file_));
    } catch (const toml::parse_error& e) {
      return Error(ReadError{static_cast<int64_t>(e.source().begin.line),
                             static_cast<int64_t>(e.source().begin.column), "",
                             std::string(e.description())});
    }
    Scenario s;
    const toml::table* head = doc["scenario"].as_table();
    if (head == nullptr) {
      return Error(ReadError{1, 1, "scenario", "a scenario file needs a [scenario] table"});
    }
    std::string policy;
    const toml::node* policy_node = nullptr;
    const toml::node* start_node = nullptr;
    std::string start_text;
    std::string default_agent;
    Result r = ReadTable(*head, "scenario", {"name", "policy", "start", "agent"},
                         [&](const std::string& k, const std::string& p, const toml::node& v) {
                           if (k == "name") return ReadString(v, p, &s.name);
                           if (k == "agent") return ReadString(v, p, &default_agent);
                           if (k == "policy") {
                             policy_node = &v;
                             return ReadString(v, p, &policy);
                           }
                           start_node = &v;
                           return ReadString(v, p, &start_text);
                         });
    if (r) return Error(*r);
    for (auto&& [k, v] : doc) {
      const std::string name(k.str());
      if (name != "scenario" && name != "step" && name != "pack") {
        return Error(ErrorAt(v, name, "unknown table (known: scenario, pack, step)"));
      }
    }

    // The pack: --policy or the defaults, the scenario's own file, then
    // [pack.*] overrides.
    std::optional<PolicyPack> base = options_.policy;
    if (policy_node != nullptr) {
      std::string path = policy;
      const size_t slash = file_.rfind('/');
      if (!path.empty() && path[0] != '/' && slash != std::string::npos) {
        path = file_.substr(0, slash + 1) + path;
      }
      absl::StatusOr<PolicyPack> p = LoadPolicyPack(path);
      if (!p.ok())
        return Error(ErrorAt(*policy_node, "scenario.policy", std::string(p.status().message())));
      base = *std::move(p);
    }
    if (const toml::node* overrides = doc.get("pack")) {
      const toml::table* t = overrides->as_table();
      if (t == nullptr) return Error(Want(*overrides, "pack", "a table of pack tables").value());
      absl::StatusOr<PolicyPack> p = Override(base ? *base : PolicyPack::Defaults(), *t);
      if (!p.ok()) return p.status();
      base = *std::move(p);
    }
    s.pack = std::move(base);
    calendar_ = s.pack ? s.pack->calendar() : nullptr;
    if (calendar_ == nullptr) calendar_ = PolicyPack::Defaults().calendar();
    times_.calendar = calendar_.get();
    if (start_node != nullptr) {
      int y = 0, m = 0, d = 0;
      char tail = 0;
      if (std::sscanf(start_text.c_str(), "%d-%d-%d%c", &y, &m, &d, &tail) != 3 ||
          LocalDay(y, m, d).month() != m || LocalDay(y, m, d).day() != d) {
        return Error(ErrorAt(*start_node, "scenario.start", "expected a date \"YYYY-MM-DD\""));
      }
      times_.start = LocalDay(y, m, d);
    }
    default_agent_ = default_agent;
    s.calendar = calendar_;
    s.times = times_;

    const toml::node* steps = doc.get("step");
    if (steps == nullptr) return Error(ReadError{0, 0, "step", "no [[step]]: nothing to run"});
    const toml::array* a = steps->as_array();
    if (a == nullptr || !a->is_array_of_tables()) {
      return Error(Want(*steps, "step", "[[step]] tables").value());
    }
    for (size_t k = 0; k < a->size(); ++k) {
      Step step;
      step.index = static_cast<int>(k) + 1;
      if (Result e = ReadStep(*a->get(k)->as_table(), &step)) return Error(*e);
      s.steps.push_back(std::move(step));
    }
    if (s.name.empty()) {
      const size_t slash = file_.rfind('/');
      s.name = slash == std::string::npos ? file_ : file_.substr(slash + 1);
    }
    return s;
  }

 private:
  absl::Status Error(const ReadError& e) const {
    std::string where = file_;
    if (e.line > 0) where += Cat(":", e.line);
    if (e.column > 0) where += Cat(":", e.column);
    return absl::InvalidArgumentError(
        Cat(where, ": ", e.key.empty() ? "" : e.key + ": ", e.message));
  }

  // The pack `base` with the keys of `overrides` ([pack.RULE] tables) set.
  absl::StatusOr<PolicyPack> Override(const PolicyPack& base, const toml::table& overrides) {
    toml::table merged;
    try {
      const std::string base_text = base.ToToml(false);
      merged = toml::parse(std::string_view(base_text), std::string_view("base pack"));
    } catch (const toml::parse_error& e) {
      return absl::InternalError(Cat("the base pack does not read back: ", e.description()));
    }
    Merge(overrides, &merged);
    const std::string text = EmitToml(merged);
    PackReading reading = ReadPolicyPack(text, Cat(file_, " [pack]"));
    if (reading.pack.has_value()) return *std::move(reading.pack);
    // Name the override's own line.
    const PackMessage& m = reading.errors.front();
    const toml::node* at = nullptr;
    if (!m.key.empty()) {
      const size_t dot = m.key.find('.');
      const toml::node* table = overrides.get(m.key.substr(0, dot));
      at = table;
      if (table != nullptr && table->is_table() && dot != std::string::npos) {
        if (const toml::node* key = table->as_table()->get(m.key.substr(dot + 1))) at = key;
      }
    }
    ReadError e{0, 0, Cat("pack", m.key.empty() ? "" : ".", m.key), m.message};
    if (at != nullptr) {
      e.line = static_cast<int64_t>(at->source().begin.line);
      e.column = static_cast<int64_t>(at->source().begin.column);
    }
    return Error(e);
  }

  static void Merge(const toml::table& from, toml::table* into) {
    for (auto&& [k, v] : from) {
      toml::node* mine = into->get(k.str());
      if (v.is_table() && mine != nullptr && mine->is_table()) {
        Merge(*v.as_table(), mine->as_table());
      } else {
        into->insert_or_assign(k, v);
      }
    }
  }

  static std::string Quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20 || u == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", u);
        out += buf;
      } else {
        out += c;
      }
    }
    return out + "\"";
  }

  static std::string EmitValue(const toml::node& n) {
    if (const auto* s = n.as_string()) return Quote(s->get());
    if (const auto* i = n.as_integer()) return std::to_string(i->get());
    if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
    if (const auto* f = n.as_floating_point()) return Cat(f->get());
    if (const auto* d = n.as_date()) {
      char buf[16];
      const toml::date v = d->get();
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", v.year, v.month, v.day);
      return buf;
    }
    if (const auto* a = n.as_array()) {
      std::string out = "[";
      for (size_t k = 0; k < a->size(); ++k) out += (k ? ", " : "") + EmitValue(*a->get(k));
      return out + "]";
    }
    if (const auto* t = n.as_table()) {
      std::string out = "{";
      bool first = true;
      for (auto&& [k, v] : *t) {
        out += Cat(first ? "" : ", ", Quote(k.str()), " = ", EmitValue(v));
        first = false;
      }
      return out + "}";
    }
    return "\"\"";  // times and date-times: no pack key has them
  }

  // `root` as TOML text: its tables as [headers] with inline values.
  static std::string EmitToml(const toml::table& root) {
    std::string out;
    for (auto&& [k, v] : root) {
      if (!v.is_table()) out += Cat(Quote(k.str()), " = ", EmitValue(v), "\n");
    }
    for (auto&& [k, v] : root) {
      if (!v.is_table()) continue;
      out += Cat("[", Quote(k.str()), "]\n");
      for (auto&& [k2, v2] : *v.as_table()) {
        out += Cat(Quote(k2.str()), " = ", EmitValue(v2), "\n");
      }
    }
    return out;
  }

  Result ReadStep(const toml::table& t, Step* step) {
    step->line = static_cast<int64_t>(t.source().begin.line);
    const std::string where = Cat("step[", step->index, "]");
    std::optional<std::string> event_type, id, agent;
    const toml::node* fields = nullptr;
    const toml::node* at_node = nullptr;
    const toml::node* event_node = nullptr;
    int entities = 0;
    Result r =
        ReadTable(t, where,
                  {"say", "at", "order", "ticket", "review", "reply", "team", "event", "id", "agent",
                   "fields", "expect"},
                  [&](const std::string& k, const std::string& p, const toml::node& v) -> Result {
                    if (k == "say") return ReadString(v, p, &step->say);
                    if (k == "at") {
                      at_node = &v;
                      std::optional<Timestamp> at;
                      std::string text;
                      if (Result e = ReadTime(v, p, times_, &at, &text)) return e;
                      step->at = *at;
                      return std::nullopt;
                    }
                    if (k == "order" || k == "ticket" || k == "review" || k == "reply" ||
                        k == "team") {
                      ++entities;
                      step->kind = k == "order"    ? EntityKind::kOrder
                                   : k == "ticket" ? EntityKind::kTicket
                                   : k == "review" ? EntityKind::kReview
                                   : k == "reply"  ? EntityKind::kReply
                                                   : EntityKind::kTeam;
                      return ReadString(v, p, &step->key);
                    }
                    if (k == "event") {
                      event_node = &v;
                      return ReadOptString(v, p, &event_type);
                    }
                    if (k == "id") return ReadOptString(v, p, &id);
                    if (k == "agent") return ReadOptString(v, p, &agent);
                    if (k == "fields") {
                      fields = &v;
                      if (!v.is_table()) return Want(v, p, "a table of the event's fields");
                      return std::nullopt;
                    }
                    const toml::table* e = v.as_table();
                    if (e == nullptr) return Want(v, p, "a table");
                    return ReadExpect(*e, p, &step->expect);
                  });
    if (r) return r;
    if (at_node == nullptr) return ReadError{step->line, 0, where, "a step needs `at`"};
    if (entities > 1) {
      return ReadError{step->line, 0, where, "one of order, ticket, review, reply or team, not more"};
    }
    if (event_type.has_value()) {
      if (entities == 0) {
        return ErrorAt(*event_node, where + ".event",
                       "an event needs its entity: order, ticket, review, reply or team = \"KEY\"");
      }
      nlohmann::json line = nlohmann::json::object();
      line["id"] = id.value_or(Cat("step-", step->index));
      line["at"] = FormatTimestamp(step->at, calendar_->UtcOffsetAt(step->at));
      line["agent"] = agent.value_or(default_agent_);
      line["entity"] = std::string(EntityKindName(step->kind));
      line["key"] = step->key;
      line["type"] = *event_type;
      if (fields != nullptr) {
        nlohmann::json f;
        if (Result e = ToJson(*fields, where + ".fields", &f)) return e;
        line["fields"] = std::move(f);
      }
      absl::StatusOr<ShopEvent> event = ParseEvent(line.dump());
      if (!event.ok()) {
        const toml::node& at = fields != nullptr ? *fields : *event_node;
        return ErrorAt(at, where, Cat("the event does not read: ", event.status().message()));
      }
      step->event = *std::move(event);
    } else if (fields != nullptr || id.has_value() || agent.has_value()) {
      return ReadError{step->line, 0, where, "fields, id and agent need an event"};
    }
    if (step->expect.state.has_value() && entities == 0) {
      return ReadError{step->line, 0, where + ".expect.state",
                       "a state needs the step's entity: order, ticket, review, reply or team"};
    }
    const bool has_outcome_expectations =
        step->expect.refused.has_value() || step->expect.error.has_value() ||
        step->expect.decisions.has_value() || step->expect.actions.has_value() ||
        step->expect.deadlines.has_value() || !step->expect.absent.empty();
    if (has_outcome_expectations && !event_type.has_value()) {
      return ReadError{step->line, 0, where + ".expect",
                       "decisions, actions, deadlines, refused, error and absent need an event"};
    }
    return std::nullopt;
  }

  Result ReadExpect(const toml::table& t, const std::string& where, Expect* x) {
    return ReadTable(
        t, where,
        {"refused", "error", "state", "decisions", "actions", "deadlines", "due", "absent"},
        [&](const std::string& k, const std::string& p, const toml::node& v) -> Result {
          if (k == "refused") {
            if (const auto* b = v.as_boolean()) {
              x->refused = b->get();
              return std::nullopt;
            }
            if (const auto* s = v.as_string()) {
              x->refused = true;
              x->refused_by = s->get();
              return std::nullopt;
            }
            return Want(v, p, "a rule ID or a boolean");
          }
          if (k == "error") {
            std::string code;
            if (Result e = ReadString(v, p, &code)) return e;
            code = Lower(code);
            if (Result e = OneOf(v, p, code, StatusCodeNames())) return e;
            x->error = code;
            return std::nullopt;
          }
          if (k == "state") return ReadOptString(v, p, &x->state);
          if (k == "absent") {
            const auto* a = v.as_array();
            if (a == nullptr) return Want(v, p, "an array of rule IDs");
            for (const toml::node& e : *a) {
              std::string s;
              if (Result er = ReadString(e, p, &s)) return er;
              x->absent.push_back(std::move(s));
            }
            return std::nullopt;
          }
          if (k == "decisions") return ReadList(v, p, &x->decisions, ReadDecision);
          if (k == "actions") {
            return ReadList(v, p, &x->actions,
                            [this](const toml::table& e, const std::string& q, ActionExpect* o) {
                              return ReadAction(e, q, o);
                            });
          }
          if (k == "deadlines") {
            return ReadList(v, p, &x->deadlines,
                            [this](const toml::table& e, const std::string& q, DeadlineExpect* o) {
                              return ReadDeadline(e, q, o);
                            });
          }
          return ReadList(v, p, &x->due,
                          [this](const toml::table& e, const std::string& q, DueExpect* o) {
                            return ReadDue(e, q, o);
                          });
        });
  }

  static Result ReadDecision(const toml::table& t, const std::string& where, DecisionExpect* d) {
    return ReadTable(
        t, where, {"rule", "verdict", "figures"},
        [&](const std::string& k, const std::string& p, const toml::node& v) -> Result {
          if (k == "rule") return ReadOptString(v, p, &d->rule);
          if (k == "verdict") {
            if (Result e = ReadOptString(v, p, &d->verdict)) return e;
            return OneOf(v, p, *d->verdict, VerdictNames());
          }
          const toml::table* f = v.as_table();
          if (f == nullptr) return Want(v, p, "a table of figures");
          for (auto&& [name, value] : *f) {
            if (!value.is_string() && !value.is_integer()) {
              return Want(value, Cat(p, ".", name.str()), "a string or an integer");
            }
            d->figures.push_back(FigureExpect{std::string(name.str()),
                                              value.is_string()
                                                  ? value.as_string()->get()
                                                  : std::to_string(value.as_integer()->get())});
          }
          return std::nullopt;
        });
  }

  Result ReadAction(const toml::table& t, const std::string& where, ActionExpect* a) const {
    return ReadTable(
        t, where, {"kind", "rule", "assignee", "subject", "due"},
        [&](const std::string& k, const std::string& p, const toml::node& v) -> Result {
          if (k == "kind") {
            if (Result e = ReadOptString(v, p, &a->kind)) return e;
            return OneOf(v, p, *a->kind, ActionKindNames());
          }
          if (k == "rule") return ReadOptString(v, p, &a->rule);
          if (k == "assignee") return ReadOptString(v, p, &a->assignee);
          if (k == "subject") return ReadOptString(v, p, &a->subject);
          return ReadTime(v, p, times_, &a->due, &a->due_text);
        });
  }

  Result ReadDeadline(const toml::table& t, const std::string& where, DeadlineExpect* d) const {
    return ReadTable(
        t, where, {"rule", "op", "due", "warn"},
        [&](const std::string& k, const std::string& p, const toml::node& v) -> Result {
          if (k == "rule") return ReadOptString(v, p, &d->rule);
          if (k == "op") {
            if (Result e = ReadOptString(v, p, &d->op)) return e;
            return OneOf(v, p, *d->op, DeadlineOpNames());
          }
          if (k == "due") return ReadTime(v, p, times_, &d->due, &d->due_text);
          return ReadTime(v, p, times_, &d->warn, &d->warn_text);
        });
  }

  Result ReadDue(const toml::table& t, const std::string& where, DueExpect* d) const {
    return ReadTable(
        t, where, {"kind", "rule", "entity", "at"},
        [&](const std::string& k, const std::string& p, const toml::node& v) -> Result {
          if (k == "kind") {
            if (Result e = ReadOptString(v, p, &d->kind)) return e;
            return OneOf(v, p, *d->kind, DueKindNames());
          }
          if (k == "rule") return ReadOptString(v, p, &d->rule);
          if (k == "entity") return ReadOptString(v, p, &d->entity);
          return ReadTime(v, p, times_, &d->at, &d->at_text);
        });
  }

  std::string file_;
  const ScenarioOptions& options_;
  std::shared_ptr<const BusinessCalendar> calendar_;
  TimeReader times_;
  std::string default_agent_;
};

// ---------------------------------------------------------------- running

std::string ValueText(const Figure::Value& value) {
  struct Visitor {
    std::string operator()(Money m) const { return m.ToString(); }
    std::string operator()(Timestamp t) const { return FormatTimestamp(t); }
    std::string operator()(int64_t n) const { return std::to_string(n); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const Term& t) const { return std::string(t.key); }
    std::string operator()(const TermList& list) const {
      std::string out;
      for (const Term& t : list) out += (out.empty() ? "" : ", ") + std::string(t.key);
      return out.empty() ? "[]" : out;
    }
  };
  return std::visit(Visitor{}, value);
}

std::string FiguresText(const Figures& figures) {
  if (figures.empty()) return "";
  std::string out = " {";
  for (size_t k = 0; k < figures.size(); ++k) {
    out += Cat(k ? ", " : "", figures[k].name, "=", ValueText(figures[k].value));
  }
  return out + "}";
}

class StepRunner {
 public:
  StepRunner(const TimeReader& times) : times_(times) {}

  bool FigureMatches(const Figure::Value& actual, const std::string& text) const {
    if (const Money* m = std::get_if<Money>(&actual)) {
      absl::StatusOr<Money> e = Money::Parse(text);
      return e.ok() && *e == *m;
    }
    if (const Timestamp* t = std::get_if<Timestamp>(&actual)) {
      absl::StatusOr<Timestamp> e = times_.Read(text);
      return e.ok() && *e == *t;
    }
    return ValueText(actual) == text;
  }

  bool Matches(const DecisionExpect& x, const Decision& d) const {
    if (x.rule && *x.rule != d.rule) return false;
    if (x.verdict && *x.verdict != VerdictName(d.verdict)) return false;
    for (const FigureExpect& f : x.figures) {
      const Figure* a = d.Find(f.name);
      if (a == nullptr || !FigureMatches(a->value, f.text)) return false;
    }
    return true;
  }
  static bool Matches(const ActionExpect& x, const Action& a) {
    if (x.kind && *x.kind != ActionKindName(a.kind)) return false;
    if (x.rule && *x.rule != a.rule) return false;
    if (x.assignee && *x.assignee != a.assignee) return false;
    if (x.subject && *x.subject != a.subject) return false;
    if (x.due && (!a.due.has_value() || *a.due != *x.due)) return false;
    return true;
  }
  static bool Matches(const DeadlineExpect& x, const Deadline& d) {
    if (x.rule && *x.rule != d.rule) return false;
    if (x.op && *x.op != DeadlineOpName(d.op)) return false;
    if (x.due && *x.due != d.due) return false;
    if (x.warn && (!d.warn_at.has_value() || *d.warn_at != *x.warn)) return false;
    return true;
  }
  static bool Matches(const DueExpect& x, const DueItem& d) {
    if (x.kind && *x.kind != DueKindName(d.kind)) return false;
    if (x.rule && *x.rule != d.rule) return false;
    if (x.entity && *x.entity != d.entity) return false;
    if (x.at && *x.at != d.at) return false;
    return true;
  }

  static std::string Text(const DecisionExpect& x) {
    std::string out = Cat("decision ", x.rule.value_or("*"), " ", x.verdict.value_or("*"));
    if (!x.figures.empty()) {
      out += " {";
      for (size_t k = 0; k < x.figures.size(); ++k) {
        out += Cat(k ? ", " : "", x.figures[k].name, "=", x.figures[k].text);
      }
      out += "}";
    }
    return out;
  }
  static std::string Text(const Decision& d) {
    return Cat("decision ", d.rule, " ", VerdictName(d.verdict), FiguresText(d.figures));
  }
  static std::string Text(const ActionExpect& x) {
    std::string out = Cat("action ", x.kind.value_or("*"));
    if (x.assignee) out += Cat(" for ", *x.assignee);
    if (x.subject) out += Cat(" about ", *x.subject);
    if (x.rule) out += Cat(" (", *x.rule, ")");
    if (x.due) out += Cat(" due ", FormatTimestamp(*x.due));
    return out;
  }
  static std::string Text(const Action& a) {
    std::string out = Cat("action ", ActionKindName(a.kind));
    if (!a.assignee.empty()) out += Cat(" for ", a.assignee);
    if (!a.subject.empty()) out += Cat(" about ", a.subject);
    if (!a.rule.empty()) out += Cat(" (", a.rule, ")");
    if (a.due) out += Cat(" due ", FormatTimestamp(*a.due));
    return out;
  }
  static std::string Text(const DeadlineExpect& x) {
    std::string out = Cat("deadline ", x.rule.value_or("*"), " ", x.op.value_or("*"));
    if (x.due) out += Cat(" due ", FormatTimestamp(*x.due));
    if (x.warn) out += Cat(" warn ", FormatTimestamp(*x.warn));
    return out;
  }
  static std::string Text(const Deadline& d) {
    std::string out = Cat("deadline ", d.rule, " ", DeadlineOpName(d.op));
    if (d.op == DeadlineOp::kSet || d.op == DeadlineOp::kResume) {
      out += Cat(" due ", FormatTimestamp(d.due));
      if (d.warn_at) out += Cat(" warn ", FormatTimestamp(*d.warn_at));
    }
    return out;
  }
  static std::string Text(const DueExpect& x) {
    std::string out = Cat("due ", x.kind.value_or("*"), " ", x.rule.value_or("*"));
    if (x.entity) out += Cat(" for ", *x.entity);
    if (x.at) out += Cat(" at ", FormatTimestamp(*x.at));
    return out;
  }
  static std::string Text(const DueItem& d) {
    return Cat("due ", DueKindName(d.kind), " ", d.rule, " for ", d.entity, " at ",
               FormatTimestamp(d.at));
  }

  // Each expected item must match a distinct actual one; an empty list
  // expects none. Appends the diff of what is missing.
  template <class X, class A>
  void Compare(const char* what, const std::optional<std::vector<X>>& expected,
               const std::vector<A>& actual, std::vector<std::string>* diff) const {
    if (!expected.has_value()) return;
    std::vector<bool> used(actual.size(), false);
    std::vector<std::string> missing;
    for (const X& x : *expected) {
      bool found = false;
      for (size_t k = 0; k < actual.size() && !found; ++k) {
        if (!used[k] && Matches(x, actual[k])) found = used[k] = true;
      }
      if (!found) missing.push_back("- " + Text(x));
    }
    if (expected->empty() && !actual.empty()) missing.push_back(Cat("- no ", what));
    if (missing.empty()) return;
    diff->insert(diff->end(), missing.begin(), missing.end());
    if (actual.empty()) diff->push_back(Cat("+ no ", what));
    for (const A& a : actual) diff->push_back("+ " + Text(a));
  }

 private:
  const TimeReader& times_;
};

std::string StateOf(const Shop& shop, EntityKind kind, const std::string& key) {
  switch (kind) {
    case EntityKind::kOrder:
      if (const Order* o = shop.FindOrder(key)) return std::string(o->state());
      break;
    case EntityKind::kTicket:
      if (const Ticket* t = shop.FindTicket(key)) return std::string(t->state());
      break;
    case EntityKind::kReview:
      if (const Review* r = shop.FindReview(key)) return std::string(r->state());
      break;
    case EntityKind::kReply:
      return "open";
    case EntityKind::kTeam:
      if (std::optional<TeamMemberState> m = shop.FindTeamMember(key)) return m->state;
      break;
  }
  return "(none)";
}

std::string CodeName(const absl::Status& s) { return Lower(absl::StatusCodeToString(s.code())); }

}  // namespace

bool LooksLikeScenario(std::string_view text) {
  try {
    toml::table doc = toml::parse(text);
    return doc.contains("scenario");
  } catch (const toml::parse_error&) {
    return true;
  }
}

absl::StatusOr<ScenarioResult> RunScenario(std::string_view toml, const std::string& file,
                                           const ScenarioOptions& options) {
  ScenarioReader reader(file, options);
  absl::StatusOr<Scenario> read = reader.Read(toml);
  if (!read.ok()) return read.status();
  Scenario& s = *read;
  const PolicyPack& pack = s.pack ? *s.pack : PolicyPack::Defaults();
  ShopOptions shop_options = pack.shop_options();
  shop_options.shards = 1;
  KEFU_ASSIGN_OR_RETURN(std::unique_ptr<Shop> shop, Shop::Create(std::move(shop_options)));
  StepRunner runner(s.times);

  ScenarioResult result;
  result.file = file;
  result.name = s.name;
  result.steps = static_cast<int>(s.steps.size());
  for (const Step& step : s.steps) {
    std::vector<std::string> diff;
    std::vector<std::string> refusals;
    const Expect& x = step.expect;
    if (step.event.has_value()) {
      absl::StatusOr<Outcome> r = shop->Apply(*step.event);
      if (x.error.has_value()) {
        if (r.ok()) {
          diff.push_back(Cat("- error ", *x.error));
          diff.push_back("+ an outcome:");
          for (const Decision& d : r->decisions) diff.push_back("+ " + StepRunner::Text(d));
        } else if (CodeName(r.status()) != *x.error) {
          diff.push_back(Cat("- error ", *x.error));
          diff.push_back(Cat("+ error ", CodeName(r.status()), ": ", r.status().message()));
        }
      } else if (!r.ok()) {
        diff.push_back("- an outcome");
        diff.push_back(Cat("+ error ", CodeName(r.status()), ": ", r.status().message()));
      } else {
        if (options.coverage != nullptr) options.coverage->Record(step.event->kind(), *r);
        if (x.refused.has_value()) {
          const Decision* refusing = nullptr;
          for (const Decision& d : r->decisions) {
            if (d.verdict == Verdict::kRefused && refusing == nullptr) refusing = &d;
          }
          const bool refused = r->refused();
          const std::string actual =
              refused ? Cat("refused by ", refusing ? refusing->rule : "?") : "not refused";
          if (!*x.refused && refused) {
            diff.push_back("- not refused");
            diff.push_back("+ " + actual);
          } else if (*x.refused && !refused) {
            diff.push_back(x.refused_by.empty() ? "- refused" : "- refused by " + x.refused_by);
            diff.push_back("+ " + actual);
          } else if (*x.refused && !x.refused_by.empty()) {
            bool by = false;
            for (const Decision& d : r->decisions) {
              by = by || (d.verdict == Verdict::kRefused && d.rule == x.refused_by);
            }
            if (!by) {
              diff.push_back("- refused by " + x.refused_by);
              diff.push_back("+ " + actual);
            }
          }
        }
        runner.Compare("decisions", x.decisions, r->decisions, &diff);
        runner.Compare("actions", x.actions, r->actions, &diff);
        runner.Compare("deadlines", x.deadlines, r->deadlines, &diff);
        if (r->refused() && !x.refused.has_value()) {
          // Said when the step fails: a refusal nothing expected explains it.
          for (const Decision& d : r->decisions) {
            if (d.verdict == Verdict::kRefused) {
              refusals.push_back(Cat("+ refused by ", d.rule, ": ", d.Reason(Language::kEn)));
            }
          }
        }
        for (const std::string& rule : x.absent) {
          for (const Decision& d : r->decisions) {
            if (d.rule == rule) {
              diff.push_back(Cat("- no decision of ", rule));
              diff.push_back("+ " + StepRunner::Text(d));
            }
          }
        }
      }
    }
    if (x.state.has_value()) {
      const std::string state = StateOf(*shop, step.kind, step.key);
      if (state != *x.state) {
        diff.push_back(Cat("- state ", *x.state));
        diff.push_back(Cat("+ state ", state));
      }
    }
    if (x.due.has_value()) {
      runner.Compare("items due", x.due, shop->Due(step.at), &diff);
    }
    if (!diff.empty()) {
      diff.insert(diff.end(), refusals.begin(), refusals.end());
      ScenarioFailure f;
      f.step = step.index;
      f.line = step.line;
      f.title = step.say;
      if (f.title.empty() && step.event.has_value()) {
        f.title = Cat(EventName(*step.event), " ", EntityKindName(step.kind), " ", step.key);
      } else if (f.title.empty()) {
        f.title = Cat("at ", FormatTimestamp(step.at));
      }
      f.diff = std::move(diff);
      result.failures.push_back(std::move(f));
    }
  }
  return result;
}

absl::StatusOr<ScenarioResult> RunScenarioFile(const std::string& path,
                                               const ScenarioOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(Cat(path, ": cannot be read"));
  std::stringstream text;
  text << in.rdbuf();
  return RunScenario(text.str(), path, options);
}

}  // namespace kefu
