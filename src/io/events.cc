// The JSON Lines event format (docs/events.md).
//
// One table describes every event struct: its fields, their JSON kind, and
// whether they are required. FormatEvent walks the table to write a line.
// ParseEvent parses the line with simdjson's DOM API and walks the same
// table over the parsed values (SimdjsonReader), filling the event struct
// directly.
// A line that reader does not take goes to the reference reader, a
// nlohmann-json SAX handler on the same table (EventHandler), which words
// the error exactly as kefu always has (io/events_internal.h).
#include "kefu/io/events.h"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/utility/utility.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/absl_compat.h"
#include "core/hot_text.h"
#include "core/codec.h"
#include "core/event_time.h"
#include "kefu/core/money.h"
#include "kefu/core/time.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"
#include "kefu/policies/order_terms.h"
#include "kefu/policies/review_policies.h"
#include "kefu/policies/ticket_terms.h"
#include "engine/reply_schema.h"
#include "nlohmann/json.hpp"
#include "io/events_internal.h"
#include "simdjson.h"
#include "text/utf8.h"

namespace kefu {
namespace {

// ------------------------------------------------------------ the schema

// The tables (core/schema.h, machines/event_schema.h, engine/reply_schema.h)
// and what the format adds to them.
using internal::AllDefault;
using internal::EnumNames;
using internal::EventType;
using internal::Field;
using internal::Kind;
using internal::KindSchema;
using internal::Schema;

struct Format {
  Format();

  const std::array<const KindSchema*, kEntityKindCount>& kinds = internal::ShopEventSchemas();
  // The kinds' entity names and each kind's type names, packed (the
  // simdjson reader's look-ups).
  std::array<internal::PackedName, kEntityKindCount> entities;
  std::array<std::vector<internal::PackedName>, kEntityKindCount> types;

