// The shop engine: routing, cross-entity indexes, reply record, deadlines.
#include "kefu/engine/shop.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/container/node_hash_map.h"
#include "absl/container/node_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "core/absl_compat.h"
#include "core/ahead.h"
#include "core/codec.h"
#include "core/huge_pages.h"
#include "core/entity_key.h"
#include "core/word_hash.h"
#include "engine/load_threads.h"
#include "engine/policy_label.h"
#include "engine/reply_schema.h"
#include "engine/saved_shop.h"
#include "engine/state_codec.h"
#include "engine/team_member.h"
#include "kefu/machines/live_orders.h"
#include "kefu/machines/open_tickets.h"
#include "kefu/machines/ticket_defects.h"
#include "kefu/policies/province.h"
#include "machines/event_schema.h"
#include "machines/order_access.h"
#include "machines/snapshot_codec.h"

namespace kefu::internal {
namespace {
thread_local std::optional<uint64_t> policy_label;
}  // namespace

ScopedPolicyLabel::ScopedPolicyLabel(uint64_t revision) : previous_(policy_label) {
  policy_label = revision;
}
ScopedPolicyLabel::~ScopedPolicyLabel() { policy_label = previous_; }
std::optional<uint64_t> ScopedPolicyLabel::Current() { return policy_label; }
}  // namespace kefu::internal

