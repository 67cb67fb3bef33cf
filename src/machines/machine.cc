// Shared machine support: event metadata checks and the idempotency log.
//
// The log's encoding (internal: a saved shop keeps each record's id and
// time and its parts in a form of its own, machines/saved_log.h, whose
// code is at the end of this file). An entity's records lie one after the
// other in one buffer, grown by a quarter when full (and exact when built
// from a snapshot), the count of records and their bytes in the buffer's
// header; a record has no length or hash of its own (each field says where
// it ends, and the log's 64-bit id filter answers most lookups):
//
//   entity: varint 0 when it is the first record's entity, else its length
//     + 1 and its bytes (the first record always writes it)
//   event id: varint (length << 1 | 1) and the id's bytes after the
//     entity's id when the id starts with it ("TB1.3" for entity "TB1" is
//     ".3"), else (length << 1) and the whole id
//   time at, its whole seconds counted from the record before's (from the
//     Unix epoch for the first record, and after a record whose time is
//     not whole seconds): an entity's events are minutes or days apart, so
//     two or three bytes instead of five
//   event part, then decision part: each a varint (length << 1) and its
//     bytes, or (number << 1 | 1), the number of the same bytes in the
//     process's TailDictionary
//
// The event part is the digest (varint count, then (u8 field, u32 hash)
// each); str agent, note; view event_type, state_before, state_after; u8
// flags (duplicate, refused, policy revision) [u64 policy revision]. The
// decision part is the outcome's verdicts, decisions, actions and
// deadlines, their times relative to `at`. Events that decide the same way
// (an agent's check of an item, a delivery) have the same parts, and an
// event whose digest is its own (an order's placement, a tracking number)
// mostly decides as others did: the second time a part of at most 255
// bytes is seen it is kept once per process, and every record with it
// holds a varint of its number.
//
// str = varint length + bytes. Names in static storage (event types, state
// names, rule IDs, figure names) and messages and terms (pointers into
// static storage) are numbered once per process in an append-only table
// (Vocabulary): a view, message or term is a varint of its number + 1, so
// one or two bytes instead of its 16 or 32 bytes of pointers; 0 and the raw
// pointers when the table is full (2^16 entries). Times are varints: whole
// seconds from the record's `at` (`at` itself from the Unix epoch), or
// nanoseconds, or the raw bytes when neither fits; money and counts are
// zigzag varints. Typically 10 to 20 bytes an event whose parts are
// shared, 60 to 100 otherwise.
#include "kefu/machines/machine.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "core/codec.h"
#include "core/event_time.h"
#include "core/hot_text.h"
#include "core/part_dictionary.h"
#include "core/word_hash.h"
#include "machines/saved_log.h"
#include "machines/snapshot_codec.h"

namespace kefu {

absl::Status ValidateEventMeta(const EventMeta& meta) {
  if (meta.id.empty()) return absl::InvalidArgumentError("event id is empty");
  if (internal::InEventYears(meta.at)) return absl::OkStatus();  // every good event
  if (meta.at == absl::InfinitePast() || meta.at == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError(absl::StrCat("event ", meta.id, " has no time"));
  }
  if (absl::Status s = CheckEventTime(meta.at); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("event ", meta.id, ": ", s.message()));
  }
  return absl::OkStatus();
}

namespace {

// The id filter's hash (in memory only: never saved).
uint32_t IdHash(std::string_view id) { return static_cast<uint32_t>(internal::WordHash(id)); }

// The id filter's two bits for an id hash.
uint64_t FilterBits(uint32_t hash) {
  return (uint64_t{1} << (hash & 63)) | (uint64_t{1} << ((hash >> 6) & 63));
}

static_assert(std::is_trivially_copyable_v<Timestamp>, "times are stored as their bytes");
static_assert(std::is_trivially_copyable_v<Message>, "messages are stored as their pointers");
static_assert(std::is_trivially_copyable_v<std::string_view>, "views are stored as pointers");
static_assert(std::is_trivially_copyable_v<Term>, "terms are stored as their pointers");

// Values of T (a view, a message, a term: pointers into static storage)
// numbered in the order first seen, for the whole process. Append-only: a
// number, once given, names its value for good, so a record holds the
// number. Safe from any thread; a thread's recent values are found without
// the lock.
template <class T>
class Vocabulary {
 public:
  static constexpr uint32_t kFull = ~uint32_t{0};

  static Vocabulary& Get() {
    static Vocabulary* const v = new Vocabulary;  // never destroyed: records outlive statics
    return *v;
  }

  // The number of `value`, or kFull when the table is full.
  uint32_t NumberOf(const T& value) {
    uint32_t number;
    if (CachedNumberOf(value, &number)) return number;
    const Key key = KeyOf(value);
    number = NumberUnderLock(key, value);
    if (number != kFull) {
      Cached& c = CacheSlot(key);
      c.key = key;
      c.number_plus_one = number + 1;
    }
    return number;
  }

  // Whether this thread's cache holds `value` (nearly every call: a few
  // hundred values in a shop's outcomes), its number then in `*number`.
  // Inlined alone, without NumberOf's locked path: a caller whose miss
  // goes elsewhere saves no registers on the way (Writer::Named).
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool CachedNumberOf(const T& value, uint32_t* number) {
    const Key key = KeyOf(value);
    const Cached& c = CacheSlot(key);
    if (c.number_plus_one == 0 || c.key != key) return false;
    *number = c.number_plus_one - 1;
    return true;
  }

  // The value numbered `number` (a number NumberOf returned).
  const T& ValueOf(uint32_t number) const {
    return chunks_[number / kChunk].load(std::memory_order_acquire)[number % kChunk];
  }

 private:
  using Key = std::array<unsigned char, sizeof(T)>;

  // NumberOf past the thread's cache: the shared table, under the lock.
  // Out of line: the cached path (nearly every call: a few hundred values
  // in a shop's outcomes) does not carry the table's code.
  ABSL_ATTRIBUTE_NOINLINE uint32_t NumberUnderLock(const Key& key, const T& value) {
    std::lock_guard lock(mu_);
    auto [it, inserted] = numbers_.try_emplace(key, size_);
    if (inserted) {
      if (size_ == kCapacity) {
        numbers_.erase(it);
        return kFull;
      }
      T* chunk = chunks_[size_ / kChunk].load(std::memory_order_acquire);
      if (chunk == nullptr) {
        chunk = new T[kChunk];
        chunks_[size_ / kChunk].store(chunk, std::memory_order_release);
      }
      chunk[size_ % kChunk] = value;
      ++size_;
    }
    return it->second;
  }
  static Key KeyOf(const T& value) {
    Key key;
    std::memcpy(key.data(), &value, sizeof(T));
    return key;
  }
  // A thread's recent values, direct-mapped: no lock, no hash of the
  // whole value. Zero-initialized: number_plus_one 0 is empty.
  struct Cached {
    Key key;
    uint32_t number_plus_one;
  };
  // `key`'s slot in this thread's cache.
  ABSL_ATTRIBUTE_ALWAYS_INLINE static Cached& CacheSlot(const Key& key) {
    thread_local Cached cache[kCached];
    // The first two words: a view's length and pointer (in either order),
    // a message's two pointers, a term's key.
    uint64_t w[2];
    std::memcpy(w, key.data(), sizeof(w));
    const uint64_t h = (w[0] ^ (w[1] * 0xC2B2AE3D27D4EB4Full)) * 0x9E3779B97F4A7C15ull;
    return cache[h >> (64 - kCachedBits)];
  }
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return internal::HashText(
          std::string_view(reinterpret_cast<const char*>(k.data()), k.size()));
    }
  };
  // Names: a few hundred in a shop's outcomes (20 KiB a thread); messages
  // and terms: fewer.
  static constexpr int kCachedBits = std::is_same_v<T, std::string_view> ? 10 : 8;
  static constexpr size_t kCached = size_t{1} << kCachedBits;
  static constexpr uint32_t kChunk = 1024;
  static constexpr uint32_t kCapacity = 1 << 16;

  std::mutex mu_;
  absl::flat_hash_map<Key, uint32_t, KeyHash> numbers_;  // under mu_
  uint32_t size_ = 0;                                    // under mu_
  std::array<std::atomic<T*>, kCapacity / kChunk> chunks_{};
};

