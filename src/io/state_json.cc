// An entity's snapshot as one JSON document (kefu/io/state_json.h).
#include "kefu/io/state_json.h"

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "core/codec.h"
#include "core/schema.h"
#include "engine/reply_schema.h"
#include "machines/event_schema.h"
#include "nlohmann/json.hpp"

namespace kefu {
namespace {

using internal::Field;
using internal::Kind;
using internal::Schema;
using internal::ToAbsl;
using Json = nlohmann::ordered_json;

// ------------------------------------------------------------ writing

Json TimeJson(Timestamp t) { return internal::TimestampText(t); }

Json ObjectJson(const Schema& schema, const void* obj);

Json ValueJson(const Field& f, const void* value) {
  switch (f.kind) {
    case Kind::kString: return *static_cast<const std::string*>(value);
    case Kind::kBool: return *static_cast<const bool*>(value);
    case Kind::kInt32: return *static_cast<const int32_t*>(value);
    case Kind::kIndex: return static_cast<uint64_t>(*static_cast<const size_t*>(value));
    case Kind::kMoney: return static_cast<const Money*>(value)->ToString();
    case Kind::kEnum: {
      const int v = f.enum_get(value);
      const auto& names = f.enums->names;
      return std::string(v >= 0 && static_cast<size_t>(v) < names.size()
                             ? names[static_cast<size_t>(v)]
                             : std::string_view("unknown"));
    }
    case Kind::kObject: return ObjectJson(*f.nested, value);
    case Kind::kArray: {
      Json a = Json::array();
      for (size_t i = 0; i < f.size(value); ++i) a.push_back(ObjectJson(*f.nested, f.at(value, i)));
      return a;
    }
    case Kind::kInt64: return *static_cast<const int64_t*>(value);
    case Kind::kUint32: return *static_cast<const uint32_t*>(value);
    case Kind::kTimestamp: return TimeJson(*static_cast<const Timestamp*>(value));
    case Kind::kRuleId: return std::string(*static_cast<const RuleId*>(value));
  }
  return nullptr;
}

Json ObjectJson(const Schema& schema, const void* obj) {
  Json j = Json::object();
  for (const Field& f : schema.fields) {
    if (!f.required && internal::FieldIsDefault(f, obj)) continue;
    const void* value = f.get(obj);
    if (value == nullptr) continue;
    j[std::string(f.name)] = ValueJson(f, value);
  }
  return j;
}

Json MessageJson(const Message& m) {
  Json j = Json::object();
  if (m.zh != nullptr) j["zh"] = m.zh;
  if (m.en != nullptr) j["en"] = m.en;
  return j;
}

Json TermJson(const Term& t) {
  Json j = Json::object();
  j["key"] = std::string(t.key);
  if (t.zh != nullptr) j["zh"] = t.zh;
  if (t.en != nullptr) j["en"] = t.en;
  return j;
}

// Each figure: {"name": ..., <type>: value}, the type one of "money",
// "time", "count", "text", "term", "terms".
Json FiguresJson(const Figures& figures) {
  Json a = Json::array();
  for (const Figure& f : figures) {
    Json j = Json::object();
    j["name"] = std::string(f.name);
    switch (f.value.index()) {
      case 0: j["money"] = std::get<Money>(f.value).ToString(); break;
      case 1: j["time"] = TimeJson(std::get<Timestamp>(f.value)); break;
      case 2: j["count"] = std::get<int64_t>(f.value); break;
      case 3: j["text"] = std::get<std::string>(f.value); break;
      case 4: j["term"] = TermJson(std::get<Term>(f.value)); break;
      case 5: {
        Json terms = Json::array();
        for (const Term& t : std::get<TermList>(f.value)) terms.push_back(TermJson(t));
        j["terms"] = std::move(terms);
        break;
      }
      default: break;
    }
    a.push_back(std::move(j));
  }
  return a;
}

Json ActionJson(const Action& a) {
  Json j = Json::object();
  j["kind"] = std::string(ActionKindName(a.kind));
  j["rule"] = std::string(a.rule);
  j["assignee"] = a.assignee;
  j["subject"] = a.subject;
  if (a.due) j["due"] = TimeJson(*a.due);
  j["message"] = MessageJson(a.message);
  j["figures"] = FiguresJson(a.figures);
  return j;
}

Json DeadlineJson(const Deadline& d) {
  Json j = Json::object();
  j["rule"] = std::string(d.rule);
  j["op"] = std::string(DeadlineOpName(d.op));
  j["due"] = TimeJson(d.due);
  if (d.warn_at) j["warn_at"] = TimeJson(*d.warn_at);
  j["message"] = MessageJson(d.message);
  j["figures"] = FiguresJson(d.figures);
  return j;
}

Json OutcomeJson(const Outcome& o) {
  Json j = Json::object();
  j["entity"] = o.entity;
  Json decisions = Json::array();
  for (const Decision& d : o.decisions) {
    Json dj = Json::object();
    dj["rule"] = std::string(d.rule);
    dj["verdict"] = std::string(VerdictName(d.verdict));
    dj["message"] = MessageJson(d.message);
    dj["figures"] = FiguresJson(d.figures);
    decisions.push_back(std::move(dj));
  }
  j["decisions"] = std::move(decisions);
  Json actions = Json::array();
  for (const Action& a : o.actions) actions.push_back(ActionJson(a));
  j["actions"] = std::move(actions);
  Json deadlines = Json::array();
  for (const Deadline& d : o.deadlines) deadlines.push_back(DeadlineJson(d));
  j["deadlines"] = std::move(deadlines);
  const AuditRecord& a = o.audit;
  Json audit = Json::object();
  audit["event_id"] = a.event_id;
  audit["event_type"] = std::string(a.event_type);
  audit["agent"] = a.agent;
  audit["at"] = TimeJson(a.at);
  audit["state_before"] = std::string(a.state_before);
  audit["state_after"] = std::string(a.state_after);
  audit["duplicate"] = a.duplicate;
  audit["refused"] = a.refused;
  audit["note"] = a.note;
  if (a.policy_revision != 0) audit["policy_revision"] = PolicyRevisionText(a.policy_revision);
  Json verdicts = Json::array();
  for (const RuleVerdict& v : a.verdicts) {
    verdicts.push_back({{"rule", std::string(v.rule)}, {"verdict", std::string(VerdictName(v.verdict))}});
  }
  audit["verdicts"] = std::move(verdicts);
  j["audit"] = std::move(audit);
  return j;
}

template <class Data>
std::string ToJson(std::string_view kind, const Schema& schema,
                   const MachineSnapshot<Data>& s) {
  Json j = Json::object();
  j["kind"] = std::string(kind);
  j["format"] = s.format_version;
  j["state"] = s.state;
  j["data"] = ObjectJson(schema, &s.data);
  Json log = Json::array();
  for (size_t i = 0; i < s.applied.size(); ++i) {
    Json entry = Json::object();
    entry["outcome"] = OutcomeJson(s.applied[i]);
    Json digest = Json::array();
    if (i < s.digests.size()) {
      for (const EventDigest::Entry& e : s.digests[i].fields) digest.push_back({e.field, e.hash});
    }
    entry["digest"] = std::move(digest);
    log.push_back(std::move(entry));
  }
  j["log"] = std::move(log);
  // Ill-formed UTF-8 in a text (a reply as an agent wrote it) is written as
  // U+FFFD: JSON has no other way to hold it.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// ------------------------------------------------------------ reading

// Finds duplicate keys, which nlohmann's DOM parser silently merges: a SAX
// pass that keeps the keys of every open object.
class DuplicateKeys : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    keys_.emplace_back();
    return true;
  }
  bool key(string_t& k) override {
    if (!keys_.back().insert(k).second) {
      duplicate_ = k;
      return false;
    }
    return true;
  }
  bool end_object() override {
    keys_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
  const std::string& duplicate() const { return duplicate_; }

 private:
  std::vector<std::set<std::string>> keys_;
  std::string duplicate_;
};

// Reads a document, naming the first problem by its path.
class Reader {
 public:
  absl::Status status() const { return status_; }
  bool ok() const { return status_.ok(); }