namespace kefu {
namespace {

using internal::ToAbsl;

// FNV-1a: a fixed hash, so that shard assignment (and with it the order of
// simultaneous due items) is the same in every run and on every platform.
uint64_t StableHash(EntityKind kind, std::string_view key) {
  uint64_t h = 1469598103934665603ull ^ static_cast<uint64_t>(kind);
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// ORD-DUP-SHIP: live orders indexed by buyer IM name and phone.
//
// Compact, since it holds every live order of the shop: an order's buyer,
// items and address are packed into one string (LiveOrder is built from
// it for the few orders of the buyer asked about), and the buyer indexes
// are keyed by a hash of the IM name or phone, their orders compared in
// full when asked.
class IndexedLiveOrders final : public LiveOrders {
 public:
  void ForEachLiveOrder(const Buyer& buyer,
                        absl::FunctionRef<void(const LiveOrder&)> fn) const override {
    std::lock_guard lock(mu_);
    absl::InlinedVector<const Node*, 8> found;
    auto collect = [&](const ByValue& index, const std::string& value, int field) {
      if (value.empty()) return;
      auto it = index.find(ValueHash(value));
      if (it == index.end()) return;
      for (const Node* n : it->second) {
        if (Field(n->second, field) == value) found.push_back(n);
      }
    };
    collect(by_im_, buyer.im_name, kIm);
    collect(by_phone_, buyer.phone, kPhone);
    // By id, each once: the same answer as a scan in id order.
    std::sort(found.begin(), found.end(),
              [](const Node* a, const Node* b) { return a->first.view() < b->first.view(); });
    found.erase(std::unique(found.begin(), found.end()), found.end());
    // One LiveOrder per thread, filled for each order found: its strings
    // keep their blocks from call to call (the order asking is usually the
    // one found). `fn` (ORD-DUP-SHIP's check, which only compares) must not
    // look in an index itself: that would refill the same LiveOrder.
    thread_local LiveOrder o;
    for (const Node* n : found) {
      Assign(&o.order_id, n->first.view());
      Assign(&o.buyer.im_name, Field(n->second, kIm));
      Assign(&o.buyer.phone, Field(n->second, kPhone));
      Assign(&o.items, Field(n->second, kItems));
      Assign(&o.address, Field(n->second, kAddress));
      fn(o);
    }
  }

  void Update(const Order& order) {
    std::lock_guard lock(mu_);
    auto it = orders_.find(order.id());
    if (!order.live()) {  // a finished order is gone from the index
      if (it != orders_.end()) {
        Unlink(*it);
        orders_.erase(it);
      }
      return;
    }
    // Packed in strings kept for it (under the lock): most events leave an
    // order's buyer, items and address as they were, and then nothing is
    // made or changed.
    order.CopyDataTo(&data_);
    const OrderData& d = data_;
    items_.clear();
    AppendItemsKey(d.lines, &items_);
    address_.clear();
    d.address.AppendFull(&address_);
    Pack(d.buyer, items_, address_, &packed_);
    if (it == orders_.end()) {
      // Nodes do not move: the buyer indexes point at them.
      it = orders_.try_emplace(internal::EntityKey(d.id), internal::PackedBytes(packed_)).first;
      Link(*it);
      return;
    }
    if (it->second.view() == packed_) return;
    const bool same_buyer = Field(it->second, kIm) == d.buyer.im_name &&
                            Field(it->second, kPhone) == d.buyer.phone;
    if (!same_buyer) Unlink(*it);
    it->second = internal::PackedBytes(packed_);
    if (!same_buyer) Link(*it);
  }

 private:
  // Order id -> its packed fields: four varint lengths (IM name, phone,
  // items, address), then their bytes, in a block of their own sized to
  // them (8 bytes in the node, where a std::string took 32).
  using Orders = internal::EntityMap<internal::PackedBytes>;
  using Node = Orders::value_type;
  // Hash of a buyer's IM name or phone -> the live orders that may carry it.
  using ByValue = absl::flat_hash_map<uint64_t, absl::InlinedVector<const Node*, 1>>;
  enum { kIm = 0, kPhone = 1, kItems = 2, kAddress = 3 };

  static uint64_t ValueHash(std::string_view value) {
    return absl::Hash<absl::string_view>{}(ToAbsl(value));
  }
  static void PutVarint(std::string& out, size_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  // Into `*out` (its old contents dropped).
  static void Pack(const Buyer& buyer, const std::string& items, const std::string& address,
                   std::string* out) {
    out->clear();
    out->reserve(8 + buyer.im_name.size() + buyer.phone.size() + items.size() + address.size());
    for (const std::string* f : {&buyer.im_name, &buyer.phone, &items, &address}) {
      PutVarint(*out, f->size());
    }
    for (const std::string* f : {&buyer.im_name, &buyer.phone, &items, &address}) *out += *f;
  }
  static void Assign(std::string* to, std::string_view from) {
    to->assign(from.data(), from.size());
  }
  // Field `field` of a packed string.
  static std::string_view Field(const internal::PackedBytes& block, int field) {
    const std::string_view packed = block.view();
    size_t sizes[4];
    size_t p = 0;
    for (size_t& size : sizes) {
      size = 0;
      for (int shift = 0;; shift += 7) {
        const auto b = static_cast<uint8_t>(packed[p++]);
        size |= static_cast<size_t>(b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    for (int i = 0; i < field; ++i) p += sizes[i];
    return packed.substr(p, sizes[field]);
  }

  void Link(const Node& n) {
    for (int field : {kIm, kPhone}) {
      const std::string_view value = Field(n.second, field);
      if (!value.empty()) Index(field)[ValueHash(value)].push_back(&n);
    }
  }
  void Unlink(const Node& n) {
    for (int field : {kIm, kPhone}) {
      const std::string_view value = Field(n.second, field);
      if (value.empty()) continue;
      ByValue& index = Index(field);
      auto e = index.find(ValueHash(value));
      if (e == index.end()) continue;
      auto& v = e->second;
      v.erase(std::remove(v.begin(), v.end(), &n), v.end());
      if (v.empty()) index.erase(e);
    }
  }
  ByValue& Index(int field) { return field == kIm ? by_im_ : by_phone_; }

  // A mutex, not a reader-writer lock, here and in the other shared
  // indexes: each section under it is short, and for those a shared lock
  // costs more than a mutex (about 23 against 7 ns a lock and unlock
  // uncontended on this host; the two indexes' and the defects' locks were
  // 1.6% of a 1M replay's samples), while concurrent readers contend on
  // its word all the same.
  mutable std::mutex mu_;
  Orders orders_;
  ByValue by_im_;
  ByValue by_phone_;
  std::string items_, address_, packed_;  // Update's, reused
  OrderData data_;                        // the order Update reads, reused
};

// AS-DEDUP: open tickets indexed by order.
class IndexedOpenTickets final : public OpenTickets {
 public:
  std::optional<OpenTicket> FindOpen(std::string_view order_id,
                                     std::optional<std::string_view> category) const override {
    std::lock_guard lock(mu_);
    auto it = by_order_.find(ToAbsl(order_id));
    if (it == by_order_.end()) return std::nullopt;
    for (const std::string& id : it->second) {  // by ticket id: deterministic
      const OpenTicket& t = tickets_.at(id);
      if (category && t.category != *category) continue;
      return t;
    }
    return std::nullopt;
  }

  void Update(const Ticket& ticket) {
    std::lock_guard lock(mu_);
    const TicketData& d = ticket.data();
    auto it = tickets_.find(d.id);
    if (it != tickets_.end()) {
      auto o = by_order_.find(it->second.order_id);
      if (o != by_order_.end()) {
        o->second.erase(d.id);
        if (o->second.empty()) by_order_.erase(o);
      }
      tickets_.erase(it);
    }
    if (!ticket.open()) return;
    tickets_.emplace(d.id, OpenTicket{d.id, d.order_id, d.category, d.owner});
    by_order_[d.order_id].insert(d.id);
  }

 private:
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, OpenTicket> tickets_;
  absl::flat_hash_map<std::string, std::set<std::string>> by_order_;
};

// AS-DEFECT: the counts of a DefectCounter shared by every shard: the order
// machines ask it, the ticket machines record in it, each with the
// thresholds of the rules that judge its event (DefectsUnder), so that a
// replacement of the rules needs no lock of its own here.
class SharedDefects {
 public:
  bool NeedsTestBeforeShipping(std::string_view product, const DefectPolicy& policy) const {
    std::lock_guard lock(mu_);
    return policy.TestsBeforeShipping(counter_.Count(product));
  }
  Outcome Record(std::string_view ticket_id, const std::vector<TicketLine>& lines,
                 const DefectPolicy& policy) {
    std::lock_guard lock(mu_);
    counter_.set_policy(policy);
    return counter_.Record(ticket_id, lines);
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> Products() const {
    std::lock_guard lock(mu_);
    return counter_.Products();
  }
  void Restore(std::string_view product, std::string_view ticket_id) {
    std::lock_guard lock(mu_);
    counter_.Restore(product, ticket_id);
  }

 private:
  mutable std::mutex mu_;
  DefectCounter counter_;
};

// The shared counts as the machines see them under one set of rules: a
// shard's, which points it at its rules' thresholds.
class DefectsUnder final : public ProductTestQuery, public DefectLedger {
 public:
  DefectsUnder(SharedDefects* shared, const DefectPolicy* policy)
      : shared_(shared), policy_(policy) {}
  bool NeedsTestBeforeShipping(std::string_view product) const override {
    return shared_->NeedsTestBeforeShipping(product, *policy_);
  }
  Outcome Record(std::string_view ticket_id, const std::vector<TicketLine>& lines) override {
    return shared_->Record(ticket_id, lines, *policy_);
  }

 private:
  SharedDefects* shared_;
  const DefectPolicy* policy_;  // the shard's rules'
};

// The owners of event ids (an entity's kind and key, packed in one word:
// the key's address, whose low bits are zero, holds the kind in them),
// numbered in the order added, so that the event-id index keeps a 32-bit
// number instead of a pointer. Each entity is added once: its number is
// kept with its key (EntityKey::number), which is how the index finds it
// again. Sharded by the packed owner, each shard under its own lock (taken
// after an index shard's, never before); numbers are read back without a
// lock. An entity created and removed again (its first event ended in an
// error, and its claim was released) leaves its number unused.
class OwnerNumbers {
 public:
  static_assert(alignof(internal::EntityKey) >= 8 && kEntityKindCount <= 8);
  static uintptr_t Pack(EntityKind kind, const internal::EntityKey* key) {
    return reinterpret_cast<uintptr_t>(key) | static_cast<uintptr_t>(kind);
  }

  OwnerNumbers() = default;
  OwnerNumbers(const OwnerNumbers&) = delete;
  OwnerNumbers& operator=(const OwnerNumbers&) = delete;
  ~OwnerNumbers() {
    for (Shard& s : shards_) {
      for (auto& c : s.chunks) delete[] c.load(std::memory_order_relaxed);
    }
  }

  // Which of the shards numbers `packed`: threads that number owners of
  // different shards take different locks.
  static uint32_t ShardOf(uintptr_t packed) {
    return static_cast<uint32_t>((packed * 0x9E3779B97F4A7C15ull) >> (64 - kShardBits));
  }

  // A new number for `packed`.
  uint32_t Add(uintptr_t packed) {
    const uint32_t shard_index = ShardOf(packed);
    Shard& s = shards_[shard_index];
    std::lock_guard lock(s.mu);
    const uint32_t local = s.size++;
    const auto [chunk, offset] = Place(local);
    uintptr_t* c = s.chunks[chunk].load(std::memory_order_acquire);
    if (c == nullptr) {
      c = new uintptr_t[kFirstChunk << chunk];
      s.chunks[chunk].store(c, std::memory_order_release);
    }
    c[offset] = packed;
    return local << kShardBits | shard_index;
  }

  // The packed owner numbered `number` (a number Add returned).
  uintptr_t PackedOf(uint32_t number) const {
    const Shard& s = shards_[number & (kShards - 1)];
    const auto [chunk, offset] = Place(number >> kShardBits);
    return s.chunks[chunk].load(std::memory_order_acquire)[offset];
  }

 private:
  static constexpr int kShardBits = 3;
  static constexpr uint32_t kShards = 1u << kShardBits;
  // Chunk c holds kFirstChunk << c numbers: 20 chunks hold 2^29 owners a
  // shard, every 32-bit number.
  static constexpr uint32_t kFirstChunk = 1024;
  static constexpr int kChunks = 20;
  static std::pair<int, uint32_t> Place(uint32_t local) {
    const uint64_t v = uint64_t{local} / kFirstChunk + 1;
    int chunk = 0;
    while ((v >> (chunk + 1)) != 0) ++chunk;
    return {chunk, static_cast<uint32_t>(local - uint64_t{kFirstChunk} * ((uint64_t{1} << chunk) - 1))};
  }
  struct Shard {
    std::mutex mu;
    uint32_t size = 0;  // under mu
    std::array<std::atomic<uintptr_t*>, kChunks> chunks{};
  };
  std::array<Shard, kShards> shards_;
};

// Which entity judged each event id, across kinds: the same id on another
// entity is an error, not a second event.
//
// The index holds a shop's every event id, so it keeps none as a string.
// An id is kept one of two ways (IdOf):
//
// - Numbered: an id "<prefix>.<n>", n a decimal from 0 to 31 without
//   leading zeros ("TB1.0" .. "TB1.31"), is bit n of its prefix's entry.
//   A host that numbers an entity's events after its key (as kefu's
//   sample weeks do) gives every event of an entity the same entry: the index grows by an entity, not by an event (20 bytes a
//   slot for up to 32 events, instead of 16 bytes an id). The entry names
//   its owner: the first entity whose key is the prefix to claim one of
//   its bits. A bit set for another entity (an id "TB1.3" on order "TB2",
//   or on a ticket "TB1" when order "TB1" owns the entry) is an exception:
//   the id is also kept whole, with its claimant, and the whole entry names
//   who holds the bit.
// - Whole: any other id, as a 96-bit fingerprint (a 64-bit hash of the id
//   and 32 bits of an independent one) with its owner's number
//   (OwnerNumbers): 16 bytes a slot.
//
// Two ids (or prefixes) share a fingerprint with a probability of about
// n^2 / 2^97 (6e-12 for a billion); the entity's own log, which compares
// whole ids, decides whether an id is a duplicate of its own events.
//
// Sharded by the fingerprint, each shard under its own lock; the numbered
// entries' shards are their own. Locks are taken in the order entity shard,
// numbered shard, whole shard, owner numbers (never the other way).
class EventIdIndex {
 public:
  struct Owner {
    EntityKind kind = EntityKind::kOrder;
    const internal::EntityKey* key = nullptr;  // the entity map's key: stable
  };

  // Three 32-bit words (4-byte aligned): with a 32-bit owner number, a
  // 16-byte slot.
  struct Fingerprint {
    uint32_t lo_low = 0;   // the 64-bit hash's low half
    uint32_t lo_high = 0;  // its high half
    uint32_t hi = 0;       // the other hash, folded to 32 bits
    uint64_t lo() const { return uint64_t{lo_high} << 32 | lo_low; }
    friend bool operator==(const Fingerprint& a, const Fingerprint& b) {
      return a.lo_low == b.lo_low && a.lo_high == b.lo_high && a.hi == b.hi;
    }
  };
  // absl's hash and a word-at-a-time one (core/word_hash.h), independent
  // functions of the text. In memory only: the index is rebuilt on load.
  static Fingerprint FingerprintOf(std::string_view text) {
    const uint64_t lo = internal::HashText(text);
    const uint64_t h = internal::WordHash(text, 0x5EED);
    Fingerprint f;
    f.lo_low = static_cast<uint32_t>(lo);
    f.lo_high = static_cast<uint32_t>(lo >> 32);
    f.hi = static_cast<uint32_t>(h ^ (h >> 32));
    return f;
  }

  // An id as the index keeps it (what Prefetch, Claim and Release take).
  static constexpr uint8_t kWhole = 0xFF;
  struct Id {
    Fingerprint f;             // the prefix's when numbered, else the id's
    uint32_t prefix_size = 0;  // numbered: the prefix's length
    uint8_t bit = kWhole;      // numbered: n
    bool numbered() const { return bit != kWhole; }
  };
  static Id IdOf(std::string_view id) {
    Id out;
    const size_t dot = id.rfind('.');
    if (dot != std::string_view::npos && dot > 0) {
      const std::string_view n = id.substr(dot + 1);
      auto digit = [](char c) { return c >= '0' && c <= '9'; };
      int value = -1;
      if (n.size() == 1 && digit(n[0])) {
        value = n[0] - '0';
      } else if (n.size() == 2 && n[0] >= '1' && n[0] <= '3' && digit(n[1])) {
        value = (n[0] - '0') * 10 + (n[1] - '0');
      }
      if (value >= 0 && value < 32) {
        out.f = FingerprintOf(id.substr(0, dot));
        out.prefix_size = static_cast<uint32_t>(dot);
        out.bit = static_cast<uint8_t>(value);
        return out;
      }
    }
    out.f = FingerprintOf(id);
    return out;
  }

  // Locks the shard of `id`, for Claim, and brings the lines Claim reads
  // and writes (the shard's control bytes and slot) into the cache without
  // waiting for them: taken as an Apply starts, they arrive while the
  // entity is looked up (two cache misses an event, on a shop too large
  // for the cache). The lock is held until the claim, one lock an event
  // instead of one for the fetch and one for the claim.
  std::unique_lock<std::mutex> LockAndPrefetch(const Id& id) const {
    if (id.numbered()) {
      const NumberedShard& s = numbered_[ShardOf(id.f)];
      std::unique_lock lock(s.mu);
      s.entries.prefetch(id.f);
      return lock;
    }
    const WholeShard& s = whole_[ShardOf(id.f)];
    std::unique_lock lock(s.mu);
    s.owners.prefetch(id.f);
    return lock;
  }
  // The entity that holds `id` (IdOf(text)), or, when none does, records
  // `owner` for it and returns an Owner with no key. The claim stands for a
  // concurrent Apply of the same id elsewhere; Release drops it when the
  // event was not judged.
  //
  // The owner's number is kept with its key (NumberOf): an event of a known
  // entity claims without a look-up. An Owner (two words) comes back in
  // registers; an optional<Owner> came back in memory, written in pieces
  // and copied whole, a load the CPU cannot forward from those stores
  // (perf: a stall on every event). REQUIRES: `held` is
  // LockAndPrefetch(id)'s lock; released on return.
  Owner Claim(const Id& id, std::string_view text, Owner owner,
              std::unique_lock<std::mutex> /*held*/) {
    if (!id.numbered()) return ClaimWholeLocked(whole_[ShardOf(id.f)], id.f, owner);
    NumberedShard& s = numbered_[ShardOf(id.f)];
    Numbered& entry = s.entries.try_emplace(id.f).first->second;
    const uint32_t bit = uint32_t{1} << id.bit;
    if ((entry.bits & bit) != 0) return HolderOf(entry, text);
    const uint32_t number = NumberOf(owner);
    if (entry.owner == kNoOwner && owner.key->view() == text.substr(0, id.prefix_size)) {
      entry.owner = number;
    }
    entry.bits |= bit;
    if (entry.owner != number) {
      // An exception: its holder is kept with the whole id. No whole entry
      // has it: one is made only with its bit, which was clear.
      ClaimWhole(FingerprintOf(text), owner);
    }
    return Owner{};
  }
  // Drops the claim Claim(id, text, owner) made. `removed`: the owner is
  // taken out of its map after this (its first event ended in an error),
  // so no entry may name it.
  void Release(const Id& id, std::string_view text, Owner owner, bool removed) {
    if (!id.numbered()) {
      ReleaseWhole(id.f);
      return;
    }
    NumberedShard& s = numbered_[ShardOf(id.f)];
    std::lock_guard lock(s.mu);
    auto it = s.entries.find(id.f);
    if (it == s.entries.end()) return;
    Numbered& entry = it->second;
    entry.bits &= ~(uint32_t{1} << id.bit);
    if (entry.owner == owner.key->number() && entry.owner != kNoOwner) {
      if (removed) entry.owner = kNoOwner;
    } else {
      ReleaseWhole(FingerprintOf(text));
    }
    if (entry.bits == 0 && entry.owner == kNoOwner) s.entries.erase(it);
  }
  // Loading: the ids of the entities restored, claimed at once (each shard
  // sized once for them and filled under one lock, instead of growing by
  // rehashing).
  class Pending;
  // The number the index keeps for `owner`: kept with the owner's key,
  // numbered at the first call (by the thread that holds the entity: its
  // shard's lock, or a load's one worker for it), once per entity.
  uint32_t NumberOf(Owner owner) {
    uint32_t number = owner.key->number();
    if (number == internal::EntityKey::kNoNumber) {
      number = owners_.Add(OwnerNumbers::Pack(owner.kind, owner.key));
      owner.key->set_number(number);
    }
    return number;
  }
  // Which of `parts` numbers `owner`: with `parts` a divisor of the owner
  // numbers' 8 shards (1, 2, 4 or 8), threads that number the owners of
  // different parts at once take different locks.
  static size_t NumberPart(Owner owner, size_t parts) {
    return OwnerNumbers::ShardOf(OwnerNumbers::Pack(owner.kind, owner.key)) % parts;
  }
  // REQUIRES: the index is not in use by another thread. The owners of an
  // id claimed twice, when one was. A long list is claimed by two threads,
  // each taking half of the shards: the whole ids first, then the
  // numbered.
  std::optional<std::pair<Owner, Owner>> ClaimAll(const Pending& pending);

 private:
  static constexpr size_t kShards = 64;
  // Claims past this many, when loading, are claimed by two threads.
  static constexpr size_t kParallelClaims = 20000;
  static constexpr uint32_t kNoOwner = internal::EntityKey::kNoNumber;
  static Owner Unpack(uintptr_t bits) {
    return Owner{static_cast<EntityKind>(bits & 7),
                 reinterpret_cast<const internal::EntityKey*>(bits & ~uintptr_t{7})};
  }
  Owner OwnerOf(uint32_t number) const { return Unpack(owners_.PackedOf(number)); }
  static size_t ShardOf(const Fingerprint& f) { return f.lo() % kShards; }
  // Its own bits are already a hash: the table uses them as they are.
  struct FingerprintHash {
    size_t operator()(const Fingerprint& f) const {
      return static_cast<size_t>((f.lo() >> 6) ^ (uint64_t{f.hi} * 0x9E3779B97F4A7C15ull));
    }
  };
  // A prefix's entry: bit n set when "<prefix>.<n>" is claimed, by the
  // owner unless a whole entry holds the id (an exception).
  struct Numbered {
    uint32_t owner = kNoOwner;  // owner number: the first claimant keyed by the prefix
    uint32_t bits = 0;
  };
  static_assert(sizeof(std::pair<const Fingerprint, uint32_t>) == 16);
  static_assert(sizeof(std::pair<const Fingerprint, Numbered>) == 20);
  struct WholeShard {
    mutable std::mutex mu;
    absl::flat_hash_map<Fingerprint, uint32_t, FingerprintHash> owners;  // owner numbers
  };
  struct NumberedShard {
    mutable std::mutex mu;
    absl::flat_hash_map<Fingerprint, Numbered, FingerprintHash> entries;
  };

  // As Claim, for a whole id's fingerprint `f`.
  Owner ClaimWhole(const Fingerprint& f, Owner owner) {
    WholeShard& s = whole_[ShardOf(f)];
    std::lock_guard lock(s.mu);
    return ClaimWholeLocked(s, f, owner);
  }
  // REQUIRES: s.mu held.
  Owner ClaimWholeLocked(WholeShard& s, const Fingerprint& f, Owner owner) {
    auto [it, inserted] = s.owners.try_emplace(f, 0);
    if (inserted) {
      it->second = NumberOf(owner);
      return Owner{};
    }
    return OwnerOf(it->second);
  }
  void ReleaseWhole(const Fingerprint& f) {
    WholeShard& s = whole_[ShardOf(f)];
    std::lock_guard lock(s.mu);
    s.owners.erase(f);
  }
  // The owner number of the whole id `f`, or kNoOwner.
  uint32_t FindWhole(const Fingerprint& f) const {
    const WholeShard& s = whole_[ShardOf(f)];
    std::lock_guard lock(s.mu);
    auto it = s.owners.find(f);
    return it == s.owners.end() ? kNoOwner : it->second;
  }
  // Who holds the numbered id `text`, whose bit `entry` has set (under its
  // shard's lock): an exception's claimant, else the entry's owner.
  Owner HolderOf(const Numbered& entry, std::string_view text) const {
    const uint32_t whole = FindWhole(FingerprintOf(text));
    return OwnerOf(whole != kNoOwner ? whole : entry.owner);
  }

  std::array<WholeShard, kShards> whole_;
  std::array<NumberedShard, kShards> numbered_;
  OwnerNumbers owners_;

 public:
  // Loading: the event ids of the entities restored, claimed at once
  // (ClaimAll) in the order their entities were saved. Each thread adds to
  // a block of its own; the blocks are not copied into one list: the order
  // is kept as runs of a block's claims.
  class Pending {
   private:
    struct Claim {
      Fingerprint f;    // as Id::f
      uint32_t number;  // the claimant's owner number
      uint8_t bit;      // as Id::bit
      bool own;         // numbered: the claimant is keyed by the prefix
    };

   public:
    // Claims added on one thread (a worker's share of a kind, or a kind
    // loaded on one thread), in the order added, in chunks of kChunk that
    // never move once full: growing copies at most the first.
    class Block {
     public:
      // An id of the entity keyed `key` being restored; Owned gives its
      // owner's number (EventIdIndex::NumberOf) once the entity is in its
      // map. A numbered id of another prefix is claimed both ways (its
      // bit, and whole for its holder), as Claim keeps it.
      void Add(std::string_view id, std::string_view key) {
        const Id form = IdOf(id);
        if (!form.numbered()) {
          Push({form.f, 0, kWhole, false});
          return;
        }
        const bool own = id.substr(0, form.prefix_size) == key;
        Push({form.f, 0, form.bit, own});
        if (!own) Push({FingerprintOf(id), 0, kWhole, false});
      }
      size_t size() const { return size_; }
      // The owner of the claims added from the `from`th to before the
      // `to`th (size() before and after the entity's Adds). Threads may
      // set disjoint ranges at once.
      void Owned(size_t from, size_t to, uint32_t number) {
        for (size_t i = from; i < to; ++i) chunks_[i / kChunk][i % kChunk].number = number;
      }

     private:
      friend class Pending;
      static constexpr size_t kChunk = size_t{1} << 14;  // 320 KiB of claims
      void Push(const Claim& c) {
        if (chunks_.empty()) {
          chunks_.emplace_back().reserve(256);  // a small kind's claims, and no more
        } else if (chunks_.back().size() == kChunk) {
          chunks_.emplace_back().reserve(kChunk);
        }
        chunks_.back().push_back(c);
        ++size_;
      }
      std::vector<std::vector<Claim>> chunks_;
      size_t size_ = 0;
    };

    // A block of its own for one thread's claims, kept as long as this.
    Block& NewBlock() { return *blocks_.emplace_back(std::make_unique<Block>()); }
    // The claims of `block` from the `from`th to before the `to`th come next
    // in the order saved.
    void Next(const Block& block, size_t from, size_t to) {
      if (from == to) return;
      if (!runs_.empty() && runs_.back().block == &block && runs_.back().to == from) {
        runs_.back().to = to;
      } else {
        runs_.push_back({&block, from, to});
      }
      size_ += to - from;
    }
    // Claims in the runs (Next).
    size_t size() const { return size_; }

   private:
    friend class EventIdIndex;
    // Each claim of the runs, in their order.
    template <class Visit>
    void ForEach(Visit&& visit) const {
      for (const Run& run : runs_) {
        for (size_t i = run.from; i < run.to;) {
          const std::vector<Claim>& chunk = run.block->chunks_[i / Block::kChunk];
          const size_t end = std::min(run.to, (i / Block::kChunk + 1) * Block::kChunk);
          for (; i < end; ++i) visit(chunk[i % Block::kChunk]);
        }
      }
    }
    struct Run {
      const Block* block;
      size_t from, to;
    };
    std::vector<std::unique_ptr<Block>> blocks_;
    std::vector<Run> runs_;
    size_t size_ = 0;
  };
};

std::optional<std::pair<EventIdIndex::Owner, EventIdIndex::Owner>> EventIdIndex::ClaimAll(
    const Pending& pending) {
  using Claim = Pending::Claim;
  using Twice = std::optional<std::pair<uint32_t, uint32_t>>;  // owner numbers
  // The claims of one way (whole or numbered) by shard, in the order saved.
  struct ByShard {
    std::vector<uint32_t> start = std::vector<uint32_t>(kShards + 1, 0);
    std::vector<const Claim*> order;
  };
  ByShard whole, numbered;
  auto way = [&](const Claim& c) -> ByShard& { return c.bit == kWhole ? whole : numbered; };
  pending.ForEach([&](const Claim& c) { ++way(c).start[ShardOf(c.f) + 1]; });
  for (ByShard* b : {&whole, &numbered}) {
    for (size_t i = 0; i < kShards; ++i) b->start[i + 1] += b->start[i];
    b->order.resize(b->start[kShards]);
  }
  {
    std::vector<uint32_t> next_whole(whole.start.begin(), whole.start.end() - 1);
    std::vector<uint32_t> next_numbered(numbered.start.begin(), numbered.start.end() - 1);
    pending.ForEach([&](const Claim& c) {
      if (c.bit == kWhole) {
        whole.order[next_whole[ShardOf(c.f)]++] = &c;
      } else {
        numbered.order[next_numbered[ShardOf(c.f)]++] = &c;
      }
    });
  }
  auto claim_whole = [&](size_t from, size_t to) -> Twice {
    for (size_t i = from; i < to; ++i) {
      WholeShard& s = whole_[i];
      std::lock_guard lock(s.mu);
      s.owners.reserve(s.owners.size() + (whole.start[i + 1] - whole.start[i]));
      for (uint32_t k = whole.start[i]; k < whole.start[i + 1]; ++k) {
        const Claim& c = *whole.order[k];
        auto [it, inserted] = s.owners.try_emplace(c.f, c.number);
        if (!inserted) return std::make_pair(it->second, c.number);
      }
    }
    return std::nullopt;
  };
  // An own claim's id, "<its owner's key>.<bit>".
  auto own_id = [&](const Claim& c) {
    std::string id(OwnerOf(c.number).key->view());
    id += '.';
    id += std::to_string(c.bit);
    return id;
  };
  // After the whole ids: an exception's whole entry is there already.
  auto claim_numbered = [&](size_t from, size_t to) -> Twice {
    for (size_t i = from; i < to; ++i) {
      NumberedShard& s = numbered_[i];
      std::lock_guard lock(s.mu);
      s.entries.reserve(s.entries.size() + (numbered.start[i + 1] - numbered.start[i]));
      for (uint32_t k = numbered.start[i]; k < numbered.start[i + 1]; ++k) {
        const Claim& c = *numbered.order[k];
        Numbered& entry = s.entries.try_emplace(c.f).first->second;
        const uint32_t bit = uint32_t{1} << c.bit;
        if ((entry.bits & bit) != 0) {
          // Held already: by the entry's owner, or (only an own claim can
          // meet one: two exceptions met as whole ids) an exception.
          uint32_t holder = c.own ? FindWhole(FingerprintOf(own_id(c))) : kNoOwner;
          if (holder == kNoOwner) holder = entry.owner;
          if (holder == kNoOwner) holder = c.number;
          return std::make_pair(holder, c.number);
        }
        entry.bits |= bit;
        if (!c.own) continue;
        if (entry.owner == kNoOwner) entry.owner = c.number;
        if (entry.owner != c.number) {
          // A second entity keyed by the prefix (another kind's): an
          // exception, as Claim keeps it.
          const Fingerprint f = FingerprintOf(own_id(c));
          WholeShard& w = whole_[ShardOf(f)];
          std::lock_guard whole_lock(w.mu);
          auto [it, inserted] = w.owners.try_emplace(f, c.number);
          if (!inserted) return std::make_pair(it->second, c.number);
        }
      }
    }
    return std::nullopt;
  };
  auto run = [&](auto claim_shards) -> Twice {
    if (pending.size() < kParallelClaims) return claim_shards(0, kShards);
    Twice halves[2];
    internal::RunOnThreads(2, [&](size_t half) {
      halves[half] = claim_shards(half * kShards / 2, (half + 1) * kShards / 2);
    });
    return halves[0] ? halves[0] : halves[1];
  };
  Twice twice = run(claim_whole);
  if (!twice) twice = run(claim_numbered);
  if (!twice) return std::nullopt;
  return std::make_pair(OwnerOf(twice->first), OwnerOf(twice->second));
}

// Starts fetching an entity's data (a heap block of its own) without
// waiting for it: called before the event's id is claimed, the lines
// arrive while the claim runs, before the entity's machine reads them.
template <class Entity>
void PrefetchData(const Entity& e) {
  if constexpr (std::is_reference_v<decltype(e.data())>) {
    const auto* p = reinterpret_cast<const char*>(&e.data());
    for (size_t i = 0; i < sizeof(e.data()); i += 64) __builtin_prefetch(p + i);
  } else {
    // A conversation keeps its data packed (64 bytes), just before its log
    // in the same block (machines/entity_core.h): that line and the log's.
    const auto* log = reinterpret_cast<const char*>(&e.applied_log());
    __builtin_prefetch(log - 64);
    __builtin_prefetch(log);
  }
}
// An order keeps its data packed in its state (see packed_order.h).
void PrefetchData(const Order& o) {
  const auto* p = static_cast<const char*>(internal::OrderAccess::Address(o));
  for (size_t i = 0; i < internal::OrderAccess::Size(); i += 64) __builtin_prefetch(p + i);
}

// An entity whose first event a rule refused stays in its initial state,
// holding only that refusal (so that a late copy is the refusal again); the
// shop's queries treat it as never created.
template <class Entity>
bool Created(const Entity& e) {
  return e.state() != Entity::Table().initial;
}

}  // namespace

struct Shop::Impl {
  struct Rules;
  struct Shard {
    mutable std::mutex mu;
    // The rules this shard's events are judged by, under `mu` (see Rules),
    // and the AS-DEFECT counts seen with their thresholds.
    std::shared_ptr<const Rules> rules;
    std::optional<DefectsUnder> defects;
    void SetRules(std::shared_ptr<const Rules> r, SharedDefects* shared);
    internal::EntityMap<Order> orders;
    internal::EntityMap<Ticket> tickets;
    internal::EntityMap<Review> reviews;
    internal::EntityMap<Conversation> conversations;
    internal::EntityMap<internal::TeamMember> team_members;
    DeadlineQueue queue;
    // No item of `queue` falls due before this (Unix ns): a lower bound,
    // lowered under `mu` by every op that adds a time and made exact by
    // Due. Due() skips, without locking, a shard whose bound is after now.
    std::atomic<int64_t> due_bound{std::numeric_limits<int64_t>::max()};

    void LowerDueBound(Timestamp t) {
      const int64_t ns = absl::ToUnixNanos(t);
      if (ns < due_bound.load(std::memory_order_relaxed)) {
        due_bound.store(ns, std::memory_order_release);
      }
    }
    // Under `mu`, after Due: makes the bound exact; returns it.
    int64_t RefreshDueBound() {
      const std::optional<Timestamp> next = queue.NextDue();
      const int64_t ns = next ? absl::ToUnixNanos(*next) : std::numeric_limits<int64_t>::max();
      due_bound.store(ns, std::memory_order_release);
      return ns;
    }
  };

  // What events are judged by: ShopOptions' policies, calendar, couriers and
  // reply checker, replaced whole by ReplacePolicies. Each shard holds
  // them (Shard::rules), which Apply reads under the shard's lock and uses
  // until its last index update, so one event is judged wholly by one set
  // of rules without a lock of its own (a reader-writer lock's shared side
  // cost about 25 ns an event, 1% of it). A replacement holds every
  // shard's lock, so it waits for the events in flight; the shop's other
  // readers take shard 0's (CurrentRules). Replaced rules are kept
  // (retired), so that a reference from calendar() stays valid.
  struct Rules {
    OrderPolicies order;
    TicketPolicies ticket;
    ReviewPolicies review;
    TeamPolicies team;
    std::shared_ptr<const BusinessCalendar> calendar;
    std::shared_ptr<const CourierReach> courier_reach;
    std::shared_ptr<const ReplyChecker> checker;
    std::string shop_province;
    std::string revision;
    uint64_t revision_number = 0;  // `revision` as AuditRecord keeps it
  };
  // The rules of `options`, the defaults filled in. The reply checker's
  // error when the default one cannot be built.
  static absl::StatusOr<std::shared_ptr<const Rules>> MakeRules(const ShopOptions& options) {
    auto r = std::make_shared<Rules>();
    r->order = options.order_policies;
    r->ticket = options.ticket_policies;
    // AS-OWNER: with a roster, its supervisors and managers are the ones
    // who may act on any ticket (the roster decides, as for FB-ROLES).
    if (options.team_policies.roles.has_roster()) {
      std::vector<std::string>& supervisors = r->ticket.owner.supervisors;
      supervisors.clear();
      for (const StaffMember& m : options.team_policies.roles.agents) {
        if (m.role == StaffRole::kSupervisor || m.role == StaffRole::kManager) {
          supervisors.push_back(m.name);
        }
      }
    }
    r->review = options.review_policies;
    r->team = options.team_policies;
    r->calendar = options.calendar;
    if (!r->calendar) {
      r->calendar = std::make_shared<const BusinessCalendar>(BusinessCalendar::Default());
    }
    r->courier_reach = options.courier_reach;
    r->checker = options.reply_checker;
    if (!r->checker) {
      absl::StatusOr<ReplyChecker> rc = ReplyChecker::Default();
      if (!rc.ok()) return rc.status();
      r->checker = std::make_shared<const ReplyChecker>(*std::move(rc));
    }
    if (!options.shop_province.empty()) {
      if (absl::StatusOr<Province> p = ParseProvince(options.shop_province); !p.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("shop: shop_province: ", p.status().message()));
      }
    }
    r->shop_province = options.shop_province;
    absl::StatusOr<uint64_t> revision = ParsePolicyRevision(options.policy_revision);
    if (!revision.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("shop: policy_revision: ", revision.status().message()));
    }
    r->revision = options.policy_revision;
    r->revision_number = *revision;
    return std::shared_ptr<const Rules>(std::move(r));
  }

  ShopOptions options;  // the policy fields are read from the rules instead
  std::vector<std::shared_ptr<const Rules>> retired;  // under every shard's lock
  IndexedLiveOrders live_orders;
  IndexedOpenTickets open_tickets;
  SharedDefects defects;
  EventIdIndex event_ids;
  std::vector<Shard> shards;

  // Reply findings per agent (the quality inspector's record).
  mutable std::mutex replies_mu;
  std::map<std::string, AgentReplies, std::less<>> replies;

  // The team's numbers, fed every applied event after its entity's lock.
  mutable std::mutex team_mu;
  TeamLedger team;

  // The size of the last Save's bytes: the next one reserves about as much
  // at once instead of growing its string by copies.
  mutable std::atomic<size_t> saved_bytes{0};

  explicit Impl(ShopOptions opts, const std::shared_ptr<const Rules>& rules)
      : options(std::move(opts)),
        shards(static_cast<size_t>(options.shards)) {
    for (Shard& shard : shards) shard.SetRules(rules, &defects);
  }

  // Every shard's lock, taken in shard order (the order every caller that
  // holds more than one takes them in), held until the vector goes.
  std::vector<std::unique_lock<std::mutex>> LockAllShards() const {
    std::vector<std::unique_lock<std::mutex>> locks;
    locks.reserve(shards.size());
    for (const Shard& s : shards) locks.emplace_back(s.mu);
    return locks;
  }

  // The rules now (every shard holds the same between replacements).
  std::shared_ptr<const Rules> CurrentRules() const {
    std::lock_guard lock(shards[0].mu);
    return shards[0].rules;
  }

  // The shard of an entity: shards[ShardIndex(kind, key)].
  size_t ShardIndex(EntityKind kind, std::string_view key) const {
    // One shard (the replay's shop): the same 0, without hashing the key.
    if (shards.size() == 1) return 0;
    return StableHash(kind, key) % shards.size();
  }
  Shard& ShardOf(EntityKind kind, std::string_view key) { return shards[ShardIndex(kind, key)]; }
  const Shard& ShardOf(EntityKind kind, std::string_view key) const {
    return shards[ShardIndex(kind, key)];
  }

  // What every machine's environment takes from the options.
  MachineEnvironment MachineEnv(const Rules& r) const {
    MachineEnvironment env;
    env.clock_skew_tolerance = options.clock_skew_tolerance;
    env.max_events_per_entity = options.max_events_per_entity;
    env.policy_revision = internal::ScopedPolicyLabel::Current().value_or(r.revision_number);
    return env;
  }
  OrderEnvironment OrderEnv(const Shard& shard) const {
    const Rules& r = *shard.rules;
    OrderEnvironment env;
    static_cast<MachineEnvironment&>(env) = MachineEnv(r);
    env.policies = &r.order;
    env.calendar = r.calendar.get();
    env.courier_reach = r.courier_reach.get();
    env.live_orders = &live_orders;
    env.product_tests = &*shard.defects;
    env.roles = &r.team.roles;
    return env;
  }
  TicketEnvironment TicketEnv(Shard& shard) {
    const Rules& r = *shard.rules;
    TicketEnvironment env;
    static_cast<MachineEnvironment&>(env) = MachineEnv(r);
    env.policies = &r.ticket;
    env.calendar = r.calendar.get();
    env.open_tickets = &open_tickets;
    env.defects = &*shard.defects;
    env.roles = &r.team.roles;
    return env;
  }
  ReviewEnvironment ReviewEnv(const Rules& r) const {
    ReviewEnvironment env;
    static_cast<MachineEnvironment&>(env) = MachineEnv(r);
    env.policies = &r.review;
    env.calendar = r.calendar.get();
    env.roles = &r.team.roles;
    return env;
  }
  ConversationEnvironment ConversationEnv(const Rules& r, std::vector<Finding>* findings) const {
    ConversationEnvironment env;
    static_cast<MachineEnvironment&>(env) = MachineEnv(r);
    env.checker = r.checker.get();
    env.calendar = r.calendar.get();
    env.findings = findings;
    return env;
  }

  // Deadline ops and scheduled actions of an applied outcome enter the
  // shard's queue. When the event finished its entity, the entity's pending
  // deadlines and actions are dropped, and then the finishing event's own
  // actions enter (ORD-CANCEL-REG: a cancelled order's register and restock
  // fall due all the same); its deadline ops do not.
  // Each enters with the event's id and agent (DueItem::event_id, agent).
  static void Enqueue(Shard& shard, EntityKind kind, const std::string& key, const Outcome& out,
                      const EventMeta& meta, bool finished) {
    if (out.audit.duplicate || out.audit.refused) return;
    const Timestamp at = meta.at;
    const EventOrigin origin{meta.id, meta.agent};
    if (finished) {
      shard.queue.CancelAll(kind, key);
    } else {
      for (const Deadline& d : out.deadlines) {
        // The machines only emit well-formed ops; a malformed one is a bug
        // there and must not take the engine down.
        shard.queue.Apply(kind, key, d, at, origin).IgnoreError();
        if (d.op == DeadlineOp::kSet || d.op == DeadlineOp::kResume) {
          shard.LowerDueBound(d.warn_at ? std::min(*d.warn_at, d.due) : d.due);
        }
      }
    }
    for (const Action& a : out.actions) {
      if (a.due && *a.due > at) {
        shard.queue.Schedule(kind, key, a, origin).IgnoreError();
        shard.LowerDueBound(*a.due);
      }
    }
  }

  // The shards' due items up to `now`, at most max_items, in time order with
  // ties by shard (as Due(now) sorts them). take(queue, by, most) takes from
  // one shard's queue, under its lock, what falls due by `by`, at most
  // `most` items, and returns how many. Shards are merged by their next due
  // time, taking from one at a time what comes before the next shard's
  // first item, so the calls put together are one Due(now). An exception
  // from `take` leaves each shard's bound a lower bound still.
  template <class Take>
  size_t MergeDue(Timestamp now, size_t max_items, Take take) {
    const int64_t now_ns = absl::ToUnixNanos(now);
    // Under the shard's lock: refreshes its bound; its next time when <= now.
    // An empty queue's bound is the largest time, which a `now` of
    // InfiniteFuture equals: it has nothing due all the same.
    auto next_due = [now_ns](Shard& shard) -> std::optional<int64_t> {
      const int64_t ns = shard.RefreshDueBound();
      if (ns > now_ns || ns == std::numeric_limits<int64_t>::max()) return std::nullopt;
      return ns;
    };
    if (shards.size() == 1) {  // nothing to merge (the replay's shop)
      Shard& shard = shards[0];
      if (max_items == 0 || now_ns < shard.due_bound.load(std::memory_order_acquire)) return 0;
      std::lock_guard lock(shard.mu);
      const size_t n = take(shard.queue, now, max_items);
      shard.RefreshDueBound();
      return n;
    }
    // A min-heap of (next time, shard): ties go by shard, as in Due(now).
    using Next = std::pair<int64_t, size_t>;
    std::vector<Next> heap;
    for (size_t i = 0; i < shards.size() && max_items > 0; ++i) {
      Shard& shard = shards[i];
      if (now_ns < shard.due_bound.load(std::memory_order_acquire)) continue;
      std::lock_guard lock(shard.mu);
      if (const std::optional<int64_t> t = next_due(shard)) heap.emplace_back(*t, i);
    }
    std::make_heap(heap.begin(), heap.end(), std::greater<Next>());
    size_t n = 0;
    while (n < max_items && !heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), std::greater<Next>());
      const size_t s = heap.back().second;
      heap.pop_back();
      // Take from shard s what comes before the next shard's first item: its
      // items at that same time too when s is the earlier shard.
      int64_t bound = now_ns;
      if (!heap.empty()) {
        const auto [t2, s2] = heap.front();
        bound = std::min(bound, s < s2 ? t2 : t2 - 1);
      }
      Shard& shard = shards[s];
      std::lock_guard lock(shard.mu);
      n += take(shard.queue, absl::FromUnixNanos(bound), max_items - n);
      if (const std::optional<int64_t> t = next_due(shard)) {
        heap.emplace_back(*t, s);
        std::push_heap(heap.begin(), heap.end(), std::greater<Next>());
      }
    }
    return n;
  }

  // Routes `event` to the entity `key` of `map` (creating it when `creates`),
  // applies it, and calls after(entity, outcome) when it was judged. The
  // event id is claimed in the shop's index first: an id another entity
  // judged is kAlreadyExists. An entity created for an event that ends in an
  // error is removed again; one whose first event a rule refused stays (it
  // remembers the refusal) but counts as never created.
  template <class Entity, class Event, class Env, class AfterApply>
  absl::StatusOr<Outcome> ApplyTo(Shard& shard, internal::EntityMap<Entity>& map,
                                  EntityKind kind, const std::string& key, const Event& event,
                                  const Env& env, bool creates, AfterApply after) {
    // Every return below is `out`, built in place by the lambda's prvalues:
    // an Outcome is not moved on its way to the caller (GCC elides a named
    // return only when it is the function's one returned object).
    typename internal::EntityMap<Entity>::iterator it;
    bool created = false;
    EventIdIndex::Owner owner;  // who held the id already; none: a null key
    bool applied = false;
    // The id index's lines are fetched while the entity is looked up, its
    // shard's lock held from here to the claim.
    const std::string& event_id = MetaOf(event).id;
    const EventIdIndex::Id id = EventIdIndex::IdOf(event_id);
    std::unique_lock<std::mutex> id_lock = event_ids.LockAndPrefetch(id);
    // And the queue's slot for the entity, which `after` reads when the
    // outcome sets or cancels deadlines.
    shard.queue.Prefetch(kind, key);
    absl::StatusOr<Outcome> out = [&]() -> absl::StatusOr<Outcome> {
      it = map.find(ToAbsl(key));
      if (it == map.end()) {
        if (!creates) {
          id_lock.unlock();
          return absl::NotFoundError(absl::StrCat(
              ToAbsl(EntityKindName(kind)), " \"", key, "\" is unknown: event \"",
              MetaOf(event).id, "\" (", ToAbsl(EventName(event)),
              ") needs the entity's first event before it"));
        }
        it = map.try_emplace(internal::EntityKey(key), Entity(key)).first;
        created = true;
      }
      PrefetchData(it->second);
      owner = event_ids.Claim(id, event_id, EventIdIndex::Owner{kind, &it->first},
                              std::move(id_lock));
      // The entity's state has arrived while the claim ran: its log's
      // records, which the machine reads first, come while the event is
      // checked.
      it->second.applied_log().Prefetch();
      if (owner.key != nullptr && (owner.kind != kind || owner.key->view() != key)) {
        if (created) map.erase(it);
        return absl::AlreadyExistsError(absl::StrCat(
            "event id \"", MetaOf(event).id, "\" was already used for ",
            ToAbsl(EntityKindName(owner.kind)), " \"", ToAbsl(owner.key->view()), "\"; this event is ",
            ToAbsl(EventName(event)), " for ", ToAbsl(EntityKindName(kind)), " \"", key,
            "\": an id names one event, a corrected event needs a new id"));
      }
      applied = true;
      return it->second.Apply(event, env);
    }();
    if (!applied) return out;
    if (!out.ok()) {
      if (owner.key == nullptr) {  // not judged: the id stays free
        event_ids.Release(id, event_id, EventIdIndex::Owner{kind, &it->first}, created);
      }
      if (created) map.erase(it);
      return out;
    }
    after(it->second, *out);
    return out;
  }

  absl::StatusOr<Outcome> ApplyOrder(const std::string& key, const OrderEvent& e) {
    Shard& shard = ShardOf(EntityKind::kOrder, key);
    std::lock_guard lock(shard.mu);
    const bool creates = std::holds_alternative<OrderPlaced>(e);
    return ApplyTo(shard, shard.orders, EntityKind::kOrder, key, e, OrderEnv(shard), creates,
                   [&](const Order& order, const Outcome& out) {
                     // The index holds buyer, items and address of live
                     // orders: only these events change them, and an order
                     // leaves it when it stops being live.
                     if (!out.audit.duplicate && !out.audit.refused &&
                         (creates || !order.live() || std::holds_alternative<OrderAdjusted>(e) ||
                          std::holds_alternative<Cancelled>(e))) {
                       live_orders.Update(order);
                     }
                     Enqueue(shard, EntityKind::kOrder, key, out, MetaOf(e), !order.live());
                   });
  }

  absl::StatusOr<Outcome> ApplyTicket(const std::string& key, const TicketEvent& e) {
    Shard& shard = ShardOf(EntityKind::kTicket, key);
    std::lock_guard lock(shard.mu);
    const Rules& r = *shard.rules;
    const bool creates = std::holds_alternative<TicketRegistered>(e);
    // ShopOptions::shop_province fills a registration that names none.
    std::optional<TicketEvent> filled;
    if (creates && !r.shop_province.empty() &&
        std::get<TicketRegistered>(e).shop_province.empty()) {
      filled = e;
      std::get<TicketRegistered>(*filled).shop_province = r.shop_province;
    }
    TicketEnvironment env = TicketEnv(shard);
    // SH-HANDOVER: registered while its agent takes over a shift, the
    // ticket stays with the agent handing over. The ledger's lock after the
    // shard's, the order ApplyTeam and Save take them in.
    std::optional<HandoverCase> handover;
    if (creates && !MetaOf(e).agent.empty()) {
      std::lock_guard team_lock(team_mu);
      handover = team.TakingOver(MetaOf(e).agent, MetaOf(e).at);
    }
    if (handover.has_value()) env.handover = &*handover;
    return ApplyTo(shard, shard.tickets, EntityKind::kTicket, key, filled ? *filled : e, env,
                   creates, [&](const Ticket& ticket, const Outcome& out) {
                     if (out.audit.duplicate || out.audit.refused) return;
                     open_tickets.Update(ticket);
                     Enqueue(shard, EntityKind::kTicket, key, out, MetaOf(e), !ticket.open());
                   });
  }

  absl::StatusOr<Outcome> ApplyReview(const std::string& key, const ReviewEvent& e) {
    Shard& shard = ShardOf(EntityKind::kReview, key);
    std::lock_guard lock(shard.mu);
    const Rules& r = *shard.rules;
    const bool creates = std::holds_alternative<ReviewReceived>(e);
    return ApplyTo(shard, shard.reviews, EntityKind::kReview, key, e, ReviewEnv(r), creates,
                   [&](const Review& review, const Outcome& out) {
                     Enqueue(shard, EntityKind::kReview, key, out, MetaOf(e), !review.open());
                   });
  }

  // The quality inspector's record of one reply. REQUIRES: replies_mu held.
  void RecordFindingsLocked(const EventMeta& meta, const std::string& key,
                            std::vector<Finding>& findings) {
    AgentReplies& agent = replies[meta.agent];
    if (agent.agent.empty()) agent.agent = meta.agent;
    ++agent.replies;
    if (!findings.empty()) ++agent.replies_with_findings;
    for (Finding& f : findings) {
      auto r = std::lower_bound(
          agent.by_rule.begin(), agent.by_rule.end(), f.rule_id,
          [](const std::pair<std::string, int64_t>& p, const std::string& id) {
            return p.first < id;
          });
      if (r == agent.by_rule.end() || r->first != f.rule_id) {
        r = agent.by_rule.insert(r, {f.rule_id, 0});
      }
      ++r->second;
      if (options.max_findings_per_agent == 0 ||
          agent.findings.size() < options.max_findings_per_agent) {
        agent.findings.push_back({meta.id, key, meta.at, std::move(f)});
      }
    }
  }

  absl::StatusOr<Outcome> ApplyConversation(const std::string& key, const ReplyEvent& e) {
    Shard& shard = ShardOf(EntityKind::kReply, key);
    std::vector<Finding> findings;
    absl::StatusOr<Outcome> out = [&] {  // built in place (see ApplyTo)
      std::lock_guard lock(shard.mu);
      return ApplyTo(shard, shard.conversations, EntityKind::kReply, key, e,
                     ConversationEnv(*shard.rules, &findings), /*creates=*/true,
                     [&](const Conversation&, const Outcome& o) {
                       Enqueue(shard, EntityKind::kReply, key, o, MetaOf(e), false);
                     });
    }();
    // Only the shared record is under its lock, after the shard's.
    if (out.ok() && !out->audit.duplicate && std::holds_alternative<ReplyPosted>(e)) {
      std::lock_guard lock(replies_mu);
      RecordFindingsLocked(MetaOf(e), key, findings);
    }
    return out;
  }

  // A team event: judged by the agent's team entity through the ledger,
  // under the shard's lock and then the ledger's (the order Save takes
  // them in), so that the entity's log and the ledger change together.
  absl::StatusOr<Outcome> ApplyTeam(const std::string& key, const TeamEvent& e) {
    Shard& shard = ShardOf(EntityKind::kTeam, key);
    std::lock_guard lock(shard.mu);
    std::lock_guard team_lock(team_mu);
    const Rules& r = *shard.rules;
    internal::TeamEnvironment env;
    static_cast<MachineEnvironment&>(env) = MachineEnv(r);
    env.ledger = &team;
    env.roles = &r.team.roles;
    env.calendar = r.calendar.get();
    return ApplyTo(shard, shard.team_members, EntityKind::kTeam, key, e, env, /*creates=*/true,
                   [&](const internal::TeamMember&, const Outcome& out) {
                     Enqueue(shard, EntityKind::kTeam, key, out, MetaOf(e), false);
                   });
  }
};

void Shop::Impl::Shard::SetRules(std::shared_ptr<const Rules> r, SharedDefects* shared) {
  rules = std::move(r);
  defects.emplace(shared, &rules->ticket.defect);
}

Shop::Shop(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Shop::~Shop() = default;

absl::StatusOr<std::unique_ptr<Shop>> Shop::Create(ShopOptions options) {
  if (options.shards <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("shop: shards must be > 0, got ", options.shards));
  }
  if (options.load_threads <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("shop: load_threads must be > 0, got ", options.load_threads));
  }
  if (options.save_threads <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("shop: save_threads must be > 0, got ", options.save_threads));
  }
  if (options.clock_skew_tolerance < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("shop: clock_skew_tolerance must be >= 0, got ",
                     absl::FormatDuration(options.clock_skew_tolerance)));
  }
  if (options.max_events_per_entity == 0) {
    return absl::InvalidArgumentError("shop: max_events_per_entity must be > 0, got 0");
  }
  absl::StatusOr<std::shared_ptr<const Impl::Rules>> rules = Impl::MakeRules(options);
  if (!rules.ok()) return rules.status();
  TeamLedger::Options team_options;
  const TeamPolicies& tp = options.team_policies;
  team_options.targets = tp.targets;
  team_options.response = tp.response;
  team_options.shifts = tp.shifts;
  team_options.score_card = tp.score_card;
  team_options.exam = tp.exam;
  team_options.roles = tp.roles;
  team_options.report = tp.report;
  team_options.calendar = *(*rules)->calendar;
  absl::StatusOr<TeamLedger> team = TeamLedger::Create(std::move(team_options));
  if (!team.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("shop: team: ", team.status().message()));
  }
  auto impl = std::make_unique<Impl>(std::move(options), *std::move(rules));
  impl->team = *std::move(team);
  return std::unique_ptr<Shop>(new Shop(std::move(impl)));
}