using internal::PutVarint;  // core/codec.h
using internal::UnZigZag;
using internal::VarintSize;
using internal::ZigZag;

// Times: tag in the two low bits of a varint.
constexpr uint64_t kTimeSeconds = 0;  // whole seconds from the base's
constexpr uint64_t kTimeNanos = 1;    // Unix nanoseconds
constexpr uint64_t kTimeRaw = 2;      // the Timestamp's bytes follow
constexpr int64_t kTimeLimit = int64_t{1} << 59;

// Whole Unix seconds of `t` in (-kTimeLimit, kTimeLimit), or nullopt.
// Always inlined: out of line, the optional was built on the stack and
// loaded back in words for the return, the flag's byte store beneath a
// wider load that the CPU cannot forward (perf: a stall a record).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline std::optional<int64_t> WholeSeconds(Timestamp t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return std::nullopt;
  const int64_t s = absl::ToUnixSeconds(t);
  if (s <= -kTimeLimit || s >= kTimeLimit || absl::FromUnixSeconds(s) != t) return std::nullopt;
  return s;
}

// What the time of a log's record after one at `t` counts from: `t`'s
// whole Unix seconds, or 0 (the epoch) when it is not whole seconds.
int64_t NextBase(Timestamp t) { return WholeSeconds(t).value_or(0); }

// How a time is written (see the file comment): the varint, and whether
// the Timestamp's bytes follow it (kTimeRaw). `whole`: WholeSeconds(t).
// Inlined: a record's time (AppendRecord, nearly always whole seconds)
// then costs a subtraction, not a call.
struct TimeCode {
  uint64_t varint;
  bool raw;
};
ABSL_ATTRIBUTE_ALWAYS_INLINE inline TimeCode CodeOfTime(Timestamp t, std::optional<int64_t> whole,
                                                       std::optional<int64_t> base) {
  if (whole && base) return {ZigZag(*whole - *base) << 2 | kTimeSeconds, false};
  if (t != absl::InfinitePast() && t != absl::InfiniteFuture()) {
    const int64_t ns = absl::ToUnixNanos(t);
    if (ns > -kTimeLimit && ns < kTimeLimit && absl::FromUnixNanos(ns) == t) {
      return {ZigZag(ns) << 2 | kTimeNanos, false};
    }
  }
  return {kTimeRaw, true};
}

// An event part's flags byte (see the file comment).
constexpr uint8_t kDuplicateFlag = 1;
constexpr uint8_t kRefusedFlag = 2;
constexpr uint8_t kRevisionFlag = 4;

uint8_t AuditFlags(const AuditRecord& a) {
  return static_cast<uint8_t>((a.duplicate ? kDuplicateFlag : 0) | (a.refused ? kRefusedFlag : 0) |
                              (a.policy_revision != 0 ? kRevisionFlag : 0));
}

// Where a Writer puts bytes: the scratch record being built, reused.
class Scratch {
 public:
  const char* data() const { return buffer_.data(); }
  size_t size() const { return size_; }
  void Clear() { size_ = 0; }
  void Put(const void* data, size_t size) {
    if (buffer_.size() - size_ < size) Grow(size);
    std::memcpy(buffer_.data() + size_, data, size);
    size_ += size;
  }
  void PutByte(uint8_t b) {
    if (size_ == buffer_.size()) Grow(1);
    buffer_[size_++] = static_cast<char>(b);
  }
  // A varint, written through a local pointer after one check of the room
  // (a record writes a few dozen: a byte-at-a-time PutByte cost about 27
  // instructions each).
  ABSL_ATTRIBUTE_ALWAYS_INLINE void PutVarint(uint64_t v) {
    if (buffer_.size() - size_ < kMaxVarint) Grow(kMaxVarint);
    char* p = buffer_.data() + size_;
    char* const start = p;
    while (v >= 0x80) {
      *p++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    size_ += static_cast<size_t>(p - start);
  }

 private:
  static constexpr size_t kMaxVarint = 10;
  void Grow(size_t more) { buffer_.resize(std::max(2 * buffer_.size(), size_ + more)); }
  std::vector<char> buffer_ = std::vector<char>(4096);
  size_t size_ = 0;
};

class Writer {
 public:
  explicit Writer(Scratch& out) : out_(out) {}

  template <class T>
  void Raw(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.Put(&v, sizeof(T));
  }
  void Byte(uint8_t b) { out_.PutByte(b); }
  ABSL_ATTRIBUTE_ALWAYS_INLINE void Varint(uint64_t v) { out_.PutVarint(v); }
  void Signed(int64_t v) { Varint(ZigZag(v)); }
  void Str(std::string_view s) {
    Varint(s.size());
    out_.Put(s.data(), s.size());
  }
  // A value of static storage: its number in the vocabulary, or its bytes.
  // The thread's cache answers nearly every call; the rest goes out of
  // line, so the common path saves no registers (about 60 instructions a
  // call before, half of them the prologue and epilogue the locked path
  // needed).
  template <class T>
  void Named(const T& v) {
    uint32_t n;
    if (ABSL_PREDICT_TRUE(Vocabulary<T>::Get().CachedNumberOf(v, &n))) {
      Varint(uint64_t{n} + 1);
      return;
    }
    NamedPastCache(v);
  }
  template <class T>
  ABSL_ATTRIBUTE_NOINLINE void NamedPastCache(const T& v) {
    const uint32_t n = Vocabulary<T>::Get().NumberOf(v);
    if (n != Vocabulary<T>::kFull) {
      Varint(uint64_t{n} + 1);
    } else {
      Byte(0);
      Raw(v);
    }
  }
  void View(std::string_view s) { Named(s); }
  void Time(Timestamp t, std::optional<int64_t> base_seconds) {
    const TimeCode code = CodeOfTime(t, WholeSeconds(t), base_seconds);
    Varint(code.varint);
    if (code.raw) Raw(t);
  }
  void OptTime(const std::optional<Timestamp>& t, std::optional<int64_t> base) {
    Byte(t.has_value() ? 1 : 0);
    if (t) Time(*t, base);
  }

  void Figs(const Figures& figures, std::optional<int64_t> base) {
    Varint(figures.size());
    for (const Figure& f : figures) {
      View(f.name);
      Byte(static_cast<uint8_t>(f.value.index()));
      switch (f.value.index()) {
        case 0: Signed(std::get<Money>(f.value).fen()); break;
        case 1: Time(std::get<Timestamp>(f.value), base); break;
        case 2: Signed(std::get<int64_t>(f.value)); break;
        case 3: Str(std::get<std::string>(f.value)); break;
        case 4: Named(std::get<kefu::Term>(f.value)); break;
        default: {
          const kefu::TermList& terms = std::get<kefu::TermList>(f.value);
          Varint(terms.size());
          for (const kefu::Term& t : terms) Named(t);
          break;
        }
      }
    }
  }