  bool Fail(const std::string& path, std::string_view what) {
    if (status_.ok()) {
      status_ = absl::InvalidArgumentError(
          absl::StrCat(path.empty() ? "" : path + ": ", ToAbsl(what)));
    }
    return false;
  }

  static std::string_view TypeName(const Json& j) {
    switch (j.type()) {
      case Json::value_t::null: return "null";
      case Json::value_t::boolean: return "a boolean";
      case Json::value_t::number_integer:
      case Json::value_t::number_unsigned: return "an integer";
      case Json::value_t::number_float: return "a number with a fraction";
      case Json::value_t::string: return "a string";
      case Json::value_t::array: return "an array";
      case Json::value_t::object: return "an object";
      default: return "a value of another kind";
    }
  }
  bool Expect(const std::string& path, const Json& j, bool ok, std::string_view what) {
    if (ok) return true;
    return Fail(path, absl::StrCat("expected ", ToAbsl(what), ", got ", ToAbsl(TypeName(j))));
  }

  // `j` is an object whose keys are all in `allowed`, and has `required`.
  bool Keys(const std::string& path, const Json& j, std::initializer_list<std::string_view> allowed,
            std::initializer_list<std::string_view> required = {}) {
    if (!Expect(path, j, j.is_object(), "an object")) return false;
    for (const auto& [k, v] : j.items()) {
      bool known = false;
      for (std::string_view a : allowed) known = known || a == k;
      if (!known) return Fail(Join(path, k), "unknown field");
    }
    for (std::string_view r : required) {
      if (!j.contains(std::string(r))) return Fail(Join(path, std::string(r)), "missing");
    }
    return true;
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string Index(const std::string& path, size_t i) {
    return absl::StrCat(path, "[", i, "]");
  }

  bool String(const std::string& path, const Json& j, std::string* out) {
    if (!Expect(path, j, j.is_string(), "a string")) return false;
    *out = j.get<std::string>();
    return true;
  }
  bool Interned(const std::string& path, const Json& j, std::string_view* out) {
    std::string s;
    if (!String(path, j, &s)) return false;
    *out = std::string_view(InternText(s), s.size());
    return true;
  }
  bool Bool(const std::string& path, const Json& j, bool* out) {
    if (!Expect(path, j, j.is_boolean(), "a boolean")) return false;
    *out = j.get<bool>();
    return true;
  }
  bool Int(const std::string& path, const Json& j, int64_t lo, int64_t hi, int64_t* out) {
    if (!Expect(path, j, j.is_number_integer(), "an integer")) return false;
    if (j.is_number_unsigned()) {
      const uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(hi)) return Fail(path, "integer out of range");
      *out = static_cast<int64_t>(u);
      return true;
    }
    const int64_t v = j.get<int64_t>();
    if (v < lo || v > hi) return Fail(path, "integer out of range");
    *out = v;
    return true;
  }
  bool Unsigned(const std::string& path, const Json& j, uint64_t* out) {
    if (!Expect(path, j, j.is_number_unsigned(), "a non-negative integer")) return false;
    *out = j.get<uint64_t>();
    return true;
  }
  bool Amount(const std::string& path, const Json& j, Money* out) {
    std::string s;
    if (!String(path, j, &s)) return false;
    absl::StatusOr<Money> m = Money::Parse(s);
    if (!m.ok()) return Fail(path, absl::StrCat("not an amount in yuan: \"", s, "\""));
    *out = *m;
    return true;
  }
  bool Time(const std::string& path, const Json& j, Timestamp* out) {
    std::string s;
    if (!String(path, j, &s)) return false;
    absl::StatusOr<Timestamp> t = internal::ParseTimestampText(s);
    if (!t.ok()) return Fail(path, internal::FromAbsl(t.status().message()));
    *out = *t;
    return true;
  }
  template <class E>
  bool Enum(const std::string& path, const Json& j, std::string_view (*name_of)(E), E* out) {
    std::string s;
    if (!String(path, j, &s)) return false;
    for (int i = 0; i < 64; ++i) {
      const std::string_view name = name_of(static_cast<E>(i));
      if (name == "unknown") break;
      if (name == s) {
        *out = static_cast<E>(i);
        return true;
      }
    }
    return Fail(path, absl::StrCat("unknown value \"", s, "\""));
  }