absl::Status Shop::ReplacePolicies(const ShopOptions& options) {
  absl::StatusOr<std::shared_ptr<const Impl::Rules>> rules = Impl::MakeRules(options);
  if (!rules.ok()) return rules.status();
  // Every shard's lock: the events in flight finish with the rules they
  // began with, and the next ones, whichever shard, take the new.
  const auto locks = impl_->LockAllShards();
  impl_->retired.push_back(impl_->shards[0].rules);
  for (Impl::Shard& s : impl_->shards) s.SetRules(*rules, &impl_->defects);
  return absl::OkStatus();
}

std::string Shop::policy_revision() const {
  return impl_->CurrentRules()->revision;
}

absl::StatusOr<Outcome> Shop::Apply(const ShopEvent& event) {
  // `out` is the one object returned, built in place by the lambda's
  // prvalues: the outcome is not moved on its way out (see ApplyTo).
  absl::StatusOr<Outcome> out = [&]() -> absl::StatusOr<Outcome> {
    if (event.key.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          ToAbsl(EntityKindName(event.kind())), " event \"", MetaOf(event).id,
          "\" (", ToAbsl(EventName(event)), "): the entity key is empty"));
    }
    if (absl::Status s = ValidateEventMeta(MetaOf(event)); !s.ok()) return s;
    // One set of rules for the whole event: its shard's (see Impl::Rules).
    switch (event.kind()) {
      case EntityKind::kOrder:
        return impl_->ApplyOrder(event.key, std::get<OrderEvent>(event.event));
      case EntityKind::kTicket:
        return impl_->ApplyTicket(event.key, std::get<TicketEvent>(event.event));
      case EntityKind::kReview:
        return impl_->ApplyReview(event.key, std::get<ReviewEvent>(event.event));
      case EntityKind::kReply:
        return impl_->ApplyConversation(event.key, std::get<ReplyEvent>(event.event));
      case EntityKind::kTeam:
        // The ledger judged it itself (ApplyTeam): nothing more to observe.
        return impl_->ApplyTeam(event.key, std::get<TeamEvent>(event.event));
    }
    return absl::InternalError("shop: unknown entity kind");
  }();
  if (out.ok() && event.kind() != EntityKind::kTeam && !out->audit.duplicate) {
    // Made in place (a Ruling move-assigned costs two InlinedVector
    // assignments an event).
    Ruling team = [&] {
      std::lock_guard lock(impl_->team_mu);
      return impl_->team.Observe(event, *out);  // refusals count nothing but their cases
    }();
    // KPI-MONTH / KPI-CARRY when an order opens a month or a week, and
    // KPI-DAY-DONE's announcement: the event's answer carries them (not the
    // entity's log: a redelivered copy does not announce again).
    if (!team.decisions.empty() || !team.actions.empty()) out->Add(std::move(team));
  }
  return out;
}