  // The event type named `type` of kind `kind`, or nullptr (the reference
  // reader's look-up).
  const EventType* FindType(size_t kind, std::string_view type) const;
  // The same for `type` packed (the simdjson reader's).
  const EventType* FindType(size_t kind, const internal::PackedName& packed,
                            std::string_view type) const;
};

Format::Format() {
  for (size_t k = 0; k < kinds.size(); ++k) {
    entities[k] = internal::Pack(kinds[k]->entity);
    for (const EventType& t : kinds[k]->types) types[k].push_back(internal::Pack(t.name));
  }
}

const EventType* Format::FindType(size_t kind, std::string_view type) const {
  for (const EventType& t : kinds[kind]->types) {
    if (internal::SameText(t.name, type)) return &t;
  }
  return nullptr;
}

const EventType* Format::FindType(size_t kind, const internal::PackedName& packed,
                                  std::string_view type) const {
  const std::vector<internal::PackedName>& names = types[kind];
  for (size_t i = 0; i < names.size(); ++i) {
    if (internal::SamePacked(names[i], kinds[kind]->types[i].name, packed, type)) {
      return &kinds[kind]->types[i];
    }
  }
  return nullptr;
}

const Format& TheFormat() {
  static const Format* const format = new Format();
  return *format;
}

// Makes `event` hold a default event of `type` of kind `kind`; returns the
// event struct. The kind's variant is replaced only when it is another kind: the type's
// emplace makes the inner event a default one either way (a default
// ShopEvent holds an order event, so most lines skip one construction and
// destruction of a default OrderPlaced).
void* Emplace(ShopEvent* event, size_t kind, const EventType& type) {
  auto& v = event->event;
  switch (kind) {
    case 0: return type.emplace(v.index() == 0 ? &std::get<0>(v) : &v.emplace<0>());
    case 1: return type.emplace(v.index() == 1 ? &std::get<1>(v) : &v.emplace<1>());
    case 2: return type.emplace(v.index() == 2 ? &std::get<2>(v) : &v.emplace<2>());
    case 3: return type.emplace(v.index() == 3 ? &std::get<3>(v) : &v.emplace<3>());
    default: return type.emplace(v.index() == 4 ? &std::get<4>(v) : &v.emplace<4>());
  }
}

// ------------------------------------------------------------ formatting

// Appends `s` as a JSON string: quotes, backslashes and control characters
// escaped, UTF-8 kept, each ill-formed byte written as U+FFFD.
void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const auto* run = p;
    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') ++p;
    out->append(reinterpret_cast<const char*>(run), static_cast<size_t>(p - run));
    if (p == end) break;
    const unsigned char c = *p;
    if (c >= 0x80) {
      char32_t cp;
      const size_t n = text_internal::DecodeUtf8(p, end, &cp);
      if (cp == text_internal::kInvalidCodePoint) {
        out->append("\xEF\xBF\xBD");
      } else {
        out->append(reinterpret_cast<const char*>(p), n);
      }
      p += n;
      continue;
    }
    ++p;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
  out->push_back('"');
}

template <class Int>
void AppendInt(Int v, std::string* out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}

void AppendObject(const Schema& schema, const void* obj, std::string* out);

void AppendValue(const Field& f, const void* value, std::string* out) {
  switch (f.kind) {
    case Kind::kString:
      AppendJsonString(*static_cast<const std::string*>(value), out);
      break;
    case Kind::kBool:
      out->append(*static_cast<const bool*>(value) ? "true" : "false");
      break;
    case Kind::kInt32:
      AppendInt(*static_cast<const int32_t*>(value), out);
      break;
    case Kind::kIndex:
      AppendInt(*static_cast<const size_t*>(value), out);
      break;
    case Kind::kInt64:
      AppendInt(*static_cast<const int64_t*>(value), out);
      break;
    case Kind::kUint32:
      AppendInt(*static_cast<const uint32_t*>(value), out);
      break;
    case Kind::kTimestamp:
      AppendJsonString(internal::TimestampText(*static_cast<const Timestamp*>(value)), out);
      break;
    case Kind::kRuleId:
      AppendJsonString(*static_cast<const RuleId*>(value), out);
      break;
    case Kind::kMoney:
      out->push_back('"');
      out->append(static_cast<const Money*>(value)->ToString());
      out->push_back('"');
      break;
    case Kind::kEnum: {
      const int v = f.enum_get(value);
      const auto& names = f.enums->names;
      out->push_back('"');
      out->append(v >= 0 && static_cast<size_t>(v) < names.size() ? names[static_cast<size_t>(v)]
                                                                   : std::string_view("unknown"));
      out->push_back('"');
      break;
    }
    case Kind::kObject:
      AppendObject(*f.nested, value, out);
      break;
    case Kind::kArray: {
      out->push_back('[');
      const size_t n = f.size(value);
      for (size_t i = 0; i < n; ++i) {
        if (i > 0) out->push_back(',');
        AppendObject(*f.nested, f.at(value, i), out);
      }
      out->push_back(']');
      break;
    }
  }
}

// Appends the fields of `obj` that are required or not default, without
// the braces. Returns whether it wrote any.
bool AppendMembers(const Schema& schema, const void* obj, std::string* out) {
  bool any = false;
  for (const Field& f : schema.fields) {
    if (!f.required) {
      if (f.kind == Kind::kObject && !f.optional) {
        if (AllDefault(*f.nested, f.get(obj))) continue;
      } else if (f.is_default(obj)) {
        continue;
      }
    }
    const void* value = f.get(obj);
    if (value == nullptr) continue;  // a required optional left unset
    if (any) out->push_back(',');
    any = true;
    out->push_back('"');
    out->append(f.name);
    out->append("\":");
    AppendValue(f, value, out);
  }
  return any;
}

void AppendObject(const Schema& schema, const void* obj, std::string* out) {
  out->push_back('{');
  AppendMembers(schema, obj, out);
  out->push_back('}');
}

// ----------------------------------------------------------------- times

// Two or four ASCII digits at `p` as a number; false for any other byte.
// Plain inline code: the reader calls them eight times a line.
[[gnu::always_inline]] inline bool TwoDigits(const char* p, int* out) {
  const unsigned a = static_cast<unsigned char>(p[0]) - unsigned{'0'};
  const unsigned b = static_cast<unsigned char>(p[1]) - unsigned{'0'};
  if (a > 9 || b > 9) return false;
  *out = static_cast<int>(a * 10 + b);
  return true;
}

[[gnu::always_inline]] inline bool FourDigits(const char* p, int* out) {
  int hi, lo;
  if (!TwoDigits(p, &hi) || !TwoDigits(p + 2, &lo)) return false;
  *out = hi * 100 + lo;
  return true;
}

// The days since 1970-01-01 of the date "YYYY-MM-DD" at `p`, or nullopt
// for a date FastTimestamp leaves to ParseTimestamp (31 April and the like).
std::optional<int64_t> DaysOf(const char* p) {
  int year, month, day;
  if (!FourDigits(p, &year) || !TwoDigits(p + 5, &month) || !TwoDigits(p + 8, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kMonthDays[month - 1] + (month == 2 && leap ? 1 : 0)) return std::nullopt;
  // A test compares the result with absl::CivilSecond's.
  return internal::DaysFromCivil(year, month, day);
}

// RFC 3339 "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" read directly: the
// common case, ten times faster than absl::ParseTime. Anything it does not
// take (other separators, leap seconds, out-of-range fields...) goes to
// ParseTimestamp, which decides; for what it takes, both give the same time.
// A thread keeps the last date it read with its day number: the times of a
// stream of events mostly share their date. Returns whether it took `s`,
// the time into `*out` (untouched when not): returned as an optional, the
// time was stored in two pieces and read back whole, a load the CPU
// cannot forward from those stores (a stall of a dozen cycles a line,
// about 7% of the reader's own samples under perf).
bool FastTimestamp(std::string_view s, Timestamp* out) {
  const auto digits = [&s](size_t pos, int* v) { return TwoDigits(s.data() + pos, v); };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':') {
    return false;
  }
  struct LastDate {
    char text[10] = {};  // never a valid date until one is read
    int64_t days = 0;
  };
  thread_local LastDate last;
  int64_t days;
  if (std::memcmp(s.data(), last.text, sizeof(last.text)) == 0) {
    days = last.days;
  } else {
    const std::optional<int64_t> d = DaysOf(s.data());
    if (!d) return false;
    days = *d;
    std::memcpy(last.text, s.data(), sizeof(last.text));
    last.days = days;
  }
  int hour, minute, second;
  if (!digits(11, &hour) || !digits(14, &minute) || !digits(17, &second)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  size_t pos = 19;
  int64_t nanos = 0;
  if (s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n >= 9) return false;
      nanos = nanos * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) return false;
    for (int i = n; i < 9; ++i) nanos *= 10;
  }
  int offset_seconds = 0;
  if (pos + 1 == s.size() && s[pos] == 'Z') {
    offset_seconds = 0;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh, om;
    if (!digits(pos + 1, &oh) || !digits(pos + 4, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset_seconds = (oh * 60 + om) * 60 * (s[pos] == '-' ? -1 : 1);
  } else {
    return false;
  }
  const int64_t unix_seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  const Timestamp whole = absl::FromUnixSeconds(unix_seconds - offset_seconds);
  // Most times have no fraction: absl's Duration arithmetic is skipped.
  *out = nanos == 0 ? whole : whole + absl::Nanoseconds(nanos);
  return true;
}

// ---------------------------------------------------------------- parsing

constexpr std::string_view kEnvelopeKeys[] = {"id", "at", "agent", "entity", "key", "type",
                                               "fields"};
enum EnvelopeKey { kId, kAt, kAgent, kEntity, kKey, kType, kFields, kEnvelopeKeyCount };
constexpr uint64_t kEnvelopeRequired =
    (1u << kId) | (1u << kAt) | (1u << kEntity) | (1u << kKey) | (1u << kType);

std::string_view Expected(const Field& f) {
  switch (f.kind) {
    case Kind::kString: return "expected a string";
    case Kind::kBool: return "expected a boolean";
    case Kind::kInt32: return "expected an integer";
    case Kind::kIndex: return "expected a non-negative integer";
    case Kind::kMoney: return "expected an amount as a decimal-yuan string such as \"12.34\"";
    case Kind::kEnum: return "expected a string";
    case Kind::kObject: return "expected an object";
    case Kind::kArray: return "expected an array";
    case Kind::kInt64: return "expected an integer";
    case Kind::kUint32: return "expected a non-negative integer";
    case Kind::kTimestamp: return "expected an RFC 3339 time string";
    case Kind::kRuleId: return "expected a rule ID string";
  }
  return "unexpected value";
}

using Json = nlohmann::json;

// Fills a ShopEvent from nlohmann-json's SAX callbacks. Every callback
// returns false to stop at the first error, which `error_` then holds.
class EventHandler {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  explicit EventHandler(ShopEvent* event) : format_(TheFormat()), event_(event) {}

  bool null() {
    if (capturing()) return Capture(Json(nullptr));
    return Scalar(Value::kNull);
  }
  bool boolean(bool v) {
    if (capturing()) return Capture(Json(v));
    bool_ = v;
    return Scalar(Value::kBool);
  }
  bool number_integer(number_integer_t v) {
    if (capturing()) return Capture(Json(v));
    int_ = v;
    return Scalar(Value::kInt);
  }
  bool number_unsigned(number_unsigned_t v) {
    if (capturing()) return Capture(Json(v));
    uint_ = v;
    return Scalar(Value::kUint);
  }
  bool number_float(number_float_t v, const string_t& text) {
    if (capturing()) return Capture(Json(v));
    float_text_ = text;
    return Scalar(Value::kFloat);
  }
  bool string(string_t& v) {
    if (capturing()) return Capture(Json(v));
    string_ = &v;
    return Scalar(Value::kString);
  }
  bool binary(binary_t&) { return Fail("", "unexpected binary value"); }

  bool start_object(std::size_t) {
    if (capturing()) return CaptureOpen(Json::object());
    if (depth_ == 0) {
      Push(Frame{});  // the envelope
      return true;
    }
    Frame& top = frames_[depth_ - 1];
    if (top.type == Frame::kEnvelope) {
      if (top.pending != kFields) return EnvelopeTypeError("an object");
      if (!Resolve()) return false;
      if (type_ == nullptr) {  // the type comes later in the line: keep the fields
        captured_ = Json::object();
        capture_stack_.push_back(&captured_);
        return true;
      }
      return PushFields();
    }
    if (top.type == Frame::kArray) {
      Frame f;
      f.type = Frame::kStruct;
      f.schema = top.field->nested;
      f.obj = top.field->append(top.obj);
      f.index = top.index++;
      return Push(f);
    }
    const Field& field = top.schema->fields[static_cast<size_t>(top.pending)];
    if (field.kind != Kind::kObject) return TypeError(field, "an object");
    Frame f;
    f.type = Frame::kStruct;
    f.schema = field.nested;
    f.obj = field.mut(top.obj);
    f.segment = field.name;
    return Push(f);
  }

  bool key(string_t& name) {
    if (capturing()) {
      capture_key_ = name;
      return true;
    }
    Frame& top = frames_[depth_ - 1];
    int index = -1;
    if (top.type == Frame::kEnvelope) {
      for (int i = 0; i < kEnvelopeKeyCount; ++i) {
        if (kEnvelopeKeys[i] == name) {
          index = i;
          break;
        }
      }
    } else {
      index = top.schema->Find(name);
    }
    if (index < 0) return Fail(name, "unknown field");
    const uint64_t bit = uint64_t{1} << index;
    if (top.seen & bit) return Fail(name, "duplicate key");
    top.seen |= bit;
    top.pending = index;
    return true;
  }

  bool end_object() {
    if (capturing()) {
      capture_stack_.pop_back();
      if (!capturing()) frames_[0].pending = -1;
      return true;
    }
    Frame& top = frames_[depth_ - 1];
    if (top.type == Frame::kEnvelope) return FinishEnvelope();
    if (!CheckRequired(top.schema, top.seen)) return false;
    --depth_;
    if (depth_ > 0) frames_[depth_ - 1].pending = -1;
    return true;
  }

  bool start_array(std::size_t) {
    if (capturing()) return CaptureOpen(Json::array());
    if (depth_ == 0) return Fail("", "expected a JSON object, got an array");
    Frame& top = frames_[depth_ - 1];
    if (top.type == Frame::kEnvelope) return EnvelopeTypeError("an array");
    if (top.type == Frame::kArray) return ElementTypeError(top, "an array");
    const Field& field = top.schema->fields[static_cast<size_t>(top.pending)];
    if (field.kind != Kind::kArray) return TypeError(field, "an array");
    Frame f;
    f.type = Frame::kArray;
    f.field = &field;
    f.obj = field.mut(top.obj);
    f.segment = field.name;
    return Push(f);
  }

  bool end_array() {
    if (capturing()) {
      capture_stack_.pop_back();
      return true;
    }
    --depth_;
    frames_[depth_ - 1].pending = -1;
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
    json_error_ = true;
    error_.clear();
    // Inside a value whose key is known (ill-formed UTF-8 in a text, a bad
    // literal): name the field too.
    if (!capturing() && depth_ > 0 && frames_[depth_ - 1].type != Frame::kArray &&
        frames_[depth_ - 1].pending >= 0) {
      error_ = PendingPath() + ": ";
    }
    error_ += "not valid JSON: ";
    error_ += ex.what();
    return false;
  }

  const std::string& error() const { return error_; }
  bool json_error() const { return json_error_; }

 private:
  enum class Value { kNull, kBool, kInt, kUint, kFloat, kString };

  struct Frame {
    enum Type : uint8_t { kEnvelope, kStruct, kArray };
    Type type = kEnvelope;
    const Schema* schema = nullptr;  // kStruct
    const Field* field = nullptr;    // kArray: the array's field
    void* obj = nullptr;             // kStruct: the struct; kArray: the vector
    uint64_t seen = 0;               // kEnvelope, kStruct: keys seen
    int pending = -1;                // the key whose value comes next
    std::string_view segment;        // the name this frame was reached by
    int64_t index = -1;              // kStruct in an array: its index;
                                     // kArray: the next element's index
  };
  static constexpr int kMaxDepth = 8;

  bool capturing() const { return !capture_stack_.empty(); }

  bool Push(const Frame& f) {
    if (depth_ == kMaxDepth) return Fail("", "nested too deeply");
    frames_[depth_++] = f;
    if (f.type == Frame::kArray) frames_[depth_ - 1].index = 0;
    return true;
  }

  // The path of the current frame, then `last` (a key), as in
  // "fields.lines[0].quantity".
  std::string Path(std::string_view last) const {
    std::string path;
    for (int i = 1; i < depth_; ++i) {
      const Frame& f = frames_[i];
      if (!f.segment.empty()) {
        if (!path.empty()) path += '.';
        path += f.segment;
      }
      if (f.type == Frame::kStruct && f.index >= 0) {
        path += '[';
        AppendInt(f.index, &path);
        path += ']';
      }
    }
    if (!last.empty()) {
      if (!path.empty()) path += '.';
      path += last;
    }
    return path;
  }

  // The path of the pending key of the current frame.
  std::string PendingPath() const {
    const Frame& top = frames_[depth_ - 1];
    if (top.type == Frame::kEnvelope) return Path(kEnvelopeKeys[top.pending]);
    return Path(top.schema->fields[static_cast<size_t>(top.pending)].name);
  }

  bool Fail(std::string_view last, std::string_view what) {
    std::string path = depth_ > 0 ? Path(last) : std::string(last);
    error_ = path.empty() ? std::string(what) : path + ": " + std::string(what);
    return false;
  }
  bool FailPending(std::string_view what) {
    error_ = PendingPath() + ": " + std::string(what);
    return false;
  }

  static std::string_view Got(Value v) {
    switch (v) {
      case Value::kNull: return "null";
      case Value::kBool: return "a boolean";
      case Value::kInt:
      case Value::kUint:
      case Value::kFloat: return "a number";
      case Value::kString: return "a string";
    }
    return "a value";
  }

  bool TypeError(const Field& f, std::string_view got) {
    std::string what(Expected(f));
    if (f.kind == Kind::kEnum) what += " (" + f.enums->expected + ")";
    what += ", got ";
    what += got;
    return FailAt(f, what);
  }
  bool EnvelopeTypeError(std::string_view got) {
    const int k = frames_[depth_ - 1].pending;
    return FailPending(std::string(k == kFields ? "expected an object" : "expected a string") +
                       ", got " + std::string(got));
  }
  bool ElementTypeError(const Frame& array, std::string_view got) {
    std::string path = Path("");
    path += '[';
    AppendInt(array.index, &path);
    path += ']';
    error_ = path + ": expected an object, got " + std::string(got);
    return false;
  }

  bool Scalar(Value v) {
    if (depth_ == 0) return Fail("", "expected a JSON object, got " + std::string(Got(v)));
    Frame& top = frames_[depth_ - 1];
    if (top.type == Frame::kEnvelope) return EnvelopeValue(v);
    if (top.type == Frame::kArray) return ElementTypeError(top, Got(v));
    const Field& f = top.schema->fields[static_cast<size_t>(top.pending)];
    top.pending = -1;
    if (v == Value::kNull) {
      if (!f.optional) return TypeError(f, "null");
      f.reset(top.obj);
      return true;
    }
    switch (f.kind) {
      case Kind::kString:
        if (v != Value::kString) return TypeError(f, Got(v));
        *static_cast<std::string*>(f.mut(top.obj)) = *string_;
        return true;
      case Kind::kBool:
        if (v != Value::kBool) return TypeError(f, Got(v));
        *static_cast<bool*>(f.mut(top.obj)) = bool_;
        return true;
      case Kind::kInt32:
      case Kind::kIndex:
      case Kind::kInt64:
      case Kind::kUint32:
        return Integer(f, top, v);
      case Kind::kTimestamp: {
        if (v != Value::kString) return TypeError(f, Got(v));
        absl::StatusOr<Timestamp> t = internal::ParseTimestampText(*string_);
        if (!t.ok()) return FailAt(f, std::string(t.status().message()));
        *static_cast<Timestamp*>(f.mut(top.obj)) = *t;
        return true;
      }
      case Kind::kRuleId:
        if (v != Value::kString) return TypeError(f, Got(v));
        if (string_->empty()) return FailAt(f, "must not be empty");
        *static_cast<RuleId*>(f.mut(top.obj)) = InternRuleId(*string_);
        return true;
      case Kind::kMoney: {
        if (v != Value::kString) return TypeError(f, Got(v));
        absl::StatusOr<Money> m = Money::Parse(*string_);
        if (!m.ok()) {
          return FailAt(f, m.status().code() == absl::StatusCode::kOutOfRange
                               ? "amount out of range: \"" + *string_ + "\""
                               : "not an amount in yuan such as \"12.34\": \"" + *string_ + "\"");
        }
        *static_cast<Money*>(f.mut(top.obj)) = *m;
        return true;
      }
      case Kind::kEnum: {
        if (v != Value::kString) return TypeError(f, Got(v));
        const auto& names = f.enums->names;
        for (size_t i = 0; i < names.size(); ++i) {
          if (names[i] == *string_) {
            f.enum_set(f.mut(top.obj), static_cast<int>(i));
            return true;
          }
        }
        return FailAt(f, "unknown value \"" + *string_ + "\" (" + f.enums->expected + ")");
      }
      case Kind::kObject:
        return TypeError(f, Got(v));
      case Kind::kArray:
        return TypeError(f, Got(v));
    }
    return false;
  }

  // An error about field `f` of the current frame (its value is consumed).
  bool FailAt(const Field& f, const std::string& what) {
    error_ = Path(f.name) + ": " + what;
    return false;
  }

  bool Integer(const Field& f, Frame& top, Value v) {
    if (v == Value::kFloat) {
      const bool integral = float_text_.find_first_of(".eE") == std::string::npos;
      if (integral) return FailAt(f, "integer out of range: " + float_text_);
      return TypeError(f, "a number with a fraction or exponent");
    }
    if (v != Value::kInt && v != Value::kUint) return TypeError(f, Got(v));
    if (f.kind == Kind::kInt32) {
      const bool fits = v == Value::kInt ? int_ >= std::numeric_limits<int32_t>::min()
                                         : uint_ <= std::numeric_limits<int32_t>::max();
      if (!fits) {
        return FailAt(f, "integer out of range: " +
                             (v == Value::kInt ? std::to_string(int_) : std::to_string(uint_)));
      }
      *static_cast<int32_t*>(f.mut(top.obj)) =
          v == Value::kInt ? static_cast<int32_t>(int_) : static_cast<int32_t>(uint_);
      return true;
    }
    if (f.kind == Kind::kInt64) {
      if (v == Value::kUint && uint_ > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return FailAt(f, "integer out of range: " + std::to_string(uint_));
      }
      *static_cast<int64_t*>(f.mut(top.obj)) =
          v == Value::kInt ? static_cast<int64_t>(int_) : static_cast<int64_t>(uint_);
      return true;
    }
    if (v == Value::kInt) {
      return FailAt(f, "expected a non-negative integer, got " + std::to_string(int_));
    }
    if (f.kind == Kind::kUint32) {
      if (uint_ > std::numeric_limits<uint32_t>::max()) {
        return FailAt(f, "integer out of range: " + std::to_string(uint_));
      }
      *static_cast<uint32_t*>(f.mut(top.obj)) = static_cast<uint32_t>(uint_);
      return true;
    }
    static_assert(sizeof(size_t) == sizeof(uint64_t));
    *static_cast<size_t*>(f.mut(top.obj)) = static_cast<size_t>(uint_);
    return true;
  }

  bool EnvelopeValue(Value v) {
    Frame& top = frames_[depth_ - 1];
    const int k = top.pending;
    if (k == kFields) return EnvelopeTypeError(Got(v));
    if (v != Value::kString) return EnvelopeTypeError(Got(v));
    const std::string& s = *string_;
    switch (k) {
      case kId:
        if (s.empty()) return FailPending("must not be empty");
        meta_.id = s;
        break;
      case kAt: {
        if (!FastTimestamp(s, &meta_.at)) {
          absl::StatusOr<Timestamp> parsed = ParseTimestamp(s);
          if (!parsed.ok()) return FailPending(internal::FromAbsl(parsed.status().message()));
          meta_.at = *parsed;
        }
        if (absl::Status in_range = CheckEventTime(meta_.at); !in_range.ok()) {
          return FailPending(internal::FromAbsl(in_range.message()));
        }
        break;
      }
      case kAgent:
        meta_.agent = s;
        break;
      case kEntity: {
        kind_ = -1;
        for (size_t i = 0; i < format_.kinds.size(); ++i) {
          if (internal::SameText(format_.kinds[i]->entity, s)) kind_ = static_cast<int>(i);
        }
        if (kind_ < 0) {
          return FailPending("unknown entity \"" + s + "\" (one of: order, ticket, review, reply, team)");
        }
        break;
      }
      case kKey:
        if (s.empty()) return FailPending("must not be empty");
        key_ = s;
        break;
      case kType:
        type_name_ = s;
        break;
    }
    top.pending = -1;
    return true;
  }

  // Finds the event type once both entity and type are known. False (with
  // the error) for an unknown type.
  bool Resolve() {
    if (type_ != nullptr || kind_ < 0 || !(frames_[0].seen & (1u << kType))) return true;
    type_ = format_.FindType(static_cast<size_t>(kind_), type_name_);
    if (type_ == nullptr) {
      std::string what = "unknown ";
      what += format_.kinds[static_cast<size_t>(kind_)]->entity;
      what += " event type \"" + type_name_ + "\"";
      error_ = "type: " + what;
      return false;
    }
    event_obj_ = Emplace(event_, static_cast<size_t>(kind_), *type_);
    return true;
  }

  bool PushFields() {
    Frame f;
    f.type = Frame::kStruct;
    f.schema = &type_->schema;
    f.obj = event_obj_;
    f.segment = "fields";
    return Push(f);
  }

  bool CheckRequired(const Schema* schema, uint64_t seen) {
    const uint64_t missing = schema->required_mask & ~seen;
    if (missing == 0) return true;
    for (size_t i = 0; i < schema->fields.size(); ++i) {
      if (missing & (uint64_t{1} << i)) return Fail(schema->fields[i].name, "required field missing");
    }
    return false;
  }

  bool FinishEnvelope() {
    Frame& env = frames_[0];
    const uint64_t missing = kEnvelopeRequired & ~env.seen;
    for (int i = 0; i < kEnvelopeKeyCount; ++i) {
      if (missing & (uint64_t{1} << i)) {
        error_ = std::string(kEnvelopeKeys[i]) + ": required field missing";
        return false;
      }
    }
    if (!Resolve()) return false;
    if (!(env.seen & (1u << kFields))) {
      // No fields: every field takes its default; none may be required.
      Frame f;
      f.type = Frame::kStruct;
      f.segment = "fields";
      depth_ = 1;
      Push(f);
      if (!CheckRequired(&type_->schema, 0)) return false;
      depth_ = 1;
    } else if (!captured_.is_null()) {
      // The fields came before the type: run them through the handler now.
      Json captured = std::move(captured_);
      captured_ = Json();
      if (!PushFields()) return false;
      if (!ReplayMembers(captured)) return false;
      if (!end_object()) return false;
    }
    *type_->meta(event_obj_) = std::move(meta_);
    event_->key = std::move(key_);
    depth_ = 0;
    done_ = true;
    return true;
  }

  bool Capture(Json value) {
    Json* top = capture_stack_.back();
    if (top->is_array()) {
      top->push_back(std::move(value));
    } else {
      if (top->contains(capture_key_)) return Fail("fields", "duplicate key \"" + capture_key_ + "\"");
      (*top)[capture_key_] = std::move(value);
    }
    return true;
  }
  bool CaptureOpen(Json value) {
    Json* top = capture_stack_.back();
    Json* added;
    if (top->is_array()) {
      top->push_back(std::move(value));
      added = &top->back();
    } else {
      if (top->contains(capture_key_)) return Fail("fields", "duplicate key \"" + capture_key_ + "\"");
      added = &((*top)[capture_key_] = std::move(value));
    }
    capture_stack_.push_back(added);
    return true;
  }

  // Feeds the members of the captured object `obj` through the callbacks.
  bool ReplayMembers(const Json& obj) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      std::string k = it.key();
      if (!key(k) || !ReplayValue(it.value())) return false;
    }
    return true;
  }
  bool ReplayValue(const Json& v) {
    switch (v.type()) {
      case Json::value_t::null: return null();
      case Json::value_t::boolean: return boolean(v.get<bool>());
      case Json::value_t::number_integer: return number_integer(v.get<int64_t>());
      case Json::value_t::number_unsigned: return number_unsigned(v.get<uint64_t>());
      case Json::value_t::number_float: return number_float(v.get<double>(), v.dump());
      case Json::value_t::string: {
        std::string s = v.get<std::string>();
        return string(s);
      }
      case Json::value_t::object:
        return start_object(v.size()) && ReplayMembers(v) && end_object();
      case Json::value_t::array:
        if (!start_array(v.size())) return false;
        for (const Json& e : v) {
          if (!ReplayValue(e)) return false;
        }
        return end_array();
      default: return Fail("", "unexpected value");
    }
  }