  // A record's event part (see the file comment): the digest and the
  // audit record's fields besides its id and time.
  void EventPart(const kefu::Outcome& o, const EventDigest& digest) {
    Varint(digest.fields.size());
    for (const EventDigest::Entry& e : digest.fields) DigestEntry(e.field, e.hash);
    const AuditRecord& a = o.audit;
    EventFields(a.agent, a.note, a.event_type, a.state_before, a.state_after, AuditFlags(a),
                a.policy_revision);
  }
  // An event part in pieces (a saved shop's part, made without an
  // outcome): the digest's count, then each of its entries, then the rest.
  void DigestEntry(uint8_t field, uint32_t hash) {
    Byte(field);
    Raw(hash);
  }
  void EventFields(std::string_view agent, std::string_view note, std::string_view event_type,
                   std::string_view state_before, std::string_view state_after, uint8_t flags,
                   uint64_t policy_revision) {
    Str(agent);
    Str(note);
    View(event_type);
    View(state_before);
    View(state_after);
    Byte(flags);
    if ((flags & kRevisionFlag) != 0) Raw(policy_revision);
  }

  // A record's decision part: verdicts, decisions, actions, deadlines.
  void DecisionPart(const kefu::Outcome& o) { DecisionPart(o, WholeSeconds(o.audit.at)); }
  // The same, with WholeSeconds(o.audit.at) known.
  void DecisionPart(const kefu::Outcome& o, std::optional<int64_t> base) {
    const AuditRecord& a = o.audit;
    Varint(a.verdicts.size());
    for (const RuleVerdict& v : a.verdicts) {
      View(v.rule);
      Byte(static_cast<uint8_t>(v.verdict));
    }
    Varint(o.decisions.size());
    for (const Decision& d : o.decisions) {
      View(d.rule);
      Byte(static_cast<uint8_t>(d.verdict));
      Named(d.message);
      Figs(d.figures, base);
    }
    Varint(o.actions.size());
    for (const Action& x : o.actions) {
      Byte(static_cast<uint8_t>(x.kind));
      View(x.rule);
      Str(x.assignee);
      Str(x.subject);
      OptTime(x.due, base);
      Named(x.message);
      Figs(x.figures, base);
    }
    Varint(o.deadlines.size());
    for (const Deadline& d : o.deadlines) {
      View(d.rule);
      Byte(static_cast<uint8_t>(d.op));
      Time(d.due, base);
      OptTime(d.warn_at, base);
      Named(d.message);
      Figs(d.figures, base);
    }
  }

 private:
  Scratch& out_;
};

// Reads what Writer wrote. The buffer is the log's own, so reads are only
// checked in debug builds.
class Reader {
 public:
  Reader(const char* p, const char* end) : p_(p), end_(end) {}

  const char* pos() const { return p_; }
  template <class T>
  T Raw() {
    static_assert(std::is_trivially_copyable_v<T>);
    assert(static_cast<size_t>(end_ - p_) >= sizeof(T));
    T v;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  uint8_t Byte() { return Raw<uint8_t>(); }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      assert(p_ < end_);
      const auto b = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  }
  int64_t Signed() { return UnZigZag(Varint()); }
  std::string_view Str() {
    const size_t n = Varint();
    assert(static_cast<size_t>(end_ - p_) >= n);
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  template <class T>
  T Named() {
    const uint64_t n = Varint();
    if (n == 0) return Raw<T>();
    return Vocabulary<T>::Get().ValueOf(static_cast<uint32_t>(n - 1));
  }
  std::string_view View() { return Named<std::string_view>(); }
  Timestamp Time(std::optional<int64_t> base_seconds) {
    const uint64_t v = Varint();
    switch (v & 3) {
      case kTimeSeconds:
        assert(base_seconds.has_value());
        return absl::FromUnixSeconds(UnZigZag(v >> 2) + base_seconds.value_or(0));
      case kTimeNanos:
        return absl::FromUnixNanos(UnZigZag(v >> 2));
      default:
        return Raw<Timestamp>();
    }
  }
  std::optional<Timestamp> OptTime(std::optional<int64_t> base) {
    if (Byte() == 0) return std::nullopt;
    return Time(base);
  }

  void Figs(Figures& figures, std::optional<int64_t> base) {
    const size_t n = Varint();
    figures.clear();
    figures.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      Figure& f = figures.emplace_back();
      f.name = View();
      switch (Byte()) {
        case 0: f.value = Money::Fen(Signed()); break;
        case 1: f.value = Time(base); break;
        case 2: f.value = Signed(); break;
        case 3: f.value = std::string(Str()); break;
        case 4: f.value = Named<kefu::Term>(); break;
        default: {
          kefu::TermList terms(Varint());
          for (kefu::Term& t : terms) t = Named<kefu::Term>();
          f.value = std::move(terms);
          break;
        }
      }
    }
  }

  // The digest after the event id (into an empty `*digest`).
  void Digest(EventDigest* digest) {
    const size_t n = Varint();
    for (size_t i = 0; i < n; ++i) {
      EventDigest::Entry e;
      e.field = Byte();
      e.hash = Raw<uint32_t>();
      if (digest != nullptr) digest->fields.push_back(e);
    }
  }

  // Decodes an event part's fields after the digest into `o` (every field
  // it holds set: `o` may be one decoded before).
  void EventPart(kefu::Outcome& o) {
    AuditRecord& a = o.audit;
    const std::string_view agent = Str();
    a.agent.assign(agent.data(), agent.size());
    const std::string_view note = Str();
    a.note.assign(note.data(), note.size());
    a.event_type = View();
    a.state_before = View();
    a.state_after = View();
    const uint8_t flags = Byte();
    a.duplicate = (flags & 1) != 0;
    a.refused = (flags & 2) != 0;
    a.policy_revision = (flags & 4) != 0 ? Raw<uint64_t>() : 0;
  }

  // Decodes a decision part into `o`, whose audit.at is already set (every
  // field it holds set: `o` may be one decoded before).
  void DecisionPart(kefu::Outcome& o) {
    AuditRecord& a = o.audit;
    const std::optional<int64_t> base = WholeSeconds(a.at);
    a.verdicts.clear();
    const size_t verdicts = Varint();
    for (size_t i = 0; i < verdicts; ++i) {
      RuleVerdict v;
      v.rule = View();
      v.verdict = static_cast<Verdict>(Byte());
      a.verdicts.push_back(v);
    }
    o.decisions.resize(Varint());
    for (Decision& d : o.decisions) {
      d.rule = View();
      d.verdict = static_cast<Verdict>(Byte());
      d.message = Named<Message>();
      Figs(d.figures, base);
    }
    o.actions.resize(Varint());
    for (Action& x : o.actions) {
      x.kind = static_cast<ActionKind>(Byte());
      x.rule = View();
      const std::string_view assignee = Str();
      x.assignee.assign(assignee.data(), assignee.size());
      const std::string_view subject = Str();
      x.subject.assign(subject.data(), subject.size());
      x.due = OptTime(base);
      x.message = Named<Message>();
      Figs(x.figures, base);
    }
    o.deadlines.resize(Varint());
    for (Deadline& d : o.deadlines) {
      d.rule = View();
      d.op = static_cast<DeadlineOp>(Byte());
      d.due = Time(base);
      d.warn_at = OptTime(base);
      d.message = Named<Message>();
      Figs(d.figures, base);
    }
  }

 private:
  const char* p_;
  const char* end_;
};

// Record parts (see the file comment) that more than one event had, kept
// once per process: a record whose part is here holds the part's number.
using TailDictionary = internal::PartDictionary<struct LogPartsTag>;

using internal::ReadVarint;  // core/codec.h

// A record's fields before its time, read from the byte after its length.
struct RecordHead {
  // The record's entity; nullopt: the log's first record's.
  std::optional<std::string_view> entity;
  // The event id is `id_rest` after the entity's id when `id_prefixed`,
  // else `id_rest` alone.
  bool id_prefixed = false;
  std::string_view id_rest;
  const char* after_id = nullptr;  // where the time starts
};

RecordHead ReadHead(const char* p) {
  RecordHead h;
  const uint64_t entity = ReadVarint(p);
  if (entity != 0) {
    h.entity = std::string_view(p, entity - 1);
    p += entity - 1;
  }
  const uint64_t id = ReadVarint(p);
  h.id_prefixed = (id & 1) != 0;
  h.id_rest = std::string_view(p, id >> 1);
  h.after_id = p + (id >> 1);
  return h;
}

// Whether the record's id is `id`; `entity` is the record's entity.
bool IdIs(const RecordHead& h, std::string_view entity, std::string_view id) {
  if (!h.id_prefixed) return internal::SameText(h.id_rest, id);
  return id.size() == entity.size() + h.id_rest.size() &&
         internal::StartsWithText(id, entity) &&
         internal::SameText(id.substr(entity.size()), h.id_rest);
}

}  // namespace