TeamLedger Shop::Team() const {
  std::lock_guard lock(impl_->team_mu);
  return impl_->team;
}

void Shop::ReadTeam(absl::FunctionRef<void(const TeamLedger&)> read) const {
  std::lock_guard lock(impl_->team_mu);
  read(impl_->team);
}

std::vector<DueItem> Shop::Due(Timestamp now) {
  std::vector<DueItem> all;
  const int64_t now_ns = absl::ToUnixNanos(now);
  int shards_with_items = 0;
  for (Impl::Shard& shard : impl_->shards) {
    // Most calls find nothing due in most shards: skip those unlocked. An
    // op racing with this call on another thread lands in this call or the
    // next one, as if it had come just before or just after.
    if (now_ns < shard.due_bound.load(std::memory_order_acquire)) continue;
    std::lock_guard lock(shard.mu);
    if (shard.queue.Due(now, &all) > 0) ++shards_with_items;
    shard.RefreshDueBound();
  }
  // Each shard's items are in time order, so one shard's need no sort (the
  // replay's single shard: a day's backlog is hundreds of MB to move). From
  // several, a stable sort keeps shard order and set order for ties.
  if (shards_with_items > 1) {
    std::stable_sort(all.begin(), all.end(),
                     [](const DueItem& a, const DueItem& b) { return a.at < b.at; });
  }
  return all;
}