  const Format& format_;
  ShopEvent* event_;
  std::array<Frame, kMaxDepth> frames_;
  int depth_ = 0;
  bool done_ = false;

  // The envelope, as read so far.
  EventMeta meta_;
  std::string key_;
  std::string type_name_;
  int kind_ = -1;
  const EventType* type_ = nullptr;
  void* event_obj_ = nullptr;

  // The current scalar.
  bool bool_ = false;
  int64_t int_ = 0;
  uint64_t uint_ = 0;
  std::string float_text_;
  std::string* string_ = nullptr;

  // Fields captured before the type was known.
  Json captured_;
  std::vector<Json*> capture_stack_;
  std::string capture_key_;

  std::string error_;
  bool json_error_ = false;
};

std::string LinePrefix(int64_t line_number) {
  if (line_number <= 0) return std::string();
  std::string s = "line ";
  AppendInt(line_number, &s);
  s += ": ";
  return s;
}

absl::StatusOr<ShopEvent> ParseWithNlohmann(std::string_view line, int64_t line_number) {
  ShopEvent event;
  EventHandler handler(&event);
  bool ok = false;
  try {
    ok = Json::sax_parse(line.data(), line.data() + line.size(), &handler);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(LinePrefix(line_number) + "not valid JSON: " + e.what());
  }
  if (!ok) {
    return absl::InvalidArgumentError(LinePrefix(line_number) + handler.error());
  }
  return event;
}