  bool Object(const std::string& path, const Schema& schema, const Json& j, void* obj) {
    if (!Expect(path, j, j.is_object(), "an object")) return false;
    uint64_t seen = 0;
    for (const auto& [k, v] : j.items()) {
      const int index = schema.Find(k);
      if (index < 0) return Fail(Join(path, k), "unknown field");
      seen |= uint64_t{1} << index;
      const Field& f = schema.fields[static_cast<size_t>(index)];
      if (v.is_null() && f.optional) continue;
      if (!Value(Join(path, k), f, v, f.mut(obj))) return false;
    }
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      if ((schema.required_mask >> i & 1) && !(seen >> i & 1)) {
        return Fail(Join(path, std::string(schema.fields[i].name)), "missing");
      }
    }
    return true;
  }

  bool Value(const std::string& path, const Field& f, const Json& j, void* value) {
    switch (f.kind) {
      case Kind::kString: return String(path, j, static_cast<std::string*>(value));
      case Kind::kBool: return Bool(path, j, static_cast<bool*>(value));
      case Kind::kInt32: {
        int64_t v = 0;
        if (!Int(path, j, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), &v)) {
          return false;
        }
        *static_cast<int32_t*>(value) = static_cast<int32_t>(v);
        return true;
      }
      case Kind::kIndex: {
        uint64_t v = 0;
        if (!Unsigned(path, j, &v)) return false;
        *static_cast<size_t*>(value) = static_cast<size_t>(v);
        return true;
      }
      case Kind::kMoney: return Amount(path, j, static_cast<Money*>(value));
      case Kind::kEnum: {
        std::string s;
        if (!String(path, j, &s)) return false;
        const auto& names = f.enums->names;
        for (size_t i = 0; i < names.size(); ++i) {
          if (names[i] == s) {
            f.enum_set(value, static_cast<int>(i));
            return true;
          }
        }
        return Fail(path, absl::StrCat("unknown value \"", s, "\" (", f.enums->expected, ")"));
      }
      case Kind::kObject: return Object(path, *f.nested, j, value);
      case Kind::kArray: {
        if (!Expect(path, j, j.is_array(), "an array")) return false;
        for (size_t i = 0; i < j.size(); ++i) {
          if (!Object(Index(path, i), *f.nested, j[i], f.append(value))) return false;
        }
        return true;
      }
      case Kind::kInt64:
        return Int(path, j, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                   static_cast<int64_t*>(value));
      case Kind::kUint32: {
        uint64_t v = 0;
        if (!Unsigned(path, j, &v)) return false;
        if (v > std::numeric_limits<uint32_t>::max()) return Fail(path, "integer out of range");
        *static_cast<uint32_t*>(value) = static_cast<uint32_t>(v);
        return true;
      }
      case Kind::kTimestamp: return Time(path, j, static_cast<Timestamp*>(value));
      case Kind::kRuleId: return Interned(path, j, static_cast<RuleId*>(value));
    }
    return Fail(path, "unknown field kind");
  }

