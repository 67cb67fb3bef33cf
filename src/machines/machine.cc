// Shared machine support: event metadata checks and the idempotency log.
//
// The log's encoding (internal, never persisted: snapshots carry decoded
// outcomes). One record per outcome, appended to the entity's last block:
//
//   u32 record length (bytes after this field)
//   u32 hash of the event id (Find compares ids only when hashes agree)
//   str event id
//   digest: varint count, then (u8 field, u32 hash) each
//   str entity, agent, note; time at; view event_type, state_before,
//   state_after; u8 duplicate; u8 refused; verdicts; decisions; actions;
//   deadlines
//
// str = varint length + bytes; view = a string_view's pointer and length
// (static storage by the vocabulary's contract, so the pointer is what an
// Outcome copy would hold too); Message = its two pointers; times, money and
// counts as their raw bytes. Fixed-size fields are copied with memcpy, so
// nothing depends on alignment.
#include "kefu/machines/machine.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace kefu {

absl::Status ValidateEventMeta(const EventMeta& meta) {
  if (meta.id.empty()) return absl::InvalidArgumentError("event id is empty");
  if (meta.at == absl::InfinitePast() || meta.at == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError(absl::StrCat("event ", meta.id, " has no time"));
  }
  if (absl::Status s = CheckEventTime(meta.at); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("event ", meta.id, ": ", s.message()));
  }
  return absl::OkStatus();
}

namespace {

// FNV-1a: ids are short, and a log holds tens of them.
uint32_t IdHash(std::string_view id) {
  uint32_t h = 2166136261u;
  for (const char c : id) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return h;
}

// The id filter's two bits for an id hash.
uint64_t FilterBits(uint32_t hash) {
  return (uint64_t{1} << (hash & 63)) | (uint64_t{1} << ((hash >> 6) & 63));
}

static_assert(std::is_trivially_copyable_v<Timestamp>, "times are stored as their bytes");
static_assert(std::is_trivially_copyable_v<Money>, "money is stored as its bytes");
static_assert(std::is_trivially_copyable_v<Message>, "messages are stored as their pointers");

// Where a Writer puts bytes: Count only counts them (the first pass, which
// sizes the record), Copy writes them to memory known to be large enough.
struct Count {
  size_t n = 0;
  void Put(const void*, size_t size) { n += size; }
  void PutByte(uint8_t) { ++n; }
};
struct Copy {
  char* p;
  void Put(const void* data, size_t size) {
    std::memcpy(p, data, size);
    p += size;
  }
  void PutByte(uint8_t b) { *p++ = static_cast<char>(b); }
};

template <class Sink>
class Writer {
 public:
  explicit Writer(Sink& out) : out_(out) {}

  template <class T>
  void Raw(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.Put(&v, sizeof(T));
  }
  void Byte(uint8_t b) { out_.PutByte(b); }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.PutByte(static_cast<uint8_t>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.PutByte(static_cast<uint8_t>(v));
  }
  void Str(std::string_view s) {
    Varint(s.size());
    out_.Put(s.data(), s.size());
  }
  void View(std::string_view s) {
    Raw(s.data());
    Varint(s.size());
  }

  void Figs(const Figures& figures) {
    Varint(figures.size());
    for (const Figure& f : figures) {
      View(f.name);
      Byte(static_cast<uint8_t>(f.value.index()));
      switch (f.value.index()) {
        case 0: Raw(std::get<Money>(f.value)); break;
        case 1: Raw(std::get<Timestamp>(f.value)); break;
        case 2: Raw(std::get<int64_t>(f.value)); break;
        case 3: Str(std::get<std::string>(f.value)); break;
        case 4: TermOut(std::get<kefu::Term>(f.value)); break;
        default: {
          const kefu::TermList& terms = std::get<kefu::TermList>(f.value);
          Varint(terms.size());
          for (const kefu::Term& t : terms) TermOut(t);
          break;
        }
      }
    }
  }
  // Terms are static storage, like names: kept as pointers.
  void TermOut(const kefu::Term& t) {
    View(t.key);
    Raw(t.zh);
    Raw(t.en);
  }
  void OptTime(const std::optional<Timestamp>& t) {
    Byte(t.has_value() ? 1 : 0);
    if (t) Raw(*t);
  }

  void Record(uint32_t length, uint32_t id_hash, const kefu::Outcome& o,
              const EventDigest& digest) {
    Raw(length);
    Raw(id_hash);
    Str(o.audit.event_id);
    Varint(digest.fields.size());
    for (const EventDigest::Entry& e : digest.fields) {
      Byte(e.field);
      Raw(e.hash);
    }
    Outcome(o);
  }

