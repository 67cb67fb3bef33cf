// kefu's binary encoding of its plain data (see codec.h).
#include "core/codec.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "core/ahead.h"

namespace kefu::internal {

// ------------------------------------------------------------------ writer

void ByteWriter::LongVarint(uint64_t v) {
  char bytes[10];
  size_t n = 0;
  while (v >= 0x80) {
    bytes[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  bytes[n++] = static_cast<char>(v);
  out_->append(bytes, n);
}

void ByteWriter::String(std::string_view s) {
  Varint(s.size());
  out_->append(s.data(), s.size());
}

void ByteWriter::Text(std::string_view s) {
  if (!large_) {
    for (size_t i = 0; i < small_size_; ++i) {
      if (small_[i].data == s.data() && small_[i].size == s.size()) {
        Varint(small_[i].number);
        return;
      }
    }
    for (size_t i = 0; i < small_size_; ++i) {
      if (small_[i].size == s.size() && std::string_view(small_[i].data, small_[i].size) == s) {
        Varint(small_[i].number);
        return;
      }
    }
    if (small_size_ < kSmallTexts) {
      small_[small_size_] = SmallText{s.data(), s.size(), static_cast<uint32_t>(small_size_ + 1)};
      ++small_size_;
      NewText(s, static_cast<uint32_t>(small_size_));
      return;
    }
    // A large vocabulary: the maps take over, with the numbers given.
    large_ = true;
    for (size_t i = 0; i < small_size_; ++i) {
      const SmallText& t = small_[i];
      texts_.try_emplace(absl::string_view(t.data, t.size), t.number);
      by_address_.emplace(std::make_pair(t.data, t.size), t.number);
    }
  }
  // Most words come again from the same address (a literal, an interned
  // text): look that up first, the text itself only on a miss.
  const std::pair<const char*, size_t> address(s.data(), s.size());
  if (auto a = by_address_.find(address); a != by_address_.end()) {
    Varint(a->second);
    return;
  }
  auto [it, inserted] = texts_.try_emplace(ToAbsl(s), static_cast<uint32_t>(texts_.size() + 1));
  by_address_.emplace(address, it->second);
  if (!inserted) {
    Varint(it->second);
    return;
  }
  NewText(s, it->second);
}

void ByteWriter::NewText(std::string_view s, uint32_t number) {
  if (apart_) {
    vocabulary_.push_back(s);
    Varint(number);
    return;
  }
  Varint(0);
  String(s);
}

void ByteWriter::CString(const char* s) {
  if (s == nullptr) {
    Byte(0);
    return;
  }
  Byte(1);
  Text(s);
}

// A time is a tag (0 finite, 1 the infinite past, 2 the infinite future),
// then for a finite one the whole seconds since 1970 (floored) and the
// quarter nanoseconds after them: absl::Time's own resolution.
void ByteWriter::Time(Timestamp t) {
  if (t == absl::InfinitePast()) {
    Byte(1);
    return;
  }
  if (t == absl::InfiniteFuture()) {
    Byte(2);
    return;
  }
  Byte(0);
  const int64_t seconds = absl::ToUnixSeconds(t);  // floors
  const Duration rest = t - absl::FromUnixSeconds(seconds);
  Signed(seconds);
  // Most times are whole seconds: absl's division only for the others.
  if (rest == absl::ZeroDuration()) {
    Byte(0);
    return;
  }
  Duration unused;
  Varint(static_cast<uint64_t>(absl::IDivDuration(rest, absl::Nanoseconds(1) / 4, &unused)));
}

void ByteWriter::Fixed32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out_->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void ByteWriter::Fixed32At(size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*out_)[at + static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// ------------------------------------------------------------------ reader

bool ByteReader::Fail(std::string_view what) {
  if (error_.empty()) error_ = absl::StrCat(ToAbsl(what), " at byte ", base_ + pos_);
  return false;
}

bool ByteReader::Byte(uint8_t* b) {
  if (!ok()) return false;
  if (pos_ >= in_.size()) return Fail("truncated");
  *b = static_cast<uint8_t>(in_[pos_++]);
  return true;
}

bool ByteReader::Varint(uint64_t* v) {
  if (!ok()) return false;
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= in_.size()) return Fail("truncated");
    const auto byte = static_cast<uint8_t>(in_[pos_++]);
    if (shift == 63 && byte > 1) return Fail("varint too long");
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return Fail("varint too long");
}

bool ByteReader::Signed(int64_t* v) {
  uint64_t u = 0;
  if (!Varint(&u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

bool ByteReader::Bool(bool* b) {
  uint8_t x = 0;
  if (!Byte(&x)) return false;
  if (x > 1) return Fail("not a boolean");
  *b = x == 1;
  return true;
}

bool ByteReader::Count(size_t* n) {
  uint64_t v = 0;
  if (!Varint(&v)) return false;
  if (v > remaining()) return Fail("count larger than the input left");
  *n = static_cast<size_t>(v);
  return true;
}

bool ByteReader::String(std::string* s) {
  std::string_view v;
  if (!View(&v)) return false;
  s->assign(v.data(), v.size());
  return true;
}

bool ByteReader::View(std::string_view* s) {
  uint64_t n = 0;
  if (!Varint(&n)) return false;
  return Bytes(static_cast<size_t>(std::min<uint64_t>(n, SIZE_MAX)), s);
}

bool ByteReader::Bytes(size_t n, std::string_view* s) {
  if (!ok()) return false;
  if (n > remaining()) return Fail("truncated string");
  *s = in_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool ByteReader::Text(std::string_view* s) {
  uint64_t k = 0;
  if (!Varint(&k)) return false;
  if (vocabulary_ != nullptr) {
    if (k == 0 || k > vocabulary_->size()) return Fail("text number out of range");
    *s = (*vocabulary_)[static_cast<size_t>(k - 1)];
    return true;
  }
  if (k > 0) {
    if (k > texts_.size()) return Fail("text number out of range");
    *s = texts_[static_cast<size_t>(k - 1)];
    return true;
  }
  uint64_t n = 0;
  if (!Varint(&n)) return false;
  if (n > remaining()) return Fail("truncated text");
  const std::string_view text(in_.data() + pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  *s = std::string_view(InternText(text), text.size());
  texts_.push_back(*s);
  return true;
}

bool ByteReader::CString(const char** s) {
  uint8_t present = 0;
  if (!Byte(&present)) return false;
  if (present > 1) return Fail("not a presence mark");
  if (present == 0) {
    *s = nullptr;
    return true;
  }
  std::string_view v;
  if (!Text(&v)) return false;
  *s = v.data();
  return true;
}

bool ByteReader::Time(Timestamp* t) {
  uint8_t tag = 0;
  if (!Byte(&tag)) return false;
  switch (tag) {
    case 1:
      *t = absl::InfinitePast();
      return true;
    case 2:
      *t = absl::InfiniteFuture();
      return true;
    case 0:
      break;
    default:
      return Fail("not a time");
  }
  int64_t seconds = 0;
  uint64_t quarters = 0;
  if (!Signed(&seconds) || !Varint(&quarters)) return false;
  if (quarters >= 4'000'000'000u) return Fail("time fraction out of range");
  *t = absl::FromUnixSeconds(seconds);
  // Most times are whole seconds, the rest mostly whole nanoseconds: absl's
  // Duration arithmetic only for a fraction of a nanosecond.
  if (quarters == 0) return true;
  if (quarters % 4 == 0) {
    *t += absl::Nanoseconds(static_cast<int64_t>(quarters / 4));
  } else {
    *t += absl::Nanoseconds(1) / 4 * static_cast<int64_t>(quarters);
  }
  return true;
}

bool ByteReader::Amount(Money* m) {
  int64_t fen = 0;
  if (!Signed(&fen)) return false;
  *m = Money::Fen(fen);
  return true;
}

bool ByteReader::Fixed32(uint32_t* v) {
  if (!ok()) return false;
  if (remaining() < 4) return Fail("truncated");
  uint32_t x = 0;
  for (int i = 0; i < 4; ++i) {
    x |= static_cast<uint32_t>(static_cast<uint8_t>(in_[pos_ + static_cast<size_t>(i)])) << (8 * i);
  }
  pos_ += 4;
  *v = x;
  return true;
}

// ------------------------------------------------------------------ structs

namespace {

void EncodeValue(const Field& f, const void* value, ByteWriter& w) {
  switch (f.kind) {
    case Kind::kString: w.String(*static_cast<const std::string*>(value)); break;
    case Kind::kBool: w.Bool(*static_cast<const bool*>(value)); break;
    case Kind::kInt32: w.Signed(*static_cast<const int32_t*>(value)); break;
    case Kind::kIndex: w.Varint(*static_cast<const size_t*>(value)); break;
    case Kind::kMoney: w.Amount(*static_cast<const Money*>(value)); break;
    case Kind::kEnum: w.Varint(static_cast<uint64_t>(f.enum_get(value))); break;
    case Kind::kObject: EncodeObject(*f.nested, value, w); break;
    case Kind::kArray: {
      const size_t n = f.size(value);
      w.Varint(n);
      for (size_t i = 0; i < n; ++i) EncodeObject(*f.nested, f.at(value, i), w);
      break;
    }
    case Kind::kInt64: w.Signed(*static_cast<const int64_t*>(value)); break;
    case Kind::kUint32: w.Varint(*static_cast<const uint32_t*>(value)); break;
    case Kind::kTimestamp: w.Time(*static_cast<const Timestamp*>(value)); break;
    case Kind::kRuleId: w.Text(*static_cast<const RuleId*>(value)); break;
  }
}

bool DecodeValue(const Field& f, void* value, ByteReader& r) {
  switch (f.kind) {
    case Kind::kString: return r.String(static_cast<std::string*>(value));
    case Kind::kBool: return r.Bool(static_cast<bool*>(value));
    case Kind::kInt32: {
      int64_t v = 0;
      if (!r.Signed(&v)) return false;
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return r.Fail(absl::StrCat(ToAbsl(f.name), ": integer out of range"));
      }
      *static_cast<int32_t*>(value) = static_cast<int32_t>(v);
      return true;
    }
    case Kind::kIndex: {
      uint64_t v = 0;
      if (!r.Varint(&v)) return false;
      *static_cast<size_t*>(value) = static_cast<size_t>(v);
      return true;
    }
    case Kind::kMoney: return r.Amount(static_cast<Money*>(value));
    case Kind::kEnum: {
      uint64_t v = 0;
      if (!r.Varint(&v)) return false;
      if (v >= f.enums->names.size()) {
        return r.Fail(absl::StrCat(ToAbsl(f.name), ": unknown value ", v));
      }
      f.enum_set(value, static_cast<int>(v));
      return true;
    }
    case Kind::kObject: return DecodeObject(*f.nested, value, r);
    case Kind::kArray: {
      size_t n = 0;
      if (!r.Count(&n)) return false;
      for (size_t i = 0; i < n; ++i) {
        if (!DecodeObject(*f.nested, f.append(value), r)) return false;
      }
      return true;
    }
    case Kind::kInt64: return r.Signed(static_cast<int64_t*>(value));
    case Kind::kUint32: {
      uint64_t v = 0;
      if (!r.Varint(&v)) return false;
      if (v > std::numeric_limits<uint32_t>::max()) {
        return r.Fail(absl::StrCat(ToAbsl(f.name), ": integer out of range"));
      }
      *static_cast<uint32_t*>(value) = static_cast<uint32_t>(v);
      return true;
    }
    case Kind::kTimestamp: return r.Time(static_cast<Timestamp*>(value));
    case Kind::kRuleId: return r.Text(static_cast<RuleId*>(value));
  }
  return r.Fail("unknown field kind");
}

}  // namespace

// Each field not at its default: varint(index + 1), its value; then 0.
void EncodeObject(const Schema& schema, const void* obj, ByteWriter& w) {
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const Field& f = schema.fields[i];
    if (FieldIsDefault(f, obj)) continue;
    const void* value = f.get(obj);
    if (value == nullptr) continue;
    w.Varint(i + 1);
    EncodeValue(f, value, w);
  }
  w.Varint(0);
}

bool DecodeObject(const Schema& schema, void* obj, ByteReader& r) {
  size_t last = 0;
  for (;;) {
    uint64_t tag = 0;
    if (!r.Varint(&tag)) return false;
    if (tag == 0) return true;
    if (tag > schema.fields.size() || tag <= last) {
      return r.Fail(absl::StrCat("unknown or repeated field number ", tag));
    }
    last = static_cast<size_t>(tag);
    const Field& f = schema.fields[last - 1];
    if (!DecodeValue(f, f.mut(obj), r)) return false;
  }
}

// ------------------------------------------------------------------ outcomes

void EncodeMessage(const Message& message, ByteWriter& w) {
  w.CString(message.zh);
  w.CString(message.en);
}

bool DecodeMessage(ByteReader& r, Message* message) {
  return r.CString(&message->zh) && r.CString(&message->en);
}

namespace {

void EncodeTerm(const Term& term, ByteWriter& w) {
  w.Text(term.key);
  w.CString(term.zh);
  w.CString(term.en);
}

bool DecodeTerm(ByteReader& r, Term* term) {
  return r.Text(&term->key) && r.CString(&term->zh) && r.CString(&term->en);
}

template <class E>
bool DecodeEnum(ByteReader& r, E last, E* out, std::string_view what) {
  uint64_t v = 0;
  if (!r.Varint(&v)) return false;
  if (v > static_cast<uint64_t>(last)) return r.Fail(absl::StrCat("unknown ", ToAbsl(what), " ", v));
  *out = static_cast<E>(v);
  return true;
}

void EncodeVerdict(Verdict v, ByteWriter& w) { w.Varint(static_cast<uint64_t>(v)); }
bool DecodeVerdict(ByteReader& r, Verdict* v) {
  return DecodeEnum(r, Verdict::kScheduled, v, "verdict");
}

}  // namespace

void EncodeFigures(const Figures& figures, ByteWriter& w) {
  w.Varint(figures.size());
  for (const Figure& f : figures) {
    w.Text(f.name);
    w.Varint(f.value.index());
    switch (f.value.index()) {
      case 0: w.Amount(std::get<Money>(f.value)); break;
      case 1: w.Time(std::get<Timestamp>(f.value)); break;
      case 2: w.Signed(std::get<int64_t>(f.value)); break;
      case 3: w.String(std::get<std::string>(f.value)); break;
      case 4: EncodeTerm(std::get<Term>(f.value), w); break;
      case 5: {
        const TermList& list = std::get<TermList>(f.value);
        w.Varint(list.size());
        for (const Term& t : list) EncodeTerm(t, w);
        break;
      }
      default: break;
    }
  }
}

bool DecodeFigures(ByteReader& r, Figures* figures) {
  size_t n = 0;
  if (!r.Count(&n)) return false;
  figures->clear();
  for (size_t i = 0; i < n; ++i) {
    Figure f;
    uint64_t index = 0;
    if (!r.Text(&f.name) || !r.Varint(&index)) return false;
    switch (index) {
      case 0: {
        Money m;
        if (!r.Amount(&m)) return false;
        f.value = m;
        break;
      }
      case 1: {
        Timestamp t;
        if (!r.Time(&t)) return false;
        f.value = t;
        break;
      }
      case 2: {
        int64_t v = 0;
        if (!r.Signed(&v)) return false;
        f.value = v;
        break;
      }
      case 3: {
        std::string s;
        if (!r.String(&s)) return false;
        f.value = std::move(s);
        break;
      }
      case 4: {
        Term t;
        if (!DecodeTerm(r, &t)) return false;
        f.value = t;
        break;
      }
      case 5: {
        size_t terms = 0;
        if (!r.Count(&terms)) return false;
        TermList list(terms);
        for (Term& t : list) {
          if (!DecodeTerm(r, &t)) return false;
        }
        f.value = std::move(list);
        break;
      }
      default:
        return r.Fail(absl::StrCat("unknown figure type ", index));
    }
    figures->push_back(std::move(f));
  }
  return true;
}

void EncodeAction(const Action& a, ByteWriter& w) {
  w.Varint(static_cast<uint64_t>(a.kind));
  w.Text(a.rule);
  w.String(a.assignee);
  w.String(a.subject);
  w.Bool(a.due.has_value());
  if (a.due) w.Time(*a.due);
  EncodeMessage(a.message, w);
  EncodeFigures(a.figures, w);
}

bool DecodeAction(ByteReader& r, Action* a) {
  bool has_due = false;
  if (!DecodeEnum(r, ActionKind::kOther, &a->kind, "action kind") || !r.Text(&a->rule) ||
      !r.String(&a->assignee) || !r.String(&a->subject) || !r.Bool(&has_due)) {
    return false;
  }
  a->due.reset();
  if (has_due) {
    Timestamp t;
    if (!r.Time(&t)) return false;
    a->due = t;
  }
  return DecodeMessage(r, &a->message) && DecodeFigures(r, &a->figures);
}

void EncodeDeadline(const Deadline& d, ByteWriter& w) {
  w.Text(d.rule);
  w.Varint(static_cast<uint64_t>(d.op));
  w.Time(d.due);
  w.Bool(d.warn_at.has_value());
  if (d.warn_at) w.Time(*d.warn_at);
  EncodeMessage(d.message, w);
  EncodeFigures(d.figures, w);
}

bool DecodeDeadline(ByteReader& r, Deadline* d) {
  bool has_warn = false;
  if (!r.Text(&d->rule) || !DecodeEnum(r, DeadlineOp::kResume, &d->op, "deadline op") ||
      !r.Time(&d->due) || !r.Bool(&has_warn)) {
    return false;
  }
  d->warn_at.reset();
  if (has_warn) {
    Timestamp t;
    if (!r.Time(&t)) return false;
    d->warn_at = t;
  }
  return DecodeMessage(r, &d->message) && DecodeFigures(r, &d->figures);
}

void EncodeOutcome(const Outcome& o, ByteWriter& w) {
  w.String(o.entity);
  w.Varint(o.decisions.size());
  for (const Decision& d : o.decisions) {
    w.Text(d.rule);
    EncodeVerdict(d.verdict, w);
    EncodeMessage(d.message, w);
    EncodeFigures(d.figures, w);
  }
  w.Varint(o.actions.size());
  for (const Action& a : o.actions) EncodeAction(a, w);
  w.Varint(o.deadlines.size());
  for (const Deadline& d : o.deadlines) EncodeDeadline(d, w);
  const AuditRecord& a = o.audit;
  w.String(a.event_id);
  w.Text(a.event_type);
  w.String(a.agent);
  w.Time(a.at);
  w.Text(a.state_before);
  w.Text(a.state_after);
  // Bit 4: a policy revision follows (written since the revision joined the
  // audit record; records without it read as before).
  w.Byte(static_cast<uint8_t>((a.duplicate ? 1 : 0) | (a.refused ? 2 : 0) |
                              (a.policy_revision != 0 ? 4 : 0)));
  if (a.policy_revision != 0) w.Varint(a.policy_revision);
  w.String(a.note);
  w.Varint(a.verdicts.size());
  for (const RuleVerdict& v : a.verdicts) {
    w.Text(v.rule);
    EncodeVerdict(v.verdict, w);
  }
}

namespace {

thread_local std::vector<Outcome> recycled_outcomes;

}  // namespace

std::vector<Outcome> TakeRecycledOutcomes() { return std::exchange(recycled_outcomes, {}); }

void RecycleOutcomes(std::vector<Outcome> spent) {
  if (spent.size() > recycled_outcomes.size() && spent.size() <= kRecycledOutcomes) {
    recycled_outcomes = std::move(spent);
  }
}

bool DecodeOutcome(ByteReader& r, Outcome* o) {
  size_t n = 0;
  if (!r.String(&o->entity) || !r.Count(&n)) return false;
  o->decisions.resize(n);
  for (Decision& d : o->decisions) {
    if (!r.Text(&d.rule) || !DecodeVerdict(r, &d.verdict) ||
        !DecodeMessage(r, &d.message) || !DecodeFigures(r, &d.figures)) {
      return false;
    }
  }
  if (!r.Count(&n)) return false;
  o->actions.resize(n);
  for (Action& a : o->actions) {
    if (!DecodeAction(r, &a)) return false;
  }
  if (!r.Count(&n)) return false;
  o->deadlines.resize(n);
  for (Deadline& d : o->deadlines) {
    if (!DecodeDeadline(r, &d)) return false;
  }
  AuditRecord& a = o->audit;
  uint8_t flags = 0;
  if (!r.String(&a.event_id) || !r.Text(&a.event_type) || !r.String(&a.agent) ||
      !r.Time(&a.at) || !r.Text(&a.state_before) || !r.Text(&a.state_after) ||
      !r.Byte(&flags)) {
    return false;
  }
  if (flags > 7) return r.Fail("unknown audit flags");
  a.duplicate = (flags & 1) != 0;
  a.refused = (flags & 2) != 0;
  a.policy_revision = 0;
  if ((flags & 4) != 0) {
    if (!r.Varint(&a.policy_revision)) return false;
    if (a.policy_revision == 0) return r.Fail("policy revision 0 written as present");
  }
  if (!r.String(&a.note) || !r.Count(&n)) return false;
  a.verdicts.resize(n);
  for (RuleVerdict& v : a.verdicts) {
    if (!r.Text(&v.rule) || !DecodeVerdict(r, &v.verdict)) return false;
  }
  return true;
}

// ------------------------------------------------------------------ text

std::string TimestampText(Timestamp t) {
  if (t == absl::InfinitePast()) return "-infinity";
  if (t == absl::InfiniteFuture()) return "infinity";
  return FormatTimestamp(t, absl::ZeroDuration());
}

absl::StatusOr<Timestamp> ParseTimestampText(std::string_view text) {
  if (text == "-infinity") return absl::InfinitePast();
  if (text == "infinity") return absl::InfiniteFuture();
  return ParseTimestamp(text);
}

uint32_t Crc32(std::string_view data, uint32_t before) {
  uLong crc = before;
  // zlib takes uInt lengths: feed it in slices.
  while (!data.empty()) {
    const size_t n = std::min<size_t>(data.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(n));
    data.remove_prefix(n);
  }
  return static_cast<uint32_t>(crc);
}

uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, uint64_t b_size) {
  return static_cast<uint32_t>(crc32_combine(crc_a, crc_b, static_cast<z_off_t>(b_size)));
}

uint32_t Crc32OnThreads(std::string_view data, size_t threads) {
  threads = std::min(threads, data.size() / kCrc32StretchBytes);
  if (threads < 2) return Crc32(data);
  const size_t step = data.size() / threads;
  std::vector<uint32_t> crcs(threads);
  RunOnThreads(threads, [&](size_t i) {
    const size_t from = i * step;
    crcs[i] = Crc32(data.substr(from, i + 1 == threads ? std::string_view::npos : step));
  });
  uint32_t crc = crcs[0];
  for (size_t i = 1; i < threads; ++i) {
    crc = Crc32Combine(crc, crcs[i], i + 1 == threads ? data.size() - i * step : step);
  }
  return crc;
}

}  // namespace kefu::internal