  bool CText(const std::string& path, const Json& j, const char** out) {
    std::string_view v;
    if (!Interned(path, j, &v)) return false;
    *out = v.data();
    return true;
  }

  bool MessageOf(const std::string& path, const Json& j, Message* m) {
    if (!Keys(path, j, {"zh", "en"})) return false;
    *m = Message();
    if (j.contains("zh") && !CText(Join(path, "zh"), j["zh"], &m->zh)) return false;
    if (j.contains("en") && !CText(Join(path, "en"), j["en"], &m->en)) return false;
    return true;
  }

  bool TermOf(const std::string& path, const Json& j, Term* t) {
    if (!Keys(path, j, {"key", "zh", "en"}, {"key"})) return false;
    *t = Term();
    if (!Interned(Join(path, "key"), j["key"], &t->key)) return false;
    if (j.contains("zh") && !CText(Join(path, "zh"), j["zh"], &t->zh)) return false;
    if (j.contains("en") && !CText(Join(path, "en"), j["en"], &t->en)) return false;
    return true;
  }

  bool FiguresOf(const std::string& path, const Json& j, Figures* figures) {
    if (!Expect(path, j, j.is_array(), "an array")) return false;
    figures->clear();
    for (size_t i = 0; i < j.size(); ++i) {
      const std::string p = Index(path, i);
      const Json& fj = j[i];
      if (!Keys(p, fj, {"name", "money", "time", "count", "text", "term", "terms"}, {"name"})) {
        return false;
      }
      if (fj.size() != 2) return Fail(p, "expected a name and one value");
      Figure f;
      if (!Interned(Join(p, "name"), fj["name"], &f.name)) return false;
      if (fj.contains("money")) {
        Money m;
        if (!Amount(Join(p, "money"), fj["money"], &m)) return false;
        f.value = m;
      } else if (fj.contains("time")) {
        Timestamp t;
        if (!Time(Join(p, "time"), fj["time"], &t)) return false;
        f.value = t;
      } else if (fj.contains("count")) {
        int64_t v = 0;
        if (!Int(Join(p, "count"), fj["count"], std::numeric_limits<int64_t>::min(),
                 std::numeric_limits<int64_t>::max(), &v)) {
          return false;
        }
        f.value = v;
      } else if (fj.contains("text")) {
        std::string s;
        if (!String(Join(p, "text"), fj["text"], &s)) return false;
        f.value = std::move(s);
      } else if (fj.contains("term")) {
        Term t;
        if (!TermOf(Join(p, "term"), fj["term"], &t)) return false;
        f.value = t;
      } else {
        const Json& tj = fj["terms"];
        if (!Expect(Join(p, "terms"), tj, tj.is_array(), "an array")) return false;
        TermList list(tj.size());
        for (size_t k = 0; k < tj.size(); ++k) {
          if (!TermOf(Index(Join(p, "terms"), k), tj[k], &list[k])) return false;
        }
        f.value = std::move(list);
      }
      figures->push_back(std::move(f));
    }
    return true;
  }