  // The outcome's fields after its event id.
  void Outcome(const kefu::Outcome& o) {
    const AuditRecord& a = o.audit;
    Str(o.entity);
    Str(a.agent);
    Str(a.note);
    Raw(a.at);
    View(a.event_type);
    View(a.state_before);
    View(a.state_after);
    Byte(a.duplicate ? 1 : 0);
    Byte(a.refused ? 1 : 0);
    Varint(a.verdicts.size());
    for (const RuleVerdict& v : a.verdicts) {
      View(v.rule);
      Byte(static_cast<uint8_t>(v.verdict));
    }
    Varint(o.decisions.size());
    for (const Decision& d : o.decisions) {
      View(d.rule);
      Byte(static_cast<uint8_t>(d.verdict));
      Raw(d.message);
      Figs(d.figures);
    }
    Varint(o.actions.size());
    for (const Action& x : o.actions) {
      Byte(static_cast<uint8_t>(x.kind));
      View(x.rule);
      Str(x.assignee);
      Str(x.subject);
      OptTime(x.due);
      Raw(x.message);
      Figs(x.figures);
    }
    Varint(o.deadlines.size());
    for (const Deadline& d : o.deadlines) {
      View(d.rule);
      Byte(static_cast<uint8_t>(d.op));
      Raw(d.due);
      OptTime(d.warn_at);
      Raw(d.message);
      Figs(d.figures);
    }
  }

 private:
  Sink& out_;
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
  std::string_view Str() {
    const size_t n = Varint();
    assert(static_cast<size_t>(end_ - p_) >= n);
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  std::string_view View() {
    const char* data = Raw<const char*>();
    return std::string_view(data, Varint());
  }

  void Figs(Figures& figures) {
    const size_t n = Varint();
    figures.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      Figure& f = figures.emplace_back();
      f.name = View();
      switch (Byte()) {
        case 0: f.value = Raw<Money>(); break;
        case 1: f.value = Raw<Timestamp>(); break;
        case 2: f.value = Raw<int64_t>(); break;
        case 3: f.value = std::string(Str()); break;
        case 4: f.value = TermIn(); break;
        default: {
          kefu::TermList terms(Varint());
          for (kefu::Term& t : terms) t = TermIn();
          f.value = std::move(terms);
          break;
        }
      }
    }
  }
  kefu::Term TermIn() {
    kefu::Term t;
    t.key = View();
    t.zh = Raw<const char*>();
    t.en = Raw<const char*>();
    return t;
  }
  std::optional<Timestamp> OptTime() {
    if (Byte() == 0) return std::nullopt;
    return Raw<Timestamp>();
  }

  // The digest after the event id.
  void Digest(EventDigest* digest) {
    const size_t n = Varint();
    for (size_t i = 0; i < n; ++i) {
      EventDigest::Entry e;
      e.field = Byte();
      e.hash = Raw<uint32_t>();
      if (digest != nullptr) digest->fields.push_back(e);
    }
  }

  // Decodes the fields after the digest into `o`.
  void Outcome(kefu::Outcome& o) {
    AuditRecord& a = o.audit;
    o.entity = std::string(Str());
    a.agent = std::string(Str());
    a.note = std::string(Str());
    a.at = Raw<Timestamp>();
    a.event_type = View();
    a.state_before = View();
    a.state_after = View();
    a.duplicate = Byte() != 0;
    a.refused = Byte() != 0;
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
      d.message = Raw<Message>();
      Figs(d.figures);
    }
    o.actions.resize(Varint());
    for (Action& x : o.actions) {
      x.kind = static_cast<ActionKind>(Byte());
      x.rule = View();
      x.assignee = std::string(Str());
      x.subject = std::string(Str());
      x.due = OptTime();
      x.message = Raw<Message>();
      Figs(x.figures);
    }
    o.deadlines.resize(Varint());
    for (Deadline& d : o.deadlines) {
      d.rule = View();
      d.op = static_cast<DeadlineOp>(Byte());
      d.due = Raw<Timestamp>();
      d.warn_at = OptTime();
      d.message = Raw<Message>();
      Figs(d.figures);
    }
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace

AppliedEvents::AppliedEvents(const std::vector<Outcome>& outcomes,
                             const std::vector<EventDigest>& digests) {
  for (size_t i = 0; i < outcomes.size(); ++i) {
    Record(outcomes[i], i < digests.size() ? digests[i] : EventDigest{});
  }
}

struct AppliedEvents::Block {
  Block* next = nullptr;
  uint32_t used = 0;
  uint32_t capacity = 0;

  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }

  // A block of at least `need` bytes: `first` blocks are smaller (most
  // reviews and tickets fit in one), later ones just under 1 KiB; a record
  // larger than that gets a block of its own size.
  static Block* New(size_t need, bool first) {
    constexpr size_t kFirst = 512 - sizeof(Block);
    constexpr size_t kNext = 1008 - sizeof(Block);
    const size_t capacity = std::max(need, first ? kFirst : kNext);
    void* memory = ::operator new(sizeof(Block) + capacity);
    Block* b = new (memory) Block;
    b->capacity = static_cast<uint32_t>(capacity);
    return b;
  }
};

void AppliedEvents::Clear() {
  for (Block* b = head_; b != nullptr;) {
    Block* next = b->next;
    b->~Block();
    ::operator delete(b);
    b = next;
  }
  head_ = tail_ = nullptr;
  count_ = bytes_ = 0;
  id_filter_ = 0;
}

AppliedEvents::~AppliedEvents() { Clear(); }

AppliedEvents::Block* AppliedEvents::AppendBlock(size_t need) {
  Block* b = Block::New(need, head_ == nullptr);
  (tail_ != nullptr ? tail_->next : head_) = b;
  tail_ = b;
  return b;
}

AppliedEvents::AppliedEvents(const AppliedEvents& other) { *this = other; }

AppliedEvents& AppliedEvents::operator=(const AppliedEvents& other) {
  if (this == &other) return *this;
  // Copied aside first: if an allocation fails, *this is unchanged.
  AppliedEvents copy;
  for (const Block* b = other.head_; b != nullptr; b = b->next) {
    Block* to = copy.AppendBlock(b->used);
    std::memcpy(to->data(), b->data(), b->used);
    to->used = b->used;
  }
  copy.count_ = other.count_;
  copy.bytes_ = other.bytes_;
  copy.id_filter_ = other.id_filter_;
  return *this = std::move(copy);
}

AppliedEvents::AppliedEvents(AppliedEvents&& other) noexcept { *this = std::move(other); }

AppliedEvents& AppliedEvents::operator=(AppliedEvents&& other) noexcept {
  if (this != &other) {
    Clear();
    head_ = std::exchange(other.head_, nullptr);
    tail_ = std::exchange(other.tail_, nullptr);
    count_ = std::exchange(other.count_, 0);
    bytes_ = std::exchange(other.bytes_, 0);
    id_filter_ = std::exchange(other.id_filter_, 0);
  }
  return *this;
}

void AppliedEvents::Record(const Outcome& outcome, const EventDigest& digest) {
  // Two passes over the outcome: one sizes the record, one writes it
  // straight into the last block (or a new one).
  const uint32_t hash = IdHash(outcome.audit.event_id);
  Count count;
  Writer<Count>(count).Record(0, hash, outcome, digest);
  const size_t size = count.n;
  if (tail_ == nullptr || tail_->capacity - tail_->used < size) AppendBlock(size);
  Copy copy{tail_->data() + tail_->used};
  Writer<Copy>(copy).Record(static_cast<uint32_t>(size - sizeof(uint32_t)), hash, outcome,
                            digest);
  assert(copy.p == tail_->data() + tail_->used + size);
  tail_->used += static_cast<uint32_t>(size);
  bytes_ += size;
  ++count_;
  id_filter_ |= FilterBits(hash);
}

namespace {

// Calls f(id, reader positioned after the id) for each record whose id
// hash is `hash` (every record when `all`), until f returns true; returns
// whether it did.
template <class Block, class F>
bool ForEachRecord(const Block* head, bool all, uint32_t hash, F&& f) {
  for (const Block* b = head; b != nullptr; b = b->next) {
    const char* p = b->data();
    const char* const end = p + b->used;
    while (p < end) {
      uint32_t length, record_hash;
      std::memcpy(&length, p, sizeof(length));
      std::memcpy(&record_hash, p + sizeof(length), sizeof(record_hash));
      const char* const record_end = p + sizeof(length) + length;
      if (all || record_hash == hash) {
        Reader r(p + sizeof(length) + sizeof(record_hash), record_end);
        const std::string_view id = r.Str();
        if (f(id, r)) return true;
      }
      p = record_end;
    }
  }
  return false;
}

}  // namespace

std::optional<Outcome> AppliedEvents::Find(std::string_view event_id,
                                           EventDigest* digest) const {
  std::optional<Outcome> found;
  const uint32_t hash = IdHash(event_id);
  if ((id_filter_ & FilterBits(hash)) != FilterBits(hash)) return found;
  ForEachRecord(head_, false, hash, [&](std::string_view id, Reader& r) {
    if (id != event_id) return false;
    Outcome& o = found.emplace();
    o.audit.event_id = std::string(id);
    r.Digest(digest);
    r.Outcome(o);
    return true;
  });
  return found;
}

bool AppliedEvents::Contains(std::string_view event_id) const {
  const uint32_t hash = IdHash(event_id);
  if ((id_filter_ & FilterBits(hash)) != FilterBits(hash)) return false;
  return ForEachRecord(head_, false, hash,
                       [&](std::string_view id, Reader&) { return id == event_id; });
}

std::vector<Outcome> AppliedEvents::outcomes() const {
  std::vector<Outcome> all;
  all.reserve(count_);
  ForEachRecord(head_, true, 0, [&](std::string_view id, Reader& r) {
    Outcome& o = all.emplace_back();
    o.audit.event_id = std::string(id);
    r.Digest(nullptr);
    r.Outcome(o);
    return false;
  });
  return all;
}

std::vector<EventDigest> AppliedEvents::digests() const {
  std::vector<EventDigest> all;
  all.reserve(count_);
  ForEachRecord(head_, true, 0, [&](std::string_view, Reader& r) {
    r.Digest(&all.emplace_back());
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

}  // namespace kefu