// The log's one buffer.
struct AppliedEvents::Block {
  uint32_t used = 0;
  uint32_t capacity = 0;
  uint32_t count = 0;  // records

  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
};

size_t AppliedEvents::size() const { return head_ != nullptr ? head_->count : 0; }
size_t AppliedEvents::encoded_bytes() const { return head_ != nullptr ? head_->used : 0; }
void AppliedEvents::Prefetch() const {
  if (head_ != nullptr) __builtin_prefetch(head_);
}

AppliedEvents::AppliedEvents(const std::vector<Outcome>& outcomes,
                             const std::vector<EventDigest>& digests) {
  // Room for them all at once (records take 60 to 100 bytes, more with
  // long texts), rather than growing the buffer every few records: a
  // restored shop builds a million logs this way.
  if (!outcomes.empty()) AppendBlock(outcomes.size() * 96);
  for (size_t i = 0; i < outcomes.size(); ++i) {
    Record(outcomes[i], i < digests.size() ? digests[i] : EventDigest{});
  }
  // Built whole: no room kept for more.
  if (head_ != nullptr && head_->capacity > head_->used) AppendBlock(0);
}

void AppliedEvents::Clear() {
  std::free(head_);
  head_ = nullptr;
  base_seconds_ = 0;
  id_filter_ = 0;
}

AppliedEvents::~AppliedEvents() { Clear(); }

// Makes room for `need` more bytes, and half as much again (whole malloc
// chunks), so that each record is copied a bounded number of times on
// average. need == 0: shrinks the buffer to what it holds.
AppliedEvents::Block* AppliedEvents::AppendBlock(size_t need) {
  const size_t used = head_ != nullptr ? head_->used : 0;
  size_t capacity = used + need;
  if (need > 0) {
    // A quarter as much again, at least 48 bytes: records are mostly 10
    // to 25 bytes (parts shared), so the room kept is what grows with the
    // shop (a conversation or a review has a handful of records: room for
    // 128 bytes left half of it empty); a reallocation copies a few hundred
    // bytes.
    capacity = std::max<size_t>(capacity + capacity / 4, 48);
    // glibc's chunks hold 16n + 8 bytes: use the whole chunk.
    capacity = ((sizeof(Block) + capacity + 8 + 15) & ~size_t{15}) - 8 - sizeof(Block);
  }
  void* memory = std::realloc(head_, sizeof(Block) + capacity);
  if (memory == nullptr) throw std::bad_alloc();
  auto* b = static_cast<Block*>(memory);
  if (head_ == nullptr) new (b) Block;
  b->capacity = static_cast<uint32_t>(capacity);
  head_ = b;
  return b;
}

AppliedEvents::AppliedEvents(const AppliedEvents& other) { *this = other; }

AppliedEvents& AppliedEvents::operator=(const AppliedEvents& other) {
  if (this == &other) return *this;
  // Copied aside first: if an allocation fails, *this is unchanged.
  AppliedEvents copy;
  if (other.head_ != nullptr) {
    Block* to = copy.AppendBlock(other.head_->used);
    std::memcpy(to->data(), other.head_->data(), other.head_->used);
    to->used = other.head_->used;
    to->count = other.head_->count;
    copy.AppendBlock(0);  // exact
  }
  copy.base_seconds_ = other.base_seconds_;
  copy.id_filter_ = other.id_filter_;
  return *this = std::move(copy);
}

AppliedEvents::AppliedEvents(AppliedEvents&& other) noexcept { *this = std::move(other); }

AppliedEvents& AppliedEvents::operator=(AppliedEvents&& other) noexcept {
  if (this != &other) {
    Clear();
    head_ = std::exchange(other.head_, nullptr);
    base_seconds_ = std::exchange(other.base_seconds_, 0);
    id_filter_ = std::exchange(other.id_filter_, 0);
  }
  return *this;
}

namespace {

// The entity of the first record in `head` (REQUIRES: one; its entity is
// always written out).
template <class Block>
std::string_view FirstEntity(const Block* head) {
  const RecordHead h = ReadHead(head->data());
  assert(h.entity.has_value());
  return h.entity.value_or(std::string_view());
}

}  // namespace

namespace internal {

// What a saved shop's logs (saved_log.h) need of a log's records: walking
// them as they lie, and appending records made from their parts.
class LogAccess {
 public:
  // A record's part as AppendRecord takes it: its number in the process's
  // TailDictionary, or its bytes.
  struct PartRef {
    std::optional<uint32_t> shared;
    std::string_view bytes;
  };
  // Appends the record of `id` (an event of `entity`) at `at` with its two
  // parts: the one way a record is written (Record's and a loaded log's).
  // `whole_seconds`: at's Unix seconds when the caller knows it is whole.
  static void AppendRecord(AppliedEvents& log, std::string_view entity, std::string_view id,
                           Timestamp at, const PartRef& event, const PartRef& decision,
                           std::optional<int64_t> whole_seconds = std::nullopt);
  // Room for `bytes` more bytes of records at once.
  static void Reserve(AppliedEvents& log, size_t bytes) {
    if (log.head_ == nullptr || log.head_->capacity - log.head_->used < bytes) {
      log.AppendBlock(bytes);
    }
  }
  // No room kept past the records (a log built whole).
  static void Trim(AppliedEvents& log) {
    if (log.head_ != nullptr && log.head_->capacity > log.head_->used) log.AppendBlock(0);
  }

  // A record as it lies: its entity (resolved), its id (the rest after
  // the entity's when `id_prefixed`), its time and its two parts' bytes.
  struct Raw {
    std::string_view entity;
    bool id_prefixed = false;
    std::string_view id_rest;
    Timestamp at;
    std::string_view event_part;
    std::string_view decision_part;
    // The parts' numbers in the process's dictionary, when kept there.
    std::optional<uint32_t> event_shared, decision_shared;
  };
  // Calls f(const Raw&) for each record, oldest first.
  template <class F>
  static void ForEachRaw(const AppliedEvents& log, F&& f);
};

}  // namespace internal