  bool ActionOf(const std::string& path, const Json& j, Action* a) {
    if (!Keys(path, j, {"kind", "rule", "assignee", "subject", "due", "message", "figures"},
              {"kind", "rule", "assignee", "subject", "message", "figures"})) {
      return false;
    }
    if (!Enum(Join(path, "kind"), j["kind"], &ActionKindName, &a->kind) ||
        !Interned(Join(path, "rule"), j["rule"], &a->rule) ||
        !String(Join(path, "assignee"), j["assignee"], &a->assignee) ||
        !String(Join(path, "subject"), j["subject"], &a->subject)) {
      return false;
    }
    if (j.contains("due")) {
      Timestamp t;
      if (!Time(Join(path, "due"), j["due"], &t)) return false;
      a->due = t;
    }
    return MessageOf(Join(path, "message"), j["message"], &a->message) &&
           FiguresOf(Join(path, "figures"), j["figures"], &a->figures);
  }

  bool DeadlineOf(const std::string& path, const Json& j, Deadline* d) {
    if (!Keys(path, j, {"rule", "op", "due", "warn_at", "message", "figures"},
              {"rule", "op", "due", "message", "figures"})) {
      return false;
    }
    if (!Interned(Join(path, "rule"), j["rule"], &d->rule) ||
        !Enum(Join(path, "op"), j["op"], &DeadlineOpName, &d->op) ||
        !Time(Join(path, "due"), j["due"], &d->due)) {
      return false;
    }
    if (j.contains("warn_at")) {
      Timestamp t;
      if (!Time(Join(path, "warn_at"), j["warn_at"], &t)) return false;
      d->warn_at = t;
    }
    return MessageOf(Join(path, "message"), j["message"], &d->message) &&
           FiguresOf(Join(path, "figures"), j["figures"], &d->figures);
  }