size_t Shop::Due(Timestamp now, size_t max_items, std::vector<DueItem>* out) {
  return impl_->MergeDue(now, max_items, [out](DeadlineQueue& queue, Timestamp by, size_t most) {
    return queue.Due(by, most, out);
  });
}

size_t Shop::ForEachDue(Timestamp now, absl::FunctionRef<void(const DueItem&)> fn) {
  return impl_->MergeDue(now, std::numeric_limits<size_t>::max(),
                         [fn](DeadlineQueue& queue, Timestamp by, size_t) {
                           return queue.ForEachDue(by, fn);
                         });
}

const Order* Shop::FindOrder(std::string_view key) const {
  const Impl::Shard& s = impl_->ShardOf(EntityKind::kOrder, key);
  std::lock_guard lock(s.mu);
  auto it = s.orders.find(ToAbsl(key));
  return it == s.orders.end() || !Created(it->second) ? nullptr : &it->second;
}

const Ticket* Shop::FindTicket(std::string_view key) const {
  const Impl::Shard& s = impl_->ShardOf(EntityKind::kTicket, key);
  std::lock_guard lock(s.mu);
  auto it = s.tickets.find(ToAbsl(key));
  return it == s.tickets.end() || !Created(it->second) ? nullptr : &it->second;
}

const Review* Shop::FindReview(std::string_view key) const {
  const Impl::Shard& s = impl_->ShardOf(EntityKind::kReview, key);
  std::lock_guard lock(s.mu);
  auto it = s.reviews.find(ToAbsl(key));
  return it == s.reviews.end() || !Created(it->second) ? nullptr : &it->second;
}

std::optional<TeamMemberState> Shop::FindTeamMember(std::string_view agent) const {
  const Impl::Shard& s = impl_->ShardOf(EntityKind::kTeam, agent);
  std::lock_guard lock(s.mu);
  auto it = s.team_members.find(ToAbsl(agent));
  if (it == s.team_members.end()) return std::nullopt;
  return TeamMemberState{std::string(it->second.state()), it->second.data()};
}

std::optional<TeamMemberSnapshot> Shop::TeamMemberSnapshotOf(std::string_view agent) const {
  const Impl::Shard& s = impl_->ShardOf(EntityKind::kTeam, agent);
  std::lock_guard lock(s.mu);
  auto it = s.team_members.find(ToAbsl(agent));
  if (it == s.team_members.end()) return std::nullopt;
  return it->second.Snapshot();
}

void Shop::ForEachOrder(absl::FunctionRef<void(const Order&)> fn) const {
  for (const Impl::Shard& s : impl_->shards) {
    std::lock_guard lock(s.mu);
    for (const auto& [key, order] : s.orders) {
      if (Created(order)) fn(order);
    }
  }
}

void Shop::ForEachTicket(absl::FunctionRef<void(const Ticket&)> fn) const {
  for (const Impl::Shard& s : impl_->shards) {
    std::lock_guard lock(s.mu);
    for (const auto& [key, ticket] : s.tickets) {
      if (Created(ticket)) fn(ticket);
    }
  }
}

void Shop::ForEachReview(absl::FunctionRef<void(const Review&)> fn) const {
  for (const Impl::Shard& s : impl_->shards) {
    std::lock_guard lock(s.mu);
    for (const auto& [key, review] : s.reviews) {
      if (Created(review)) fn(review);
    }
  }
}

std::vector<StateCounts> Shop::CountStates() const {
  std::vector<StateCounts> counts(3);
  counts[0].kind = EntityKind::kOrder;
  counts[1].kind = EntityKind::kTicket;
  counts[2].kind = EntityKind::kReview;
  auto count = [](StateCounts& c, std::string_view state) {
    auto it = c.by_state.find(state);
    if (it == c.by_state.end()) it = c.by_state.emplace(std::string(state), 0).first;
    ++it->second;
    ++c.total;
  };
  ForEachOrder([&](const Order& o) { count(counts[0], o.state()); });
  ForEachTicket([&](const Ticket& t) { count(counts[1], t.state()); });
  ForEachReview([&](const Review& r) { count(counts[2], r.state()); });
  StateCounts team;
  team.kind = EntityKind::kTeam;
  for (const Impl::Shard& s : impl_->shards) {
    std::lock_guard lock(s.mu);
    for (const auto& [key, m] : s.team_members) count(team, m.state());
  }
  if (team.total > 0) counts.push_back(std::move(team));
  return counts;
}

absl::StatusOr<WeeklyReport> Shop::WeeklyTicketReport(LocalDay report_day) const {
  const std::shared_ptr<const Impl::Rules> rules = impl_->CurrentRules();
  // Hold every shard's lock while the report reads the tickets.
  const auto locks = impl_->LockAllShards();
  std::vector<const Ticket*> tickets;
  for (const Impl::Shard& s : impl_->shards) {
    for (const auto& [key, ticket] : s.tickets) {
      if (Created(ticket)) tickets.push_back(&ticket);
    }
  }
  std::sort(tickets.begin(), tickets.end(),
            [](const Ticket* a, const Ticket* b) { return a->id() < b->id(); });
  return BuildWeeklyReport(tickets, report_day, *rules->calendar, rules->ticket.weekly);
}

std::vector<AgentReplies> Shop::ReplyReport() const {
  std::lock_guard lock(impl_->replies_mu);
  std::vector<AgentReplies> out;
  out.reserve(impl_->replies.size());
  for (const auto& [agent, r] : impl_->replies) out.push_back(r);
  return out;
}

size_t Shop::PendingDeadlines() const {
  size_t n = 0;
  for (const Impl::Shard& s : impl_->shards) {
    std::lock_guard lock(s.mu);
    n += s.queue.pending();
  }
  return n;
}

// ------------------------------------------------------------ FB-TRIAGE