void internal::LogAccess::AppendRecord(AppliedEvents& log, std::string_view entity,
                                       std::string_view id, Timestamp at,
                                       const PartRef& event, const PartRef& decision,
                                       std::optional<int64_t> whole_seconds) {
  // Sized exactly first, then written in place in the log's block (made
  // room for when short): no scratch copy of the record.
  const bool same_entity = log.size() > 0 && internal::SameText(FirstEntity(log.head_), entity);
  const bool prefixed = id.size() > entity.size() && internal::StartsWithText(id, entity);
  const std::string_view id_rest = prefixed ? id.substr(entity.size()) : id;
  const uint64_t entity_code = same_entity ? 0 : entity.size() + 1;
  const uint64_t id_code = id_rest.size() << 1 | (prefixed ? 1 : 0);
  // whole_seconds: WholeSeconds(at), when the caller knows it already.
  const std::optional<int64_t> whole = whole_seconds ? whole_seconds : WholeSeconds(at);
  const TimeCode time = CodeOfTime(at, whole, log.base_seconds_);
  const PartRef* parts[] = {&event, &decision};
  uint64_t part_codes[2];
  size_t size = VarintSize(entity_code) + (same_entity ? 0 : entity.size()) +
                VarintSize(id_code) + id_rest.size() + VarintSize(time.varint) +
                (time.raw ? sizeof(Timestamp) : 0);
  for (int i = 0; i < 2; ++i) {
    const PartRef& part = *parts[i];
    part_codes[i] = part.shared ? uint64_t{*part.shared} << 1 | 1 : part.bytes.size() << 1;
    size += VarintSize(part_codes[i]) + (part.shared ? 0 : part.bytes.size());
  }

  if (log.head_ == nullptr || log.head_->capacity - log.head_->used < size) log.AppendBlock(size);
  char* const start = log.head_->data() + log.head_->used;
  char* p = PutVarint(start, entity_code);
  auto put = [&p](std::string_view bytes) {
    if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    p += bytes.size();
  };
  if (!same_entity) put(entity);
  p = PutVarint(p, id_code);
  put(id_rest);
  p = PutVarint(p, time.varint);
  if (time.raw) put(std::string_view(reinterpret_cast<const char*>(&at), sizeof(at)));
  for (int i = 0; i < 2; ++i) {
    p = PutVarint(p, part_codes[i]);
    if (!parts[i]->shared) put(parts[i]->bytes);
  }
  assert(static_cast<size_t>(p - start) == size);
  log.head_->used += static_cast<uint32_t>(size);
  ++log.head_->count;
  log.base_seconds_ = whole.value_or(0);  // NextBase(at)
  log.id_filter_ |= FilterBits(IdHash(id));
}

void AppliedEvents::Record(const Outcome& outcome, const EventDigest& digest) {
  // The parts built in scratch buffers, each offered to the dictionary.
  thread_local Scratch event_part;
  thread_local Scratch decision_part;
  // The event's whole seconds, worked out once for the decision part's
  // times and the record's own.
  const std::optional<int64_t> whole = WholeSeconds(outcome.audit.at);
  event_part.Clear();
  Writer(event_part).EventPart(outcome, digest);
  decision_part.Clear();
  Writer(decision_part).DecisionPart(outcome, whole);
  internal::LogAccess::PartRef parts[2];
  const Scratch* built[2] = {&event_part, &decision_part};
  for (int i = 0; i < 2; ++i) {
    parts[i].bytes = std::string_view(built[i]->data(), built[i]->size());
    if (parts[i].bytes.size() <= TailDictionary::kMaxShared) {
      const uint32_t number = TailDictionary::Get().NumberOf(parts[i].bytes);
      if (number != TailDictionary::kNone) parts[i].shared = number;
    }
  }
  internal::LogAccess::AppendRecord(*this, outcome.entity, outcome.audit.event_id,
                                    outcome.audit.at, parts[0], parts[1], whole);
}

namespace {

// One record, read: its entity (resolved), its head, its time and readers
// of its two parts.
struct OpenRecord {
  std::string_view entity;
  RecordHead head;
  Timestamp at;
  Reader event_part;     // at the digest
  Reader decision_part;
};

// A part's bytes at `p` (advanced past them when they are in the record),
// and its number in the dictionary into `*shared` when given.
std::string_view ReadPart(const char*& p, std::optional<uint32_t>* shared = nullptr) {
  const uint64_t v = ReadVarint(p);
  if (shared != nullptr) shared->reset();
  if ((v & 1) != 0) {
    const auto number = static_cast<uint32_t>(v >> 1);
    if (shared != nullptr) *shared = number;
    return TailDictionary::Get().Bytes(number);
  }
  const std::string_view bytes(p, v >> 1);
  p += v >> 1;
  return bytes;
}

// Past a part at `p` without reading it: its varint, and its bytes when
// they are in the record.
const char* SkipPart(const char* p) {
  const uint64_t v = ReadVarint(p);
  return (v & 1) != 0 ? p : p + (v >> 1);
}

// Calls f(OpenRecord&) for each record whose id is `id` (each record when
// `all`), oldest first, until f returns true; returns whether it did.
template <class Block, class F>
bool ForEachRecord(const Block* head, bool all, std::string_view id, F&& f) {
  if (head == nullptr || head->used == 0) return false;
  const char* p = head->data();
  const char* const end = p + head->used;
  const std::string_view first = FirstEntity(head);
  int64_t base = 0;  // each record's time counts from the one before's
  while (p < end) {
    const RecordHead h = ReadHead(p);
    const std::string_view entity = h.entity ? *h.entity : first;
    Reader r(h.after_id, end);
    const Timestamp at = r.Time(base);
    base = NextBase(at);
    const char* parts = r.pos();
    if (all || IdIs(h, entity, id)) {
      const std::string_view event = ReadPart(parts);
      const std::string_view decision = ReadPart(parts);
      OpenRecord open{entity, h, at, Reader(event.data(), event.data() + event.size()),
                      Reader(decision.data(), decision.data() + decision.size())};
      if (f(open)) return true;
      p = parts;
    } else {
      p = SkipPart(SkipPart(parts));
    }
  }
  return false;
}

// Decodes a record into `o`, its digest into `*digest` when given. Every
// field is set: `o` and `*digest` may hold a record decoded before, whose
// heap blocks are used again.
void Decode(OpenRecord& r, Outcome& o, EventDigest* digest) {
  o.entity.assign(r.entity.data(), r.entity.size());
  if (r.head.id_prefixed) {
    o.audit.event_id.reserve(r.entity.size() + r.head.id_rest.size());
    o.audit.event_id.assign(r.entity.data(), r.entity.size());
    o.audit.event_id.append(r.head.id_rest.data(), r.head.id_rest.size());
  } else {
    o.audit.event_id.assign(r.head.id_rest.data(), r.head.id_rest.size());
  }
  o.audit.at = r.at;
  if (digest != nullptr) digest->fields.clear();
  r.event_part.Digest(digest);
  r.event_part.EventPart(o);
  r.decision_part.DecisionPart(o);
}

}  // namespace

template <class F>
void internal::LogAccess::ForEachRaw(const AppliedEvents& log, F&& f) {
  const AppliedEvents::Block* head = log.head_;
  if (head == nullptr || head->used == 0) return;
  const char* p = head->data();
  const char* const end = p + head->used;
  const std::string_view first = FirstEntity(head);
  Raw raw;
  int64_t base = 0;  // each record's time counts from the one before's
  while (p < end) {
    const RecordHead h = ReadHead(p);
    raw.entity = h.entity ? *h.entity : first;
    raw.id_prefixed = h.id_prefixed;
    raw.id_rest = h.id_rest;
    Reader r(h.after_id, end);
    raw.at = r.Time(base);
    base = NextBase(raw.at);
    p = r.pos();
    raw.event_part = ReadPart(p, &raw.event_shared);
    raw.decision_part = ReadPart(p, &raw.decision_shared);
    f(static_cast<const Raw&>(raw));
  }
}

std::optional<Outcome> AppliedEvents::Find(std::string_view event_id,
                                           EventDigest* digest) const {
  std::optional<Outcome> found;
  const uint32_t hash = IdHash(event_id);
  if ((id_filter_ & FilterBits(hash)) != FilterBits(hash)) return found;
  ForEachRecord(head_, false, event_id, [&](OpenRecord& r) {
    Decode(r, found.emplace(), digest);
    return true;
  });
  return found;
}

bool AppliedEvents::Contains(std::string_view event_id) const {
  const uint32_t hash = IdHash(event_id);
  if ((id_filter_ & FilterBits(hash)) != FilterBits(hash)) return false;
  return ForEachRecord(head_, false, event_id, [](OpenRecord&) { return true; });
}

std::vector<Outcome> AppliedEvents::outcomes() const {
  std::vector<Outcome> all;
  all.reserve(size());
  ForEachRecord(head_, true, {}, [&](OpenRecord& r) {
    Decode(r, all.emplace_back(), nullptr);
    return false;
  });
  return all;
}