  bool OutcomeOf(const std::string& path, const Json& j, Outcome* o) {
    if (!Keys(path, j, {"entity", "decisions", "actions", "deadlines", "audit"},
              {"entity", "decisions", "actions", "deadlines", "audit"})) {
      return false;
    }
    if (!String(Join(path, "entity"), j["entity"], &o->entity)) return false;
    const Json& dj = j["decisions"];
    if (!Expect(Join(path, "decisions"), dj, dj.is_array(), "an array")) return false;
    o->decisions.resize(dj.size());
    for (size_t i = 0; i < dj.size(); ++i) {
      const std::string p = Index(Join(path, "decisions"), i);
      Decision& d = o->decisions[i];
      if (!Keys(p, dj[i], {"rule", "verdict", "message", "figures"},
                {"rule", "verdict", "message", "figures"}) ||
          !Interned(Join(p, "rule"), dj[i]["rule"], &d.rule) ||
          !Enum(Join(p, "verdict"), dj[i]["verdict"], &VerdictName, &d.verdict) ||
          !MessageOf(Join(p, "message"), dj[i]["message"], &d.message) ||
          !FiguresOf(Join(p, "figures"), dj[i]["figures"], &d.figures)) {
        return false;
      }
    }
    const Json& aj = j["actions"];
    if (!Expect(Join(path, "actions"), aj, aj.is_array(), "an array")) return false;
    o->actions.resize(aj.size());
    for (size_t i = 0; i < aj.size(); ++i) {
      if (!ActionOf(Index(Join(path, "actions"), i), aj[i], &o->actions[i])) return false;
    }
    const Json& lj = j["deadlines"];
    if (!Expect(Join(path, "deadlines"), lj, lj.is_array(), "an array")) return false;
    o->deadlines.resize(lj.size());
    for (size_t i = 0; i < lj.size(); ++i) {
      if (!DeadlineOf(Index(Join(path, "deadlines"), i), lj[i], &o->deadlines[i])) return false;
    }
    const std::string p = Join(path, "audit");
    const Json& a = j["audit"];
    AuditRecord& r = o->audit;
    if (!Keys(p, a,
              {"event_id", "event_type", "agent", "at", "state_before", "state_after", "duplicate",
               "refused", "note", "verdicts", "policy_revision"},
              {"event_id", "event_type", "agent", "at", "state_before", "state_after", "duplicate",
               "refused", "note", "verdicts"}) ||
        !String(Join(p, "event_id"), a["event_id"], &r.event_id) ||
        !Interned(Join(p, "event_type"), a["event_type"], &r.event_type) ||
        !String(Join(p, "agent"), a["agent"], &r.agent) || !Time(Join(p, "at"), a["at"], &r.at) ||
        !Interned(Join(p, "state_before"), a["state_before"], &r.state_before) ||
        !Interned(Join(p, "state_after"), a["state_after"], &r.state_after) ||
        !Bool(Join(p, "duplicate"), a["duplicate"], &r.duplicate) ||
        !Bool(Join(p, "refused"), a["refused"], &r.refused) ||
        !String(Join(p, "note"), a["note"], &r.note)) {
      return false;
    }
    if (a.contains("policy_revision")) {
      std::string text;
      if (!String(Join(p, "policy_revision"), a["policy_revision"], &text)) return false;
      absl::StatusOr<uint64_t> revision = ParsePolicyRevision(text);
      if (!revision.ok() || *revision == 0) {
        return Fail(Join(p, "policy_revision"), "not a policy revision (16 hex digits)");
      }
      r.policy_revision = *revision;
    }
    const Json& vj = a["verdicts"];
    if (!Expect(Join(p, "verdicts"), vj, vj.is_array(), "an array")) return false;
    r.verdicts.resize(vj.size());
    for (size_t i = 0; i < vj.size(); ++i) {
      const std::string q = Index(Join(p, "verdicts"), i);
      if (!Keys(q, vj[i], {"rule", "verdict"}, {"rule", "verdict"}) ||
          !Interned(Join(q, "rule"), vj[i]["rule"], &r.verdicts[i].rule) ||
          !Enum(Join(q, "verdict"), vj[i]["verdict"], &VerdictName, &r.verdicts[i].verdict)) {
        return false;
      }
    }
    return true;
  }