namespace {

// The work item of one pending queue entry, its customer, category and
// owner taken from the entity (in the same shard), and its priority with
// `agent_level` (nullopt: the item's own agent's level).
WorkItem MakeWorkItem(const QueueEntry& e, const Order* order, const Ticket* ticket,
                      const Review* review, const TeamPolicies& team) {
  WorkItem w;
  w.entity_kind = e.entity_kind;
  w.entity = e.entity;
  w.action = e.kind == QueueEntry::Kind::kAction;
  w.rule = w.action ? e.action.rule : e.deadline.rule;
  w.due = w.action ? e.action.due.value_or(absl::InfinitePast()) : e.deadline.due;
  w.agent = w.action ? e.action.assignee : "";
  const TriagePolicy& triage = team.triage;
  switch (e.entity_kind) {
    case EntityKind::kOrder:
      w.category = "order";
      if (order != nullptr) w.customer = internal::DataOf(*order).buyer.im_name;
      break;
    case EntityKind::kTicket:
      if (ticket != nullptr) {
        const TicketData& d = ticket->data();
        w.customer = d.buyer_im;
        if (triage.HasCategory(d.category)) {
          w.category = d.category;
        } else {
          w.category = d.quality_claim || d.fault_confirmed ? "quality" : "after_sales";
        }
        if (w.agent.empty()) w.agent = d.owner;
      } else {
        w.category = "after_sales";
      }
      break;
    case EntityKind::kReview:
      w.category = "review";
      if (review != nullptr) {
        w.customer = review->data().buyer;
        if (w.agent.empty()) w.agent = review->data().agent;
      }
      break;
    case EntityKind::kReply:
      w.category = "callback";
      w.customer = e.entity;  // a conversation is keyed by its buyer
      break;
    case EntityKind::kTeam:
      w.category = "team";  // FB-REPORT's escalation, when it has a due time
      if (w.agent.empty()) w.agent = e.entity;
      break;
  }
  if (w.agent.empty()) w.agent = e.agent;
  w.customer_level = triage.CustomerLevel(w.customer);
  if (const StaffMember* m = team.roles.Find(w.agent)) w.agent_level = m->level;
  w.priority = triage.Priority(w.customer_level, w.category, w.agent_level);
  return w;
}

bool WorkBefore(const WorkItem& a, const WorkItem& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.due != b.due) return a.due < b.due;
  if (a.entity_kind != b.entity_kind) return a.entity_kind < b.entity_kind;
  if (a.entity != b.entity) return a.entity < b.entity;
  return a.rule < b.rule;
}

}  // namespace

std::vector<WorkItem> Shop::WorkList() const {
  std::vector<WorkItem> out;
  const std::shared_ptr<const Impl::Rules> rules = impl_->CurrentRules();
  const TeamPolicies& team = rules->team;
  for (const Impl::Shard& s : impl_->shards) {
    std::lock_guard lock(s.mu);
    for (const QueueEntry& e : s.queue.Export()) {
      if (e.kind == QueueEntry::Kind::kDeadline && e.paused) continue;
      const Order* order = nullptr;
      const Ticket* ticket = nullptr;
      const Review* review = nullptr;
      switch (e.entity_kind) {
        case EntityKind::kOrder:
          if (auto it = s.orders.find(e.entity); it != s.orders.end()) order = &it->second;
          break;
        case EntityKind::kTicket:
          if (auto it = s.tickets.find(e.entity); it != s.tickets.end()) ticket = &it->second;
          break;
        case EntityKind::kReview:
          if (auto it = s.reviews.find(e.entity); it != s.reviews.end()) review = &it->second;
          break;
        case EntityKind::kReply:
        case EntityKind::kTeam:
          break;
      }
      out.push_back(MakeWorkItem(e, order, ticket, review, team));
    }
  }
  std::sort(out.begin(), out.end(), WorkBefore);
  return out;
}

std::optional<WorkItem> Shop::NextWorkItem(std::string_view agent) const {
  std::string level;
  TriagePolicy triage;
  {
    const std::shared_ptr<const Impl::Rules> rules = impl_->CurrentRules();
    if (const StaffMember* m = rules->team.roles.Find(agent)) level = m->level;
    triage = rules->team.triage;
  }
  std::optional<WorkItem> best;
  for (WorkItem& w : WorkList()) {
    if (!w.agent.empty() && w.agent != agent) continue;
    w.agent_level = level;
    w.priority = triage.Priority(w.customer_level, w.category, level);
    if (!best || WorkBefore(w, *best)) best = std::move(w);
  }
  return best;
}

const BusinessCalendar& Shop::calendar() const {
  return *impl_->CurrentRules()->calendar;  // kept alive by `retired` once replaced
}

// ------------------------------------------------------------------ saving
//
// The saved form (docs/state.md): the mark "KEFUSHOP", the
// format (varint), then in kefu's binary encoding (core/codec.h), with the
// words of the vocabulary by number (ByteWriter::KeepVocabularyApart):
//   the shard count;
//   orders, tickets, reviews, conversations: each a count, then by key:
//     the key, the snapshot's size (fixed32) and the entity's snapshot
//     (machines/snapshot_codec.h);
//   the defect counts: products, each with its tickets;
//   the reply record: agents, each with its counts and findings;
//   the deadline queue: per shard, its entries (DeadlineQueue::Export);
//   the team ledger (TeamLedger::SaveState) as one string; a shop saved
//   before the ledger was saved ends before it and loads with an empty one;
//   the team entities, when there are any: a count, then by agent the key
//   and the entity's snapshot (as the other kinds'); absent, none;
//   the vocabulary: a count, then each word (string), by number;
//   the logs' table (machines/saved_log.h): the parts the logs name;
//   the sections: a count, then each its place, its words and its logs'
//     table;
//   where the vocabulary starts (two fixed32, low then high);
// and last the CRC-32 of every byte before it (fixed32). An entity's
// snapshot is its head (format version, state, data) and its log as
// machines/saved_log.h writes it: records naming parts in the table of the
// stretch it lies in (the file's or its section's). Format 3 had no
// tables: each log was its outcomes and digests (EncodeSnapshot), and is
// read still. Format 2 had no sections. Format 1 had neither the
// snapshots' sizes nor the vocabulary apart (each word written where first
// used): it is read still, on one thread.

namespace {

constexpr std::string_view kSaveMark = "KEFUSHOP";

using internal::ByteReader;
using internal::ByteWriter;

void EncodeFinding(const Finding& f, ByteWriter& w) {
  w.String(f.rule_id);
  w.Varint(static_cast<uint64_t>(f.severity));
  w.Varint(f.begin);
  w.Varint(f.end);
  w.String(f.text);
  w.String(f.suggestion);
  w.String(f.list);
}

bool DecodeFinding(ByteReader& r, Finding* f) {
  uint64_t severity = 0, begin = 0, end = 0;
  if (!r.String(&f->rule_id) || !r.Varint(&severity) || !r.Varint(&begin) || !r.Varint(&end) ||
      !r.String(&f->text) || !r.String(&f->suggestion) || !r.String(&f->list)) {
    return false;
  }
  if (severity > static_cast<uint64_t>(Severity::kError)) return r.Fail("unknown severity");
  f->severity = static_cast<Severity>(severity);
  f->begin = static_cast<size_t>(begin);
  f->end = static_cast<size_t>(end);
  return true;
}

void EncodeAgentReplies(const AgentReplies& a, ByteWriter& w) {
  w.String(a.agent);
  w.Signed(a.replies);
  w.Signed(a.replies_with_findings);
  w.Varint(a.by_rule.size());
  for (const auto& [rule, count] : a.by_rule) {
    w.String(rule);
    w.Signed(count);
  }
  w.Varint(a.findings.size());
  for (const AgentReplies::Item& item : a.findings) {
    w.String(item.event_id);
    w.String(item.conversation);
    w.Time(item.at);
    EncodeFinding(item.finding, w);
  }
}

bool DecodeAgentReplies(ByteReader& r, AgentReplies* a) {
  size_t n = 0;
  if (!r.String(&a->agent) || !r.Signed(&a->replies) || !r.Signed(&a->replies_with_findings) ||
      !r.Count(&n)) {
    return false;
  }
  a->by_rule.resize(n);
  for (auto& [rule, count] : a->by_rule) {
    if (!r.String(&rule) || !r.Signed(&count)) return false;
  }
  if (!r.Count(&n)) return false;
  a->findings.resize(n);
  for (AgentReplies::Item& item : a->findings) {
    if (!r.String(&item.event_id) || !r.String(&item.conversation) || !r.Time(&item.at) ||
        !DecodeFinding(r, &item.finding)) {
      return false;
    }
  }
  return true;
}

// The entities of one kind across shards, sorted by key: the saved order.
template <class Entity>
std::vector<const Entity*> SortedEntities(
    const std::vector<const internal::EntityMap<Entity>*>& maps) {
  // By the maps' keys (each entity's id, as Load checks): compared where
  // they lie, without a call into the entity for each comparison.
  std::vector<std::pair<std::string_view, const Entity*>> keyed;
  for (const auto* map : maps) {
    for (const auto& [key, entity] : *map) keyed.emplace_back(key, &entity);
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const Entity*> all;
  all.reserve(keyed.size());
  for (const auto& [key, entity] : keyed) all.push_back(entity);
  return all;
}

absl::Status Corrupted(std::string_view what) {
  return absl::DataLossError(absl::StrCat("saved shop is corrupted: ", ToAbsl(what)));
}

// The least entities of a kind a saved shop holds for Load to restore them
// on more than one thread (ShopOptions::load_threads).
std::atomic<size_t> parallel_load_entities{20000};

// The least entities of a kind a shop holds for Save to write the second
// half of them as a section of their own (format 3), which a second thread
// may encode (ShopOptions::save_threads).
std::atomic<size_t> save_section_entities{4096};

// A section of a saved shop (format 3): the second half of a large kind's
// entities, with words of its own. Its place counts from the byte after
// the format.
struct SavedSection {
  uint64_t begin = 0, end = 0;
  std::vector<std::string_view> words;
  // Its logs' table (format 4 on): as Save writes it, as Load reads it.
  std::string log_table;
  internal::SavedLogTable logs;
};

}  // namespace

namespace internal {
size_t SetParallelLoadEntities(size_t n) { return parallel_load_entities.exchange(n); }
size_t SetSaveSectionEntities(size_t n) { return save_section_entities.exchange(n); }

uint32_t SavedShopChecksum(std::string_view saved) {
  if (saved.size() < kSaveMark.size() + 4) return Crc32(saved);
  ByteReader tail(saved.substr(saved.size() - 4));
  uint32_t before = 0;
  tail.Fixed32(&before);
  return Crc32(saved.substr(saved.size() - 4), before);
}
}  // namespace internal

std::string Shop::Save() const {
  Impl& impl = *impl_;
  const auto locks = impl.LockAllShards();
  std::lock_guard replies_lock(impl.replies_mu);
  std::lock_guard team_lock(impl.team_mu);

  // Room for the whole save at once, not grown by copying: the size of
  // the last one (or of what the shop was loaded from), else 2 KiB an
  // entity (about twice what an entity takes; room not written to is
  // address space only).
  size_t entity_count = 0;
  for (const Impl::Shard& s : impl.shards) {
    entity_count += s.orders.size() + s.tickets.size() + s.reviews.size() + s.conversations.size() +
                s.team_members.size();
  }
  std::string out;
  const size_t last_bytes = impl.saved_bytes.load(std::memory_order_relaxed);
  if (last_bytes > 0) {
    out.reserve(last_bytes + last_bytes / 16);
  } else {
    out.reserve(4096 + entity_count * 2048);
  }
  // Written front to back at once: in huge pages, not a fault every 4 KiB.
  internal::AdviseHugePages(out.data(), out.capacity());
  // About what an entity took in the last save (or 2 KiB), for a
  // section's room.
  const size_t per_entity =
      last_bytes > 0 && entity_count > 0 ? last_bytes / entity_count + 1 : 2048;
  out.append(kSaveMark);
  ByteWriter w(&out);
  w.Varint(kSaveFormat);
  // Where Load's reader starts: sections are placed from here.
  const size_t start = out.size();
  // Words by number, their list at the end: an entity's bytes read alone.
  w.KeepVocabularyApart();
  w.Varint(impl.shards.size());
  // The second halves of the large kinds (format 3).
  std::vector<SavedSection> sections;
  const size_t section_entities = save_section_entities.load(std::memory_order_relaxed);
  const size_t threads = static_cast<size_t>(std::max(
      1, std::min<int>(impl.options.save_threads,
                       static_cast<int>(std::max(1u, std::thread::hardware_concurrency())))));
  // What needs no writer, made beside the entities on a second thread
  // (in a shop as large as a section: a small one's save is over before a
  // thread would start): the deadline queues' entries and the team
  // ledger's bytes, written after the entities in the same places.
  std::vector<std::vector<QueueEntry>> queue_entries(impl.shards.size());
  std::string ledger;
  internal::Beside rest(threads >= 2 && entity_count >= section_entities,
                        [&impl, &queue_entries, &ledger] {
    for (size_t i = 0; i < impl.shards.size(); ++i) queue_entries[i] = impl.shards[i].queue.Export();
    ledger = impl.team.SaveState();
  });

  // The entities of a kind across shards, sorted by key; written as a
  // count, then by key the key and the snapshot.
  auto sorted = [&](auto member) {
    using Map = std::remove_reference_t<decltype(impl.shards[0].*member)>;
    std::vector<const Map*> maps;
    for (const Impl::Shard& s : impl.shards) maps.push_back(&(s.*member));
    return SortedEntities(maps);
  };
  // The logs' parts of what `w` writes (the sections' have their own).
  internal::SavedLogWriter logs;
  auto save_kind = [&](const auto& entities, const internal::Schema& schema, EntityKind kind) {
    w.Varint(entities.size());
    // Entities [from, to) into `writer`, their logs' parts into `parts`:
    // each its key, its size and its snapshot's head and log.
    auto write = [&](ByteWriter& writer, internal::SavedLogWriter& parts, size_t from, size_t to) {
      std::string& bytes = *writer.out();
      for (size_t i = from; i < to; ++i) {
        writer.String(entities[i]->id());
        const size_t at = bytes.size();
        writer.Fixed32(0);
        internal::EncodeEntityWithSavedLog(schema, *entities[i], static_cast<uint8_t>(kind), parts,
                                           writer);
        writer.Fixed32At(at, static_cast<uint32_t>(bytes.size() - at - 4));
      }
    };
    const size_t n = entities.size();
    if (n < section_entities || n < 2) {
      write(w, logs, 0, n);
      return;
    }
    // The second half written apart, with its own words, so that it can
    // be encoded beside the first: the bytes are the same on one thread.
    // Room for it at once, as for the whole save, and a tenth more.
    std::string second;
    second.reserve((n - n / 2) * per_entity + (n - n / 2) * per_entity / 10);
    internal::AdviseHugePages(second.data(), second.capacity());
    ByteWriter sw(&second);
    sw.KeepVocabularyApart();
    internal::SavedLogWriter section_logs;
    internal::RunOnThreads(std::min<size_t>(threads, 2), [&](size_t part) {
      if (part == 0) {
        write(w, logs, 0, n / 2);
        if (threads < 2) write(sw, section_logs, n / 2, n);
      } else {
        write(sw, section_logs, n / 2, n);
      }
    });
    SavedSection section;
    section.begin = out.size() - start;
    out.append(second);
    section.end = out.size() - start;
    section.words = sw.vocabulary();
    section_logs.WriteTable(&section.log_table);
    sections.push_back(std::move(section));
  };
  save_kind(sorted(&Impl::Shard::orders), internal::OrderDataSchema(), EntityKind::kOrder);
  save_kind(sorted(&Impl::Shard::tickets), internal::TicketDataSchema(), EntityKind::kTicket);
  save_kind(sorted(&Impl::Shard::reviews), internal::ReviewDataSchema(), EntityKind::kReview);
  save_kind(sorted(&Impl::Shard::conversations), internal::ConversationDataSchema(),
            EntityKind::kReply);

  const auto products = impl.defects.Products();
  w.Varint(products.size());
  for (const auto& [product, tickets] : products) {
    w.String(product);
    w.Varint(tickets.size());
    for (const std::string& t : tickets) w.String(t);
  }

  w.Varint(impl.replies.size());
  for (const auto& [agent, replies] : impl.replies) EncodeAgentReplies(replies, w);

  rest.Join();
  for (const std::vector<QueueEntry>& entries : queue_entries) {
    w.Varint(entries.size());
    for (const QueueEntry& e : entries) internal::EncodeQueueEntry(e, w);
  }
  w.String(ledger);
  // The team entities, when there are any (a shop without them saves as
  // before they existed).
  if (const auto members = sorted(&Impl::Shard::team_members); !members.empty()) {
    save_kind(members, internal::TeamMemberDataSchema(), EntityKind::kTeam);
  }
  // The vocabulary, the sections (each its place and its words), then
  // where the vocabulary starts.
  const uint64_t vocabulary_at = out.size();
  {
    ByteWriter list(&out);
    auto write_words = [&list](const std::vector<std::string_view>& words) {
      list.Varint(words.size());
      for (std::string_view text : words) list.String(text);
    };
    write_words(w.vocabulary());
    logs.WriteTable(&out);
    list.Varint(sections.size());
    for (const SavedSection& section : sections) {
      list.Varint(section.begin);
      list.Varint(section.end);
      write_words(section.words);
      out.append(section.log_table);
    }
  }
  w.Fixed32(static_cast<uint32_t>(vocabulary_at));
  w.Fixed32(static_cast<uint32_t>(vocabulary_at >> 32));
  w.Fixed32(internal::Crc32OnThreads(out, threads));
  impl.saved_bytes.store(out.size(), std::memory_order_relaxed);
  return out;
}

namespace {

// An entity as Save writes it from format 2 on: its key, its bytes' size,
// its bytes (read alone later). False, `r` failed, when they are not there.
bool ReadSavedEntity(ByteReader& r, std::string_view* key, std::string_view* bytes) {
  uint32_t size = 0;
  return r.View(key) && r.Fixed32(&size) && r.Bytes(size, bytes);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Shop>> Shop::Load(std::string_view saved, ShopOptions options) {
  if (saved.substr(0, kSaveMark.size()) != kSaveMark) {
    return absl::InvalidArgumentError(
        "not a saved kefu shop: it does not start with the mark \"KEFUSHOP\"");
  }
  ByteReader head(saved.substr(kSaveMark.size()));
  uint64_t format = 0;
  if (!head.Varint(&format)) return Corrupted(absl::StrCat("truncated after its mark (", saved.size(), " bytes)"));
  if (format == 0 || format > static_cast<uint64_t>(kSaveFormat)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "saved shop has format ", format, "; this build of kefu reads formats 1 to ", kSaveFormat,
        format > static_cast<uint64_t>(kSaveFormat) ? " (it was written by a newer kefu)" : ""));
  }
  if (saved.size() < kSaveMark.size() + head.offset() + 4) {
    return Corrupted(absl::StrCat("truncated: ", saved.size(), " bytes"));
  }
  std::string_view body = saved.substr(0, saved.size() - 4);
  {
    ByteReader tail(saved.substr(saved.size() - 4));
    uint32_t crc = 0;
    tail.Fixed32(&crc);
    // On the threads the load may use (ShopOptions::load_threads, checked
    // by Create below: an invalid count takes one here).
    const size_t threads = static_cast<size_t>(std::max(
        1, std::min<int>(options.load_threads,
                         static_cast<int>(std::max(1u, std::thread::hardware_concurrency())))));
    if (crc != internal::Crc32OnThreads(body, threads)) {
      return Corrupted(absl::StrCat("its checksum does not match its ", saved.size(),
                                    " bytes (truncated or altered)"));
    }
  }
  const size_t start = kSaveMark.size() + head.offset();
  // Format 2 on: the words the rest names by number, listed at the end;
  // format 3 on, after them, the sections that have words of their own.
  std::vector<std::string_view> vocabulary;
  std::vector<SavedSection> sections;
  internal::SavedLogTable logs;  // the logs' table of what is not in a section
  const bool apart = format >= 2;
  const bool saved_logs = format >= 4;
  if (apart) {
    if (body.size() < start + 8) return Corrupted(absl::StrCat("truncated: ", saved.size(), " bytes"));
    ByteReader where(body.substr(body.size() - 8));
    uint32_t low = 0, high = 0;
    where.Fixed32(&low);
    where.Fixed32(&high);
    const uint64_t at = (static_cast<uint64_t>(high) << 32) | low;
    body.remove_suffix(8);
    if (at < start || at > body.size()) {
      return Corrupted(absl::StrCat("its vocabulary is said to start at byte ", at, " of ",
                                    body.size()));
    }
    ByteReader list(body.substr(at), nullptr, at - start);
    auto read_words = [&list](std::vector<std::string_view>& words) {
      size_t n = 0;
      if (!list.Count(&n)) return false;
      words.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        std::string_view text;
        if (!list.View(&text)) return false;
        words.emplace_back(InternText(text), text.size());
      }
      return true;
    };
    if (!read_words(vocabulary)) return Corrupted(list.error());
    if (saved_logs && !logs.Read(list)) return Corrupted(list.error());
    if (format >= 3) {
      // The sections, in order, apart, within the entities' bytes.
      size_t n = 0;
      if (!list.Count(&n)) return Corrupted(list.error());
      sections.resize(n);
      uint64_t after = 0;
      for (SavedSection& section : sections) {
        if (!list.Varint(&section.begin) || !list.Varint(&section.end) ||
            !read_words(section.words) || (saved_logs && !section.logs.Read(list))) {
          return Corrupted(list.error());
        }
        if (section.begin < after || section.end <= section.begin || section.end > at - start) {
          return Corrupted(absl::StrCat("a section is said to lie at bytes ", section.begin,
                                        " to ", section.end, " of ", at - start));
        }
        after = section.end;
      }
    }
    if (!list.at_end()) return Corrupted(absl::StrCat(list.remaining(), " bytes after the vocabulary"));
    body = body.substr(0, at);
  }