void AppliedEvents::ForEach(
    absl::FunctionRef<void(const Outcome&, const EventDigest&)> f) const {
  // The thread's two objects, used again from call to call (not by a call
  // made from inside `f`: that one decodes into its own).
  thread_local Outcome kept_outcome;
  thread_local EventDigest kept_digest;
  thread_local bool in_use = false;
  Outcome own_outcome;
  EventDigest own_digest;
  const bool nested = in_use;
  Outcome& o = nested ? own_outcome : kept_outcome;
  EventDigest& d = nested ? own_digest : kept_digest;
  in_use = true;
  struct Release {
    bool& in_use;
    bool nested;
    ~Release() {
      if (!nested) in_use = false;
    }
  } release{in_use, nested};
  ForEachRecord(head_, true, {}, [&](OpenRecord& r) {
    Decode(r, o, &d);
    f(o, d);
    return false;
  });
}

std::vector<EventDigest> AppliedEvents::digests() const {
  std::vector<EventDigest> all;
  all.reserve(size());
  ForEachRecord(head_, true, {}, [&](OpenRecord& r) {
    r.event_part.Digest(&all.emplace_back());
    return false;
  });
  return all;
}

// Equality lives with the vocabulary (kefu/core/outcome.h); these names stay
// for the machines' callers.
bool SameOutcome(const Outcome& a, const Outcome& b) { return a == b; }

bool SameOutcomes(const std::vector<Outcome>& a, const std::vector<Outcome>& b) {
  return a == b;
}


// ------------------------------------------------------------------ saved logs
//
// saved_log.h has the layout.

namespace internal {

namespace {

constexpr uint8_t kSavedIdPrefixed = 1;
constexpr uint8_t kSavedOtherEntity = 2;
// A record's time in a saved log: tag in the two low bits of a varint.
constexpr uint64_t kSavedSeconds = 0;  // whole seconds from the record before's
constexpr uint64_t kSavedNanos = 1;    // the same, then nanoseconds (varint)
constexpr uint64_t kSavedTime = 2;     // a time as ByteWriter writes it follows

// A decision part's times count from its record's time in whole seconds
// (the record's time is whole seconds), or stand alone. Saved, the part
// takes as its time the epoch or one nanosecond past it, so that it reads
// back to the same bytes (Writer::DecisionPart).
const Timestamp kCountedFromEpoch = absl::UnixEpoch();
const Timestamp kStandingAlone = absl::UnixEpoch() + absl::Nanoseconds(1);

// A record's time: whole seconds from `*previous` (the record before's, 0
// for the first) and its nanoseconds if any, or the time whole.
void WriteRecordTime(Timestamp at, int64_t* previous, ByteWriter& w) {
  if (at != absl::InfinitePast() && at != absl::InfiniteFuture()) {
    const int64_t seconds = absl::ToUnixSeconds(at);  // floors
    if (seconds > -kTimeLimit && seconds < kTimeLimit) {
      const Duration rest = at - absl::FromUnixSeconds(seconds);
      const uint64_t delta = ZigZag(seconds - *previous) << 2;
      if (rest == absl::ZeroDuration()) {
        w.Varint(delta | kSavedSeconds);
        *previous = seconds;
        return;
      }
      const int64_t nanos = absl::ToInt64Nanoseconds(rest);
      if (absl::Nanoseconds(nanos) == rest) {
        w.Varint(delta | kSavedNanos);
        w.Varint(static_cast<uint64_t>(nanos));
        *previous = seconds;
        return;
      }
    }
  }
  w.Varint(kSavedTime);
  w.Time(at);
}

// What WriteRecordTime wrote; `*whole` says whether it is whole seconds
// (then `*previous` is its Unix seconds).
bool ReadRecordTime(ByteReader& in, int64_t* previous, Timestamp* at, bool* whole) {
  *whole = false;
  uint64_t v = 0;
  if (!in.Varint(&v)) return false;
  switch (v & 3) {
    case kSavedSeconds:
    case kSavedNanos: {
      // |previous| < 2^59 and |delta| < 2^61: no overflow.
      const int64_t seconds = *previous + UnZigZag(v >> 2);
      if (seconds <= -kTimeLimit || seconds >= kTimeLimit) return in.Fail("a time out of range");
      *at = absl::FromUnixSeconds(seconds);
      *whole = (v & 3) == kSavedSeconds;
      if ((v & 3) == kSavedNanos) {
        uint64_t nanos = 0;
        if (!in.Varint(&nanos)) return false;
        if (nanos == 0 || nanos >= 1'000'000'000) return in.Fail("nanoseconds out of range");
        *at += absl::Nanoseconds(static_cast<int64_t>(nanos));
      }
      *previous = seconds;
      return true;
    }
    case kSavedTime:
      return in.Time(at);
    default:
      return in.Fail("an unknown time tag");
  }
}

}  // namespace

struct SavedLogWriter::Impl {
  struct Kept {
    size_t offset = 0, size = 0;
    uint64_t uses = 0;
  };
  std::string parts;  // the parts' bytes, one after another
  ByteWriter pw{&parts};
  std::vector<Kept> event_parts, decision_parts;
  // The table's parts by their saved bytes (a set of part numbers, each
  // looked up by its bytes in `parts`: no copy of them), and the parts kept
  // in the process's dictionary by their number there, made once each. An
  // event part's bytes in memory name states of its kind's machine: that
  // map is the current kind's. A part in its record (most are of one
  // record) is made each time.
  struct ByContent {
    const std::string* parts;
    const std::vector<Kept>* kept;
    std::string_view Of(uint32_t n) const {
      const Kept& k = (*kept)[n];
      return std::string_view(parts->data() + k.offset, k.size);
    }
  };
  struct ContentHash : ByContent {
    using is_transparent = void;
    size_t operator()(uint32_t n) const { return internal::HashText(Of(n)); }
    size_t operator()(std::string_view v) const { return internal::HashText(v); }
  };
  struct ContentEq : ByContent {
    using is_transparent = void;
    bool operator()(uint32_t a, uint32_t b) const { return Of(a) == Of(b); }
    bool operator()(uint32_t a, std::string_view b) const { return Of(a) == b; }
    bool operator()(std::string_view a, uint32_t b) const { return a == Of(b); }
  };
  using ContentSet = absl::flat_hash_set<uint32_t, ContentHash, ContentEq>;
  ContentSet event_by_content{0, ContentHash{{&parts, &event_parts}},
                              ContentEq{{&parts, &event_parts}}};
  ContentSet decision_by_content{0, ContentHash{{&parts, &decision_parts}},
                                 ContentEq{{&parts, &decision_parts}}};
  absl::flat_hash_map<uint32_t, uint32_t> event_by_number, decision_by_number;
  int current_kind = -1;
  Outcome event_outcome, decision_outcome;
  EventDigest digest;
  Scratch check;

  Impl() { pw.KeepVocabularyApart(); }

  // The number of the part just written at parts[from...]: a part already
  // kept with the same bytes (this one dropped), or this one.
  uint32_t Keep(std::vector<Kept>& kept, ContentSet& by_content, size_t from) {
    const std::string_view made(parts.data() + from, parts.size() - from);
    if (auto it = by_content.find(made); it != by_content.end()) {
      // A part with a word not seen before is new: dropping this one
      // drops no word.
      const uint32_t number = *it;
      parts.resize(from);
      return number;
    }
    const auto number = static_cast<uint32_t>(kept.size());
    kept.push_back(Kept{from, made.size(), 0});
    by_content.insert(number);
    return number;
  }