// ------------------------------------------------------- the simdjson reader

// Reads a line with simdjson's DOM API, walking the same tables as the
// nlohmann-json handler above and filling the event struct directly. It
// only decides: it returns true with the event when the line is one valid
// event, and false for anything else, without saying why. ParseEvent then
// hands the line to the nlohmann-json handler, the reference, which words
// the error (so every message is the one it always was). For that to be
// right, this reader takes a line only if the reference takes it, and gives
// the same event, with the same rules, checked by
// tests/io/events_differential_test.cc and fuzz/event_parse_fuzzer.cc.
//
// The DOM parse runs both of simdjson's stages in the library, with the
// kernel it picks for the processor (its On-Demand API would walk the line
// with the kernel the compiler flags allow, the portable one here): it
// checks the whole line (JSON grammar, UTF-8, escapes, trailing text) and
// leaves a tape of its values, keys and strings unescaped, which this
// reader walks.
namespace dom = simdjson::dom;

inline bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The reader's texts lie in simdjson's string buffer, never in the string
// they are copied to.
using internal::AssignText;

}  // namespace

namespace internal {

bool HoldsMinusZeroNumber(std::string_view line) {
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped byte cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '-' && i + 1 < line.size() && line[i + 1] == '0') {
      return true;  // outside strings a '-' starts a number
    }
  }
  return false;
}

}  // namespace internal