  bool DigestOf(const std::string& path, const Json& j, EventDigest* d) {
    if (!Expect(path, j, j.is_array(), "an array")) return false;
    d->fields.resize(j.size());
    for (size_t i = 0; i < j.size(); ++i) {
      const std::string p = Index(path, i);
      const Json& e = j[i];
      if (!Expect(p, e, e.is_array() && e.size() == 2, "a [field, hash] pair")) return false;
      uint64_t field = 0, hash = 0;
      if (!Unsigned(Index(p, 0), e[0], &field) || !Unsigned(Index(p, 1), e[1], &hash)) return false;
      if (field > 255 || hash > std::numeric_limits<uint32_t>::max()) {
        return Fail(p, "digest entry out of range");
      }
      d->fields[i] = {static_cast<uint8_t>(field), static_cast<uint32_t>(hash)};
    }
    return true;
  }

 private:
  absl::Status status_;
};

template <class Data>
absl::StatusOr<MachineSnapshot<Data>> FromJson(std::string_view kind, const Schema& schema,
                                               std::string_view text) {
  DuplicateKeys dup;
  const bool well_formed = Json::sax_parse(text.begin(), text.end(), &dup);
  if (!dup.duplicate().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("duplicate key \"", dup.duplicate(), "\""));
  }
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!well_formed || j.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat("not a JSON ", ToAbsl(kind), " snapshot"));
  }
  Reader r;
  MachineSnapshot<Data> s;
  if (!r.Keys("", j, {"kind", "format", "state", "data", "log"},
              {"kind", "format", "state", "data", "log"})) {
    return r.status();
  }
  std::string k;
  int64_t format = 0;
  if (!r.String("kind", j["kind"], &k)) return r.status();
  if (k != kind) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: expected \"", ToAbsl(kind), "\", got \"", k, "\""));
  }
  if (!r.Int("format", j["format"], 0, 1000, &format) || !r.String("state", j["state"], &s.state) ||
      !r.Object("data", schema, j["data"], &s.data)) {
    return r.status();
  }
  s.format_version = static_cast<int>(format);
  const Json& log = j["log"];
  if (!r.Expect("log", log, log.is_array(), "an array")) return r.status();
  s.applied.resize(log.size());
  s.digests.resize(log.size());
  for (size_t i = 0; i < log.size(); ++i) {
    const std::string p = Reader::Index("log", i);
    if (!r.Keys(p, log[i], {"outcome", "digest"}, {"outcome", "digest"}) ||
        !r.OutcomeOf(Reader::Join(p, "outcome"), log[i]["outcome"], &s.applied[i]) ||
        !r.DigestOf(Reader::Join(p, "digest"), log[i]["digest"], &s.digests[i])) {
      return r.status();
    }
  }
  return s;
}

}  // namespace

std::string SnapshotToJson(const OrderSnapshot& s) {
  return ToJson("order", internal::OrderDataSchema(), s);
}
std::string SnapshotToJson(const TicketSnapshot& s) {
  return ToJson("ticket", internal::TicketDataSchema(), s);
}
std::string SnapshotToJson(const ReviewSnapshot& s) {
  return ToJson("review", internal::ReviewDataSchema(), s);
}
std::string SnapshotToJson(const ConversationSnapshot& s) {
  return ToJson("conversation", internal::ConversationDataSchema(), s);
}
std::string SnapshotToJson(const TeamMemberSnapshot& s) {
  return ToJson("team", internal::TeamMemberDataSchema(), s);
}

absl::StatusOr<OrderSnapshot> OrderSnapshotFromJson(std::string_view json) {
  return FromJson<OrderData>("order", internal::OrderDataSchema(), json);
}
absl::StatusOr<TicketSnapshot> TicketSnapshotFromJson(std::string_view json) {
  return FromJson<TicketData>("ticket", internal::TicketDataSchema(), json);
}
absl::StatusOr<ReviewSnapshot> ReviewSnapshotFromJson(std::string_view json) {
  return FromJson<ReviewData>("review", internal::ReviewDataSchema(), json);
}
absl::StatusOr<ConversationSnapshot> ConversationSnapshotFromJson(std::string_view json) {
  return FromJson<ConversationData>("conversation", internal::ConversationDataSchema(), json);
}
absl::StatusOr<TeamMemberSnapshot> TeamMemberSnapshotFromJson(std::string_view json) {
  return FromJson<TeamMemberData>("team", internal::TeamMemberDataSchema(), json);
}

}  // namespace kefu