  // The table's number of a part, counted as one more use: found by its
  // number in the process's dictionary when it is kept there and was seen,
  // else made (`make` writes it and returns its number).
  template <class Make>
  static uint32_t Number(absl::flat_hash_map<uint32_t, uint32_t>& by_number,
                         std::vector<Kept>& kept, std::optional<uint32_t> shared, Make make) {
    uint32_t* known = nullptr;
    if (shared) {
      auto [it, inserted] = by_number.try_emplace(*shared, 0);
      if (!inserted) {
        ++kept[it->second].uses;
        return it->second;
      }
      known = &it->second;  // nothing is added to by_number while making
    }
    const uint32_t number = make();
    if (known != nullptr) *known = number;
    ++kept[number].uses;
    return number;
  }

  uint32_t EventPart(std::string_view bytes, std::optional<uint32_t> shared, uint8_t kind) {
    return Number(event_by_number, event_parts, shared, [&] {
      Reader r(bytes.data(), bytes.data() + bytes.size());
      digest.fields.clear();
      r.Digest(&digest);
      r.EventPart(event_outcome);
      const size_t from = parts.size();
      pw.Byte(kind);
      EncodeDigest(digest, pw);
      const AuditRecord& a = event_outcome.audit;
      pw.String(a.agent);
      pw.String(a.note);
      pw.Text(a.event_type);
      pw.Text(a.state_before);
      pw.Text(a.state_after);
      pw.Byte(AuditFlags(a));
      if (a.policy_revision != 0) pw.Varint(a.policy_revision);
      return Keep(event_parts, event_by_content, from);
    });
  }

  uint32_t DecisionPart(std::string_view bytes, std::optional<uint32_t> shared, Timestamp at) {
    return Number(decision_by_number, decision_parts, shared, [&] {
      Outcome& o = decision_outcome;
      o.audit.at = WholeSeconds(at) ? kCountedFromEpoch : kStandingAlone;
      Reader(bytes.data(), bytes.data() + bytes.size()).DecisionPart(o);
      if (o.audit.at == kStandingAlone) {
        // Saved as counted from the epoch whenever that reads back to the
        // same bytes (no whole-second time in it): the saved bytes follow
        // from the part, not from which record was saved first.
        o.audit.at = kCountedFromEpoch;
        check.Clear();
        Writer(check).DecisionPart(o);
        if (std::string_view(check.data(), check.size()) != bytes) o.audit.at = kStandingAlone;
      }
      const size_t from = parts.size();
      EncodeOutcome(o, pw);
      return Keep(decision_parts, decision_by_content, from);
    });
  }
};

SavedLogWriter::SavedLogWriter() : impl_(std::make_unique<Impl>()) {}
SavedLogWriter::~SavedLogWriter() = default;

void SavedLogWriter::WriteLog(const AppliedEvents& log, std::string_view entity_id, uint8_t kind,
                              ByteWriter& w) {
  Impl& m = *impl_;
  if (kind != m.current_kind) {
    m.event_by_number.clear();
    m.current_kind = kind;
  }
  w.Varint(log.size());
  int64_t previous = 0;
  LogAccess::ForEachRaw(log, [&](const LogAccess::Raw& r) {
    const bool other = r.entity != entity_id;
    w.Byte(static_cast<uint8_t>((r.id_prefixed ? kSavedIdPrefixed : 0) |
                                (other ? kSavedOtherEntity : 0)));
    if (other) w.String(r.entity);
    w.String(r.id_rest);
    WriteRecordTime(r.at, &previous, w);
    w.Varint(m.EventPart(r.event_part, r.event_shared, kind));
    w.Varint(m.DecisionPart(r.decision_part, r.decision_shared, r.at));
  });
}

void SavedLogWriter::WriteTable(std::string* out) const {
  const Impl& m = *impl_;
  ByteWriter t(out);
  t.Varint(m.pw.vocabulary().size());
  for (std::string_view word : m.pw.vocabulary()) t.String(word);
  for (const auto* kept : {&m.event_parts, &m.decision_parts}) {
    t.Varint(kept->size());
    for (const Impl::Kept& k : *kept) {
      t.Varint(k.uses);
      t.String(std::string_view(m.parts.data() + k.offset, k.size));
    }
  }
}

bool SavedLogTable::Read(ByteReader& r) {
  size_t n = 0;
  if (!r.Count(&n)) return false;
  words.clear();
  words.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string_view text;
    if (!r.View(&text)) return false;
    words.emplace_back(InternText(text), text.size());
  }
  for (auto [parts, shared] : {std::pair{&event_parts, &shared_event_parts},
                                std::pair{&decision_parts, &shared_decision_parts}}) {
    if (!r.Count(&n)) return false;
    parts->clear();
    parts->reserve(n);
    *shared = 0;
    for (size_t i = 0; i < n; ++i) {
      Part part;
      if (!r.Varint(&part.uses) || !r.View(&part.bytes)) return false;
      part.offset = r.place() - part.bytes.size();
      if (part.uses > 1) {
        if (*shared == UINT32_MAX) {
          r.Fail("more than 2^32 - 1 shared parts in a log's table");
          return false;
        }
        part.shared = (*shared)++;
      }
      parts->push_back(part);
    }
  }
  return true;
}

struct SavedLogParts::Impl {
  // A table's part as this process keeps it: in the dictionary, or its
  // bytes (a part of one record, or past the dictionary's bounds).
  struct Made {
    bool made = false;
    std::optional<uint32_t> shared;
    std::string bytes;
    uint8_t flags = 0;  // an event part's: duplicate, refused
  };
  struct Cache {
    std::vector<Made> events, decisions;
  };
  absl::flat_hash_map<const SavedLogTable*, Cache> caches;
  Outcome outcome;  // a decision part, decoded
  Scratch scratch;
  std::string id;
  // A part of one record, made for it alone (an event part, a decision
  // part).
  Made once_event, once_decision;
  // States named so far (not the unknown ones), by where their word lies
  // (a table's words are interned: each in one place) and kind.
  struct Named {
    const char* data = nullptr;
    size_t size = 0;
    uint8_t kind = 0;
    std::string_view name;
  };
  std::array<Named, 64> named{};

  std::optional<std::string_view> Resolve(StateResolver resolve, uint8_t kind,
                                          std::string_view text) {
    Named& slot = named[((reinterpret_cast<uintptr_t>(text.data()) >> 3) ^ kind) % named.size()];
    if (slot.data != nullptr && slot.data == text.data() && slot.size == text.size() &&
        slot.kind == kind) {
      return slot.name;
    }
    const std::optional<std::string_view> name = resolve(text);
    if (name && text.data() != nullptr) slot = Named{text.data(), text.size(), kind, *name};
    return name;
  }