namespace {

// Every call inside the reader's two walks inlined into them where the
// compiler can (simdjson's element accessors among them: GCC kept
// dom::element::get_string out of line, a call for every string read).
// Callgrind, Release, the 100k week: ParseEventInto 468.7M -> 458.4M; on
// the clock 4% less a pass over the sample week.
#if defined(__GNUC__) || defined(__clang__)
#define KEFU_FLATTEN __attribute__((flatten))
#else
#define KEFU_FLATTEN
#endif

class SimdjsonReader {
 public:
  // `line`: the line as read (for the -0 check).
  SimdjsonReader(ShopEvent* event, std::string_view line)
      : format_(TheFormat()), event_(event), line_(line) {
    // The event read over is about to be replaced: its id's and agent's
    // blocks are taken for the new ones (a reused event, as in `kefu
    // replay`, then allocates none for them). Their texts stay until
    // overwritten (AssignText copies a text no longer than the last one
    // without a call): the id is always (a line without one is not
    // read), the agent when the line has one, else it is cleared.
    EventMeta& old = const_cast<EventMeta&>(MetaOf(*event));
    meta_.id = std::move(old.id);
    meta_.agent = std::move(old.agent);
  }

  KEFU_FLATTEN bool Read(dom::element root) {
    dom::object envelope;
    if (root.get_object().get(envelope)) return false;
    uint64_t seen = 0;
    dom::element fields;
    for (const dom::key_value_pair& member : envelope) {
      const int k = EnvelopeIndex(internal::Pack(member.key), member.key);
      if (k < 0 || (seen & (uint64_t{1} << k))) return false;
      seen |= uint64_t{1} << k;
      if (k == kFields) {
        fields = member.value;  // read once the type is known
        continue;
      }
      std::string_view s;
      if (member.value.get_string().get(s) || !EnvelopeValue(k, s)) return false;
    }
    if ((kEnvelopeRequired & ~seen) != 0) return false;
    if (!(seen & (uint64_t{1} << kAgent))) meta_.agent.clear();
    type_ = format_.FindType(static_cast<size_t>(kind_), internal::Pack(type_name_), type_name_);
    if (type_ == nullptr) return false;
    event_obj_ = Emplace(event_, static_cast<size_t>(kind_), *type_);
    if (!(seen & (uint64_t{1} << kFields))) {
      // No fields: every field takes its default; none may be required.
      return type_->schema.required_mask == 0;
    }
    dom::object obj;
    if (fields.get_object().get(obj)) return false;
    return ReadStruct(obj, type_->schema, event_obj_, 2);
  }