  absl::StatusOr<std::unique_ptr<Shop>> made = Create(std::move(options));
  if (!made.ok()) return made.status();
  std::unique_ptr<Shop> shop = *std::move(made);
  Impl& impl = *shop->impl_;

  ByteReader r = apart ? ByteReader(body.substr(start), &vocabulary, 0) : ByteReader(body.substr(start));
  auto fail = [&r]() { return Corrupted(r.error()); };
  uint64_t saved_shards = 0;
  if (!r.Varint(&saved_shards)) return fail();

  // Entities: restored, routed to their shard, their event ids claimed
  // (all at once, after the last). From format 2 on each entity's bytes
  // read alone: a large kind's are restored on several threads
  // (ShopOptions::load_threads).
  EventIdIndex::Pending pending;
  size_t next_section = 0;  // the first section not yet behind the entities read
  const size_t threads = static_cast<size_t>(std::max(
      1, std::min<int>(impl.options.load_threads,
                       static_cast<int>(std::max(1u, std::thread::hardware_concurrency())))));
  auto load_kind = [&](EntityKind kind, auto member, const internal::Schema& schema,
                       auto restore) -> absl::Status {
    using Map = std::remove_reference_t<decltype(impl.shards[0].*member)>;
    using Entity = typename Map::mapped_type;
    using Snapshot = decltype(std::declval<const Entity&>().Snapshot());
    size_t n = 0;
    if (!r.Count(&n)) return fail();
    {
      // Each shard's map sized once for its share (about n / shards), not
      // grown by rehashing every key again. An entity takes more than 8
      // bytes: a corrupt count reserves no more than the input could hold.
      const size_t expect = std::min(n, r.remaining() / 8) / impl.shards.size();
      if (expect > 0) {
        for (Impl::Shard& s : impl.shards) {
          auto& map = s.*member;
          map.reserve(map.size() + expect + expect / 8 + 1);
        }
      }
    }
    // One entity, its key read: its snapshot decoded from `in` and
    // restored, its event ids added to `claims`; from format 4 its log read
    // with `parts` from `log_table`, the table of the stretch it lies in.
    // Safe on any thread.
    auto restore_one = [&](std::string_view key, ByteReader& in,
                           EventIdIndex::Pending::Block& claims,
                           internal::SavedLogParts* parts,
                           const internal::SavedLogTable* log_table) -> absl::StatusOr<Entity> {
      Snapshot snapshot;
      const bool saved_log = parts != nullptr;
      if (!(saved_log ? internal::DecodeSnapshotHead(schema, in, &snapshot)
                      : internal::DecodeSnapshot(schema, in, &snapshot))) {
        return Corrupted(in.error());
      }
      if (snapshot.data.id != key) {
        return Corrupted(absl::StrCat(ToAbsl(EntityKindName(kind)), " \"", ToAbsl(key),
                                      "\" holds the data of \"", snapshot.data.id, "\""));
      }
      auto refused = [&](std::string_view why) {
        return Corrupted(
            absl::StrCat(ToAbsl(EntityKindName(kind)), " \"", ToAbsl(key), "\": ", ToAbsl(why)));
      };
      if (!saved_log) {
        for (const Outcome& o : snapshot.applied) claims.Add(o.audit.event_id, key);
        auto entity = restore(std::move(snapshot));
        if (!entity.ok()) return refused(internal::FromAbsl(entity.status().message()));
        return entity;
      }
      // The log, read by the machine's Restore (which names the states)
      // through the thread's source, set for this one call.
      auto claim = [&claims, key](std::string_view id) { claims.Add(id, key); };
      internal::ScopedSavedLog log(in, *parts, *log_table, static_cast<uint8_t>(kind), key, claim);
      auto entity = restore(std::move(snapshot));
      if (!entity.ok()) return refused(internal::FromAbsl(entity.status().message()));
      if (!log.read()) return refused("its log was not read");
      return entity;
    };
    // Into its shard's map (shards[shard]); `*in_map` is the map's key
    // (stable). Threads may insert into different shards at once.
    auto insert = [&](size_t shard, std::string_view key, Entity entity,
                      const internal::EntityKey** in_map) -> absl::Status {
      Map& map = impl.shards[shard].*member;
      auto [it, inserted] = map.try_emplace(internal::EntityKey(key), std::move(entity));
      if (!inserted) {
        return Corrupted(absl::StrCat(ToAbsl(EntityKindName(kind)), " \"", ToAbsl(key), "\" twice"));
      }
      *in_map = &it->first;
      return absl::OkStatus();
    };
    // The entity keyed by `in_map` owns `claims`' ids from `from` to `to`.
    auto own = [&](const internal::EntityKey* in_map, EventIdIndex::Pending::Block& claims, size_t from,
                   size_t to) {
      if (to != from) {
        claims.Owned(from, to, impl.event_ids.NumberOf(EventIdIndex::Owner{kind, in_map}));
      }
    };
    if (!apart) {
      std::string key;
      EventIdIndex::Pending::Block& claims = pending.NewBlock();
      for (size_t i = 0; i < n; ++i) {
        if (!r.String(&key)) return fail();
        const size_t from = claims.size();
        absl::StatusOr<Entity> entity = restore_one(key, r, claims, nullptr, nullptr);
        if (!entity.ok()) return entity.status();
        const internal::EntityKey* in_map = nullptr;
        if (absl::Status s = insert(impl.ShardIndex(kind, key), key, *std::move(entity), &in_map);
            !s.ok()) {
          return s;
        }
        own(in_map, claims, from, claims.size());
        pending.Next(claims, from, claims.size());
      }
      return absl::OkStatus();
    }
    // Each entity's key and bytes; then the entities restored, on several
    // threads for a large kind; then each put in its shard's map, in the
    // order saved within each shard; then its ids given their owner's
    // number; then the claims' order recorded. The last three split
    // between two threads for a large kind (by shard, then by the owner
    // numbers' shard: neither waits for the other's locks). As on one
    // thread: the same maps, the same first error.
    struct Item {
      std::string_view key;
      std::string_view bytes;
      size_t offset;  // of `bytes`, in r's input
      const std::vector<std::string_view>* words;  // the section's, or the file's
      const internal::SavedLogTable* logs;          // the same (format 4 on)
    };
    std::vector<Item> items;
    items.reserve(std::min(n, r.remaining() / 8));
    for (size_t i = 0; i < n; ++i) {
      Item item;
      if (!ReadSavedEntity(r, &item.key, &item.bytes)) return fail();
      item.offset = r.offset() - item.bytes.size();
      // The section the entity's bytes begin in (they must end in it too).
      item.words = &vocabulary;
      item.logs = &logs;
      while (next_section < sections.size() && sections[next_section].end <= item.offset) {
        ++next_section;
      }
      if (next_section < sections.size() && sections[next_section].begin <= item.offset) {
        if (item.offset + item.bytes.size() > sections[next_section].end) {
          return Corrupted(absl::StrCat(ToAbsl(EntityKindName(kind)), " \"", ToAbsl(item.key),
                                        "\" runs past the end of its section"));
        }
        item.words = &sections[next_section].words;
        item.logs = &sections[next_section].logs;
      }
      items.push_back(item);
    }
    const size_t workers =
        n >= parallel_load_entities.load(std::memory_order_relaxed) ? threads : 1;
    // Runs of up to 64 entities (fewer in a small kind, so that each worker
    // has some), each taken in order by whichever worker is free: the
    // workers need not be equally fast (a thread's first allocations fault
    // in fresh pages of a fresh arena; the opening thread's reuse what the
    // store's reads freed), and the run they end on is the last.
    const size_t run = std::clamp<size_t>(n / (workers * 4), 1, 64);
    std::atomic<size_t> next_run{0};
    struct Restored {
      std::optional<Entity> entity;
      size_t shard = 0;                         // Impl::ShardIndex
      const internal::EntityKey* in_map = nullptr;  // its key, once in its map
      uint32_t worker = 0;                      // which restored it
      uint32_t claims_from = 0, claims_to = 0;  // in that worker's claims
    };
    std::vector<Restored> restored(items.size());
    struct Worker {
      size_t failed_at = SIZE_MAX;  // the worker's first error, or none
      absl::Status status;
      EventIdIndex::Pending::Block* claims = nullptr;  // in `pending`
      internal::SavedLogParts parts;  // the logs' parts it has made
    };
    std::vector<Worker> results(workers);
    for (Worker& me : results) me.claims = &pending.NewBlock();
    // A worker stops at its first error. Runs are taken in order, so every
    // entity before the first error of all is restored when they are done.
    auto work = [&](size_t w) {
      Worker& me = results[w];
      for (size_t first = next_run.fetch_add(1, std::memory_order_relaxed) * run;
           first < items.size(); first = next_run.fetch_add(1, std::memory_order_relaxed) * run) {
        for (size_t i = first; i < std::min(items.size(), first + run); ++i) {
          const Item& item = items[i];
          ByteReader in(item.bytes, item.words, item.offset);
          Restored& out = restored[i];
          out.worker = static_cast<uint32_t>(w);
          out.shard = impl.ShardIndex(kind, item.key);
          out.claims_from = static_cast<uint32_t>(me.claims->size());
          absl::StatusOr<Entity> entity =
              restore_one(item.key, in, *me.claims, saved_logs ? &me.parts : nullptr, item.logs);
          out.claims_to = static_cast<uint32_t>(me.claims->size());
          if (entity.ok() && !in.at_end()) {
            entity = Corrupted(absl::StrCat(ToAbsl(EntityKindName(kind)), " \"", ToAbsl(item.key),
                                            "\": ", in.remaining(), " bytes after its snapshot"));
          }
          if (!entity.ok()) {
            me.failed_at = i;
            me.status = entity.status();
            return;
          }
          out.entity.emplace(*std::move(entity));
        }
      }
    };
    internal::RunOnThreads(workers, work);
    size_t failed_at = SIZE_MAX;
    const absl::Status* failed_status = nullptr;
    for (const Worker& me : results) {
      if (me.failed_at < failed_at) {
        failed_at = me.failed_at;
        failed_status = &me.status;
      }
    }
    // Into the maps: each thread takes every other shard and stops at its
    // first error.
    const size_t entered = std::min(failed_at, items.size());
    const size_t parts = workers > 1 && impl.shards.size() > 1 ? 2 : 1;
    struct Inserted {
      size_t failed_at = SIZE_MAX;
      absl::Status status;
    };
    std::vector<Inserted> inserted(parts);
    internal::RunOnThreads(parts, [&](size_t part) {
      for (size_t i = 0; i < entered; ++i) {
        Restored& one = restored[i];
        if (one.shard % parts != part) continue;
        if (absl::Status s = insert(one.shard, items[i].key, *std::move(one.entity), &one.in_map);
            !s.ok()) {
          inserted[part].failed_at = i;
          inserted[part].status = std::move(s);
          return;
        }
        one.entity.reset();
      }
    });
    // The first error in the order saved: a shard's own, or a restore's.
    for (const Inserted& part : inserted) {
      if (part.failed_at < failed_at) {
        failed_at = part.failed_at;
        failed_status = &part.status;
      }
    }
    if (failed_status != nullptr) return *failed_status;
    internal::RunOnThreads(parts, [&](size_t part) {
      for (const Restored& one : restored) {
        if (EventIdIndex::NumberPart(EventIdIndex::Owner{kind, one.in_map}, parts) == part) {
          own(one.in_map, *results[one.worker].claims, one.claims_from, one.claims_to);
        }
      }
    });
    for (const Restored& one : restored) {
      pending.Next(*results[one.worker].claims, one.claims_from, one.claims_to);
    }
    return absl::OkStatus();
  };
  if (absl::Status s = load_kind(EntityKind::kOrder, &Impl::Shard::orders,
                                 internal::OrderDataSchema(),
                                 [](OrderSnapshot snap) { return Order::Restore(std::move(snap)); });
      !s.ok()) {
    return s;
  }
  // The tail, read where the conversations end (or, beside, found there by
  // the entities' sizes): in place the defects' products and the team
  // ledger, into `replies` and `queues` the agents' replies and the
  // deadline queues' entries; at the end, `in` past the ledger's bytes.
  // Touches nothing the entities' loading does.
  std::map<std::string, AgentReplies, std::less<>> replies;
  std::vector<std::vector<QueueEntry>> queues(impl.shards.size());
  auto read_tail = [&impl, &replies, &queues, saved_shards](ByteReader& in) -> absl::Status {
    auto failed = [&in]() { return Corrupted(in.error()); };
    size_t n = 0;
    if (!in.Count(&n)) return failed();
    std::string product, ticket;
    for (size_t i = 0; i < n; ++i) {
      size_t tickets = 0;
      if (!in.String(&product) || !in.Count(&tickets)) return failed();
      for (size_t j = 0; j < tickets; ++j) {
        if (!in.String(&ticket)) return failed();
        impl.defects.Restore(product, ticket);
      }
    }
    if (!in.Count(&n)) return failed();
    for (size_t i = 0; i < n; ++i) {
      AgentReplies a;
      if (!DecodeAgentReplies(in, &a)) return failed();
      const std::string agent = a.agent;
      if (!replies.emplace(agent, std::move(a)).second) {
        return Corrupted(absl::StrCat("the reply record names agent \"", agent, "\" twice"));
      }
    }
    // The queue: each saved shard's entries in order; with the same shard
    // count they go back to the same shard, else each to its entity's shard.
    for (uint64_t s = 0; s < saved_shards; ++s) {
      if (!in.Count(&n)) return failed();
      if (saved_shards == impl.shards.size()) {
        // All to shard s: room for them at once (an entry takes 8 bytes and
        // more: a corrupt count reserves no more than the input could hold).
        queues[s].reserve(std::min(n, in.remaining() / 8));
      }
      for (size_t i = 0; i < n; ++i) {
        QueueEntry e;
        if (!internal::DecodeQueueEntry(in, &e)) return failed();
        const size_t to = saved_shards == impl.shards.size()
                              ? static_cast<size_t>(s)
                              : StableHash(e.entity_kind, e.entity) % impl.shards.size();
        queues[to].push_back(std::move(e));
      }
    }
    if (!in.at_end()) {
      std::string_view team;
      if (!in.View(&team)) return failed();
      if (absl::Status st = impl.team.LoadState(team); !st.ok()) {
        return Corrupted(internal::FromAbsl(st.message()));
      }
    }
    return absl::OkStatus();
  };
  // Beside, in a shop as large as one whose entities are restored on
  // several threads: from where the tickets begin, the three kinds before
  // the tail passed over by their sizes (as load_kind reads them), then the
  // tail read, while this thread restores those kinds. Its first error
  // counts only if these kinds load without one (then it is the error one
  // thread finds, at the same place).
  struct TailBeside {
    ByteReader in{std::string_view()};
    size_t start = 0;  // the tail's offset
    absl::Status status;
  } tail;
  std::optional<internal::Beside> tail_beside;
  size_t orders = 0;
  for (const Impl::Shard& s : impl.shards) orders += s.orders.size();
  if (apart && threads > 1 && orders >= parallel_load_entities.load(std::memory_order_relaxed)) {
    tail.in = r;
    tail_beside.emplace(true, [&tail, &read_tail] {
      ByteReader& in = tail.in;
      for (int kind = 0; kind < 3; ++kind) {
        size_t n = 0;
        if (!in.Count(&n)) break;
        for (size_t i = 0; i < n && in.ok(); ++i) {
          std::string_view key, bytes;
          ReadSavedEntity(in, &key, &bytes);
        }
      }
      tail.start = in.offset();
      tail.status = in.ok() ? read_tail(in) : Corrupted(in.error());
    });
  }
  if (absl::Status s = load_kind(EntityKind::kTicket, &Impl::Shard::tickets,
                                 internal::TicketDataSchema(),
                                 [](TicketSnapshot snap) { return Ticket::Restore(std::move(snap)); });
      !s.ok()) {
    return s;
  }
  // The indexes that follow from the orders and tickets (live orders by
  // buyer, open tickets by order), rebuilt from here on: on a second thread
  // beside the rest of the load when the shop is large, else at the end.
  auto rebuild_indexes = [&impl] {
    for (Impl::Shard& s : impl.shards) {
      for (const auto& [key, order] : s.orders) {
        if (Created(order) && order.live()) impl.live_orders.Update(order);
      }
      for (const auto& [key, t] : s.tickets) {
        if (Created(t) && t.open()) impl.open_tickets.Update(t);
      }
    }
  };
  size_t orders_and_tickets = 0;
  for (const Impl::Shard& s : impl.shards) orders_and_tickets += s.orders.size() + s.tickets.size();
  struct Joined {  // joined on every return, before the shop is freed
    std::thread t;
    ~Joined() {
      if (t.joinable()) t.join();
    }
  } indexer;
  if (threads > 1 && orders_and_tickets >= parallel_load_entities.load(std::memory_order_relaxed)) {
    indexer.t = internal::StartThread(rebuild_indexes);
  }
  if (absl::Status s = load_kind(EntityKind::kReview, &Impl::Shard::reviews,
                                 internal::ReviewDataSchema(),
                                 [](ReviewSnapshot snap) { return Review::Restore(std::move(snap)); });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = load_kind(
          EntityKind::kReply, &Impl::Shard::conversations, internal::ConversationDataSchema(),
          [](ConversationSnapshot snap) { return Conversation::Restore(std::move(snap)); });
      !s.ok()) {
    return s;
  }