  static absl::Status PartError(std::string_view which, size_t number, const ByteReader& r) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToAbsl(which), " part ", number, " of its log's table: ", r.error()));
  }

  // Makes the process's bytes of event part `number` into `made`: read and
  // written field by field (no outcome made).
  absl::Status MakeEvent(const SavedLogTable& table, size_t number, uint8_t kind,
                         StateResolver resolve, Made& made) {
    const SavedLogTable::Part& part = table.event_parts[number];
    ByteReader r(part.bytes, &table.words, part.offset);
    uint8_t part_kind = 0, flags = 0;
    size_t n = 0;
    if (!r.Byte(&part_kind) || !r.Count(&n)) return PartError("event", number, r);
    if (part_kind != kind) {
      r.Fail("a part of another kind of entity");
      return PartError("event", number, r);
    }
    scratch.Clear();
    Writer w(scratch);
    w.Varint(n);
    for (size_t i = 0; i < n; ++i) {
      uint8_t field = 0;
      uint32_t hash = 0;
      if (!r.Byte(&field) || !r.Fixed32(&hash)) return PartError("event", number, r);
      w.DigestEntry(field, hash);
    }
    std::string_view agent, note, event_type, before, after;
    uint64_t revision = 0;
    if (!r.View(&agent) || !r.View(&note) || !r.Text(&event_type) || !r.Text(&before) ||
        !r.Text(&after) || !r.Byte(&flags)) {
      return PartError("event", number, r);
    }
    if (flags > (kDuplicateFlag | kRefusedFlag | kRevisionFlag)) {
      r.Fail("unknown audit flags");
      return PartError("event", number, r);
    }
    if ((flags & kRevisionFlag) != 0) {
      if (!r.Varint(&revision)) return PartError("event", number, r);
      if (revision == 0) {
        r.Fail("policy revision 0 written as present");
        return PartError("event", number, r);
      }
    }
    if (!r.at_end()) {
      r.Fail("bytes after its end");
      return PartError("event", number, r);
    }
    const std::optional<std::string_view> state_before = Resolve(resolve, kind, before);
    const std::optional<std::string_view> state_after = Resolve(resolve, kind, after);
    if (!state_before || !state_after) {
      return absl::InvalidArgumentError(absl::StrCat(
          "event part ", number, " of its log's table names an unknown state \"",
          ToAbsl(state_before ? after : before), "\""));
    }
    w.EventFields(agent, note, event_type, *state_before, *state_after, flags, revision);
    Keep(part, made);
    made.flags = static_cast<uint8_t>(flags & (kDuplicateFlag | kRefusedFlag));
    return absl::OkStatus();
  }

  absl::Status MakeDecision(const SavedLogTable& table, size_t number, Made& made) {
    const SavedLogTable::Part& part = table.decision_parts[number];
    ByteReader r(part.bytes, &table.words, part.offset);
    if (!DecodeOutcome(r, &outcome)) return PartError("decision", number, r);
    if (!r.at_end()) {
      r.Fail("bytes after its end");
      return PartError("decision", number, r);
    }
    if (outcome.audit.at != kCountedFromEpoch && outcome.audit.at != kStandingAlone) {
      r.Fail("its times count from neither the record nor the epoch");
      return PartError("decision", number, r);
    }
    scratch.Clear();
    Writer(scratch).DecisionPart(outcome);
    Keep(part, made);
    return absl::OkStatus();
  }

  // The bytes in `scratch` into `made`: kept once per process when more
  // than one record names the part.
  void Keep(const SavedLogTable::Part& part, Made& made) {
    const std::string_view bytes(scratch.data(), scratch.size());
    made.shared.reset();
    if (part.uses > 1 && bytes.size() <= TailDictionary::kMaxShared) {
      made.shared = TailDictionary::Get().Share(bytes);
    }
    if (made.shared) {
      made.bytes.clear();
    } else {
      made.bytes.assign(bytes.data(), bytes.size());
    }
    made.made = true;
  }
};

SavedLogParts::SavedLogParts() : impl_(std::make_unique<Impl>()) {}
SavedLogParts::~SavedLogParts() = default;

absl::Status SavedLogParts::ReadLog(ByteReader& in, const SavedLogTable& table, uint8_t kind,
                                    std::string_view entity_id, StateResolver resolve,
                                    absl::FunctionRef<void(std::string_view)> on_id,
                                    AppliedEvents* log, Timestamp* last_at) {
  Impl& m = *impl_;
  auto corrupt = [&in] { return absl::InvalidArgumentError(in.error()); };
  size_t n = 0;
  if (!in.Count(&n)) return corrupt();
  Impl::Cache& cache = m.caches[&table];
  cache.events.resize(table.shared_event_parts);
  cache.decisions.resize(table.shared_decision_parts);
  // Records take 10 to 20 bytes when their parts are shared.
  LogAccess::Reserve(*log, n * 24);
  Timestamp last = absl::InfinitePast();
  int64_t previous = 0;  // the record before's whole seconds
  for (size_t i = 0; i < n; ++i) {
    uint8_t flags = 0;
    std::string_view entity = entity_id, id_rest;
    Timestamp at;
    uint64_t event = 0, decision = 0;
    if (!in.Byte(&flags)) return corrupt();
    if (flags > (kSavedIdPrefixed | kSavedOtherEntity)) {
      in.Fail("unknown record flags");
      return corrupt();
    }
    if ((flags & kSavedOtherEntity) != 0 && !in.View(&entity)) return corrupt();
    bool whole = false;
    if (!in.View(&id_rest) || !ReadRecordTime(in, &previous, &at, &whole) || !in.Varint(&event) ||
        !in.Varint(&decision)) {
      return corrupt();
    }
    if (event >= table.event_parts.size() || decision >= table.decision_parts.size()) {
      in.Fail("a part number out of range");
      return corrupt();
    }
    if (at == absl::InfinitePast() || at == absl::InfiniteFuture()) {
      in.Fail("an event at an infinite time");
      return corrupt();
    }
    std::string_view id = id_rest;
    if ((flags & kSavedIdPrefixed) != 0) {
      m.id.assign(entity.data(), entity.size());
      m.id.append(id_rest.data(), id_rest.size());
      id = m.id;
    }
    if (id.empty()) {
      in.Fail("an event without an id");
      return corrupt();
    }
    // Each shared part made once, kept in its place among the shared; a
    // part of one record made for it alone.
    auto part = [&](std::vector<Impl::Made>& made, const std::vector<SavedLogTable::Part>& parts,
                    uint64_t number, Impl::Made& once, auto make) -> const Impl::Made* {
      const SavedLogTable::Part& p = parts[number];
      if (p.uses <= 1) return make(once) ? &once : nullptr;
      Impl::Made& cached = made[p.shared];
      if (cached.made) return &cached;
      return make(cached) ? &cached : nullptr;
    };
    absl::Status error;
    const Impl::Made* event_part =
        part(cache.events, table.event_parts, event, m.once_event, [&](Impl::Made& into) {
          error = m.MakeEvent(table, event, kind, resolve, into);
          return error.ok();
        });
    if (event_part == nullptr) return error;
    const Impl::Made* decision_part =
        part(cache.decisions, table.decision_parts, decision, m.once_decision,
             [&](Impl::Made& into) {
               error = m.MakeDecision(table, decision, into);
               return error.ok();
             });
    if (decision_part == nullptr) return error;
    const uint8_t event_flags = event_part->flags;
    LogAccess::PartRef refs[2];
    refs[0].shared = event_part->shared;
    refs[0].bytes = event_part->bytes;
    refs[1].shared = decision_part->shared;
    refs[1].bytes = decision_part->bytes;
    LogAccess::AppendRecord(*log, entity, id, at, refs[0], refs[1],
                            whole ? std::optional<int64_t>(previous) : std::nullopt);
    on_id(id);
    if ((event_flags & (kDuplicateFlag | kRefusedFlag)) == 0) last = std::max(last, at);
  }
  LogAccess::Trim(*log);
  *last_at = last;
  return absl::OkStatus();
}

SavedLogSource*& ThreadSavedLogSource() {
  thread_local SavedLogSource* source = nullptr;
  return source;
}

ScopedSavedLog::ScopedSavedLog(ByteReader& in, SavedLogParts& parts, const SavedLogTable& table,
                               uint8_t kind, std::string_view entity_id,
                               absl::FunctionRef<void(std::string_view)> on_id)
    : in_(in), parts_(parts), table_(table), kind_(kind), entity_id_(entity_id), on_id_(on_id) {
  ThreadSavedLogSource() = this;
}

ScopedSavedLog::~ScopedSavedLog() {
  if (ThreadSavedLogSource() == this) ThreadSavedLogSource() = nullptr;
}

absl::Status ScopedSavedLog::Build(StateResolver resolve, AppliedEvents* log,
                                   Timestamp* last_at) {
  read_ = true;
  return parts_.ReadLog(in_, table_, kind_, entity_id_, resolve, on_id_, log, last_at);
}

}  // namespace internal

}  // namespace kefu