  // After Read: moves the envelope into the event.
  void Finish() {
    *type_->meta(event_obj_) = std::move(meta_);
  }

 private:
  // frames: the envelope is 1, `fields` 2; each nested object, array and
  // array element one more, at most kMaxDepth as in the nlohmann handler.
  static constexpr int kMaxDepth = 8;

  // The envelope's keys by size (2 to 6 bytes, at most two of a size).
  static int EnvelopeIndex(const internal::PackedName& packed, std::string_view name) {
    struct Keys {
      std::array<internal::PackedName, kEnvelopeKeyCount> packed;
      std::array<std::array<int8_t, 2>, 8> by_size;  // -1: none
    };
    static const Keys* const keys = [] {
      auto* k = new Keys();
      for (auto& s : k->by_size) s = {-1, -1};
      for (int i = 0; i < kEnvelopeKeyCount; ++i) {
        k->packed[i] = internal::Pack(kEnvelopeKeys[i]);
        auto& s = k->by_size.at(kEnvelopeKeys[i].size());
        s.at(s[0] < 0 ? 0 : 1) = static_cast<int8_t>(i);
      }
      return k;
    }();
    if (packed.size >= keys->by_size.size()) return -1;
    for (const int8_t i : keys->by_size[packed.size]) {
      if (i >= 0 && internal::SamePacked(keys->packed[i], kEnvelopeKeys[i], packed, name)) return i;
    }
    return -1;
  }