  if (tail_beside) {
    tail_beside->Join();
    // Where this thread's reading of the kinds ended is where the other's
    // did: the same bytes, read the same way (ReadSavedEntity).
    if (tail.start != r.offset() && tail.status.ok()) {
      tail.status = Corrupted(absl::StrCat("the entities end at byte ", r.place(), " or ", tail.start));
    }
    if (!tail.status.ok()) return tail.status;
    r = std::move(tail.in);
  } else if (absl::Status s = read_tail(r); !s.ok()) {
    return s;
  }
  impl.replies = std::move(replies);
  if (!r.at_end()) {
    if (absl::Status s = load_kind(EntityKind::kTeam, &Impl::Shard::team_members,
                                   internal::TeamMemberDataSchema(),
                                   [](TeamMemberSnapshot snap) {
                                     return internal::TeamMember::Restore(std::move(snap));
                                   });
        !s.ok()) {
      return s;
    }
  }
  // Every entity's event ids, the five kinds' at once.
  if (auto twice = impl.event_ids.ClaimAll(pending)) {
    return Corrupted(absl::StrCat("an event id is held by two entities: ",
                                  ToAbsl(EntityKindName(twice->first.kind)), " \"",
                                  ToAbsl(twice->first.key->view()), "\" and ",
                                  ToAbsl(EntityKindName(twice->second.kind)), " \"",
                                  ToAbsl(twice->second.key->view()), "\""));
  }
  if (!r.at_end()) return Corrupted(absl::StrCat(r.remaining(), " bytes after the end"));
  for (size_t s = 0; s < impl.shards.size(); ++s) {
    if (absl::Status st = impl.shards[s].queue.Import(queues[s]); !st.ok()) {
      return Corrupted(internal::FromAbsl(st.message()));
    }
    impl.shards[s].RefreshDueBound();
  }

  if (indexer.t.joinable()) {
    indexer.t.join();
  } else {
    rebuild_indexes();
  }
  // A state saved before the team ledger forgot the days of orders marked
  // shipped holds them: forgotten here, the shop is the one its events make
  // today (and saves the same bytes).
  impl.team.ForgetShipped([&impl](std::string_view key) {
    const auto& shard_orders = impl.ShardOf(EntityKind::kOrder, key).orders;
    auto it = shard_orders.find(ToAbsl(key));
    return it != shard_orders.end() &&
           internal::OrderAccess::Record(it->second).shipped_at.has_value();
  });
  // Its next Save reserves about what it was loaded from.
  impl.saved_bytes.store(saved.size(), std::memory_order_relaxed);
  return shop;
}

}  // namespace kefu