  // Schema::Find on packed names.
  static int FieldIndex(const Schema& schema, const internal::PackedName& packed,
                        std::string_view name) {
    for (size_t i = 0; i < schema.packed.size(); ++i) {
      if (internal::SamePacked(schema.packed[i], schema.fields[i].name, packed, name)) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  bool EnvelopeValue(int k, std::string_view s) {
    switch (k) {
      case kId:
        if (s.empty()) return false;
        AssignText(&meta_.id, s);
        return true;
      case kAt: {
        if (!FastTimestamp(s, &meta_.at)) {
          absl::StatusOr<Timestamp> parsed = ParseTimestamp(s);
          if (!parsed.ok()) return false;
          meta_.at = *parsed;
        }
        return internal::InEventYears(meta_.at);  // CheckEventTime(meta_.at).ok()
      }
      case kAgent:
        AssignText(&meta_.agent, s);
        return true;
      case kEntity: {
        kind_ = -1;
        const internal::PackedName packed = internal::Pack(s);
        for (size_t i = 0; i < format_.kinds.size(); ++i) {
          if (internal::SamePacked(format_.entities[i], format_.kinds[i]->entity, packed, s)) {
            kind_ = static_cast<int>(i);
          }
        }
        return kind_ >= 0;
      }
      case kKey:
        if (s.empty()) return false;
        AssignText(&event_->key, s);  // its blocks kept when reused
        return true;
      case kType:
        // Kept until the entity is known too: the view lives as long as
        // the parser's document.
        type_name_ = s;
        return true;
    }
    return false;
  }

  // The members of a JSON object into the struct `target` described by
  // `schema`; `depth` is the frame count with this object.
  KEFU_FLATTEN bool ReadStruct(dom::object obj, const Schema& schema, void* target, int depth) {
    uint64_t seen = 0;
    for (const dom::key_value_pair& member : obj) {
      const int i = FieldIndex(schema, internal::Pack(member.key), member.key);
      if (i < 0) return false;
      const uint64_t bit = uint64_t{1} << i;
      if (seen & bit) return false;
      seen |= bit;
      if (!ReadValue(member.value, schema.fields[static_cast<size_t>(i)], target, depth)) {
        return false;
      }
    }
    return (schema.required_mask & ~seen) == 0;
  }

  // `value` by reference: a copy of the element (two words) was stored in
  // two halves and loaded whole, a load the CPU cannot forward from those
  // stores (perf: 15% of ReadStruct's own samples on the next
  // instruction).
  bool ReadValue(const dom::element& value, const Field& f, void* target, int depth) {
    if (value.is_null()) {
      if (!f.optional) return false;
      f.reset(target);
      return true;
    }
    switch (f.kind) {
      case Kind::kString: {
        std::string_view s;
        if (value.get_string().get(s)) return false;
        AssignText(static_cast<std::string*>(f.mut(target)), s);
        return true;
      }
      case Kind::kBool: {
        bool b;
        if (value.get_bool().get(b)) return false;
        *static_cast<bool*>(f.mut(target)) = b;
        return true;
      }
      case Kind::kInt32:
      case Kind::kInt64: {
        // A number with a fraction or an exponent is a double on the tape,
        // which get_int64 refuses (so does the reference).
        int64_t v;
        if (value.get_int64().get(v)) return false;
        if (f.kind == Kind::kInt64) {
          *static_cast<int64_t*>(f.mut(target)) = v;
          return true;
        }
        if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
          return false;
        }
        *static_cast<int32_t*>(f.mut(target)) = static_cast<int32_t>(v);
        return true;
      }
      case Kind::kIndex:
      case Kind::kUint32: {
        // nlohmann-json reads "-0" as a signed integer, which a
        // non-negative field refuses: so does this reader (a negative
        // number fails get_uint64; -0 is on the tape as the integer 0, so
        // a 0 is refused when the line holds a -0 number anywhere:
        // internal::HoldsMinusZeroNumber).
        uint64_t v;
        if (value.get_uint64().get(v)) return false;
        if (v == 0 && MinusZero()) return false;
        if (f.kind == Kind::kUint32) {
          if (v > std::numeric_limits<uint32_t>::max()) return false;
          *static_cast<uint32_t*>(f.mut(target)) = static_cast<uint32_t>(v);
          return true;
        }
        static_assert(sizeof(size_t) == sizeof(uint64_t));
        *static_cast<size_t*>(f.mut(target)) = static_cast<size_t>(v);
        return true;
      }
      case Kind::kTimestamp: {
        std::string_view s;
        if (value.get_string().get(s)) return false;
        absl::StatusOr<Timestamp> ts = internal::ParseTimestampText(s);
        if (!ts.ok()) return false;
        *static_cast<Timestamp*>(f.mut(target)) = *ts;
        return true;
      }
      case Kind::kRuleId: {
        std::string_view s;
        if (value.get_string().get(s) || s.empty()) return false;
        *static_cast<RuleId*>(f.mut(target)) = InternRuleId(s);
        return true;
      }
      case Kind::kMoney: {
        std::string_view s;
        if (value.get_string().get(s)) return false;
        absl::StatusOr<Money> m = Money::Parse(s);
        if (!m.ok()) return false;
        *static_cast<Money*>(f.mut(target)) = *m;
        return true;
      }
      case Kind::kEnum: {
        std::string_view s;
        if (value.get_string().get(s)) return false;
        const auto& names = f.enums->names;
        const auto& packed_names = f.enums->packed;
        const internal::PackedName packed = internal::Pack(s);
        for (size_t i = 0; i < packed_names.size(); ++i) {
          if (internal::SamePacked(packed_names[i], names[i], packed, s)) {
            f.enum_set(f.mut(target), static_cast<int>(i));
            return true;
          }
        }
        return false;
      }
      case Kind::kObject: {
        dom::object obj;
        if (depth + 1 > kMaxDepth || value.get_object().get(obj)) return false;
        return ReadStruct(obj, *f.nested, f.mut(target), depth + 1);
      }
      case Kind::kArray: {
        dom::array arr;
        if (depth + 1 > kMaxDepth || value.get_array().get(arr)) return false;
        void* vec = f.mut(target);
        for (const dom::element& element : arr) {
          dom::object obj;
          if (depth + 2 > kMaxDepth || element.get_object().get(obj)) return false;
          if (!ReadStruct(obj, *f.nested, f.append(vec), depth + 2)) return false;
        }
        return true;
      }
    }
    return false;
  }

  // HoldsMinusZeroNumber(line_), worked out once, when a non-negative field
  // is 0.
  bool MinusZero() {
    if (minus_zero_ < 0) minus_zero_ = internal::HoldsMinusZeroNumber(line_) ? 1 : 0;
    return minus_zero_ == 1;
  }

  const Format& format_;
  ShopEvent* event_;
  const std::string_view line_;
  EventMeta meta_;
  std::string_view type_name_;
  int kind_ = -1;
  int minus_zero_ = -1;  // unknown
  const EventType* type_ = nullptr;
  void* event_obj_ = nullptr;
};

#undef KEFU_FLATTEN

// One parser and one padded copy of the line per thread: simdjson reads up
// to SIMDJSON_PADDING bytes past the end of its input, which a caller's
// string_view does not promise.
bool ReadWithSimdjson(std::string_view line, ShopEvent* event) {
  // nlohmann-json skips a UTF-8 byte-order mark at the start of its input;
  // simdjson does not.
  if (line.size() >= 3 && line[0] == '\xEF' && line[1] == '\xBB' && line[2] == '\xBF') {
    line.remove_prefix(3);
  }
  // The parser keeps room for the longest line it has read (a tape of 8
  // bytes a byte of it, and strings): after a line longer than kKeptRoom
  // it goes back to that.
  static constexpr size_t kKeptRoom = size_t{1} << 16;
  thread_local dom::parser parser;
  thread_local std::string padded;
  // No value (simdjson's answer too); and a view of nothing may have a null
  // pointer, which memcpy may not be given.
  if (line.empty()) return false;
  if (padded.size() < line.size() + simdjson::SIMDJSON_PADDING) {
    padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(padded.data(), line.data(), line.size());
  dom::element root;
  bool ok = false;
  if (!parser.parse(padded.data(), line.size(), false).get(root)) {
    SimdjsonReader reader(event, line);
    ok = reader.Read(root);
    if (ok) reader.Finish();
  }
  if (parser.capacity() > kKeptRoom) {
    // An error here only leaves the parser to allocate on the next line.
    const simdjson::error_code shrunk = parser.allocate(kKeptRoom);
    (void)shrunk;
    padded.resize(kKeptRoom + simdjson::SIMDJSON_PADDING);
    padded.shrink_to_fit();
  }
  return ok;
}

}  // namespace

bool IsBlankLine(std::string_view line) {
  for (const char c : line) {
    if (!IsJsonSpace(c)) return false;
  }
  return true;
}

namespace {

// kNotFound for a blank line, kInvalidArgument for a line with a NUL byte,
// nothing for any other line.
std::optional<absl::Status> RefuseBlankOrNul(std::string_view line, int64_t line_number) {
  if (IsBlankLine(line)) {
    return absl::NotFoundError(LinePrefix(line_number) + "blank line");
  }
  // nlohmann-json's lexer takes a NUL byte for the end of the input: what
  // follows it would be dropped without a word (two events joined by a NUL
  // parse as the first). JSON text has no NUL outside a string, and inside
  // one it must be escaped, so a NUL anywhere makes the line bad.
  if (const void* nul = std::memchr(line.data(), '\0', line.size())) {
    std::string message = LinePrefix(line_number);
    message += "column ";
    AppendInt(static_cast<const char*>(nul) - line.data() + 1, &message);
    message += ": a NUL byte, which JSON text cannot hold (inside a string, write \\u0000)";
    return absl::InvalidArgumentError(message);
  }
  return std::nullopt;
}

}  // namespace

namespace internal {

// simdjson refuses a blank line (no value) and a NUL byte anywhere (not
// JSON whitespace, and unescaped inside a string), so neither is looked for
// before it: only a line it refuses is checked for them (ParseEventInto).
bool ParseEventFast(std::string_view line, ShopEvent* event) {
  return ReadWithSimdjson(line, event);
}

std::string SimdjsonKernels() {
  return "simdjson " + simdjson::get_active_implementation()->name();
}

absl::StatusOr<ShopEvent> ParseEventReference(std::string_view line, int64_t line_number) {
  if (std::optional<absl::Status> refused = RefuseBlankOrNul(line, line_number)) return *refused;
  return ParseWithNlohmann(line, line_number);
}

void ParseEventInto(std::string_view line, int64_t line_number, absl::StatusOr<ShopEvent>* out) {
  // An event held is read over: the reader gives it a default event of the
  // line's type (the kind's variant replaced only for another kind) and
  // assigns its key, so only the key's block and the shell are kept.
  if (!out->ok()) out->emplace();
  if (!ReadWithSimdjson(line, &**out)) {
    // simdjson reads and checks every line, and refuses blank lines and NUL
    // bytes itself (ParseEventFast); a line it does not take as one valid
    // event is read again by the reference, which finds those first and
    // words every error exactly as before (or, for what simdjson refuses
    // and nlohmann-json takes, gives the event).
    *out = ParseEventReference(line, line_number);
  }
}

}  // namespace internal

absl::StatusOr<ShopEvent> ParseEvent(std::string_view line, int64_t line_number) {
  // One StatusOr returned on every path, built in place: with a second
  // object returned anywhere the compiler would move the event out of
  // this one (about 140 instructions a line).
  absl::StatusOr<ShopEvent> result(absl::in_place);
  internal::ParseEventInto(line, line_number, &result);
  return result;
}

void AppendEvent(const ShopEvent& event, std::string* out) {
  const Format& format = TheFormat();
  const size_t kind = event.event.index();
  const EventMeta& meta = MetaOf(event);
  out->append("{\"id\":");
  AppendJsonString(meta.id, out);
  out->append(",\"at\":\"");
  out->append(FormatTimestamp(meta.at));
  out->push_back('"');
  if (!meta.agent.empty()) {
    out->append(",\"agent\":");
    AppendJsonString(meta.agent, out);
  }
  out->append(",\"entity\":\"");
  out->append(format.kinds[kind]->entity);
  out->append("\",\"key\":");
  AppendJsonString(event.key, out);
  std::visit(
      [&](const auto& inner) {
        const EventType& type = format.kinds[kind]->types[inner.index()];
        out->append(",\"type\":\"");
        out->append(type.name);
        out->push_back('"');
        std::visit(
            [&](const auto& e) {
              const size_t mark = out->size();
              out->append(",\"fields\":{");
              if (AppendMembers(type.schema, &e, out)) {
                out->push_back('}');
              } else {
                out->resize(mark);
              }
            },
            inner);
      },
      event.event);
  out->push_back('}');
}

std::string FormatEvent(const ShopEvent& event) {
  std::string out;
  out.reserve(256);
  AppendEvent(event, &out);
  return out;
}

}  // namespace kefu
