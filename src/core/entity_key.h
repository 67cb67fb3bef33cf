// entity_key.h: the key of the shop's entity maps (an order's, ticket's,
// review's, conversation's or agent's id), and the id an order or a
// conversation keeps in its own record. Private.
//
// std::string keeps at most 15 bytes in place; kefu's ids are often longer
// (a Taobao order number is 16 digits and more), so each key was a second
// heap block, and looking an entity up compared the id with bytes one
// cache miss further than the map's node. An EntityKey keeps up to 23
// bytes in place, in the node itself; a longer key holds a heap copy.
#ifndef KEFU_CORE_ENTITY_KEY_H_
#define KEFU_CORE_ENTITY_KEY_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/node_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "core/absl_compat.h"

namespace kefu::internal {

class alignas(8) EntityKey {
 public:
  static constexpr size_t kInline = 23;
  static constexpr uint32_t kNoNumber = 0xFFFFFFFF;

  EntityKey() = default;  // empty
  explicit EntityKey(std::string_view text) { Assign(text); }
  EntityKey(const EntityKey& other) : number_(other.number_) { Assign(other.view()); }
  EntityKey(EntityKey&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
    size_ = other.size_;
    number_ = other.number_;
    other.size_ = 0;  // a long key's block is this one's now
  }
  EntityKey& operator=(const EntityKey& other) {
    if (this != &other) {
      EntityKey copy(other);
      *this = std::move(copy);  // the number too
    }
    return *this;
  }
  EntityKey& operator=(EntityKey&& other) noexcept {
    if (this != &other) {
      Free();
      std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
      size_ = other.size_;
      number_ = other.number_;
      other.size_ = 0;
    }
    return *this;
  }
  ~EntityKey() { Free(); }

  // `*this = EntityKey(text)` (the number reset too), in place: a
  // temporary key was written in pieces (its bytes, its size) and copied
  // in whole, a load the CPU cannot forward from those stores (perf: a
  // stall on every entity created). REQUIRES: `text` does not lie in this
  // key.
  void Set(std::string_view text) {
    Free();
    Assign(text);
    number_ = kNoNumber;
  }

  std::string_view view() const {
    if (size_ != kLong) return std::string_view(bytes_, size_);
    return std::string_view(LongData(), LongSize());
  }
  operator std::string_view() const { return view(); }  // NOLINT: a key is its text
  // Whether the text lies in the key itself (no heap block).
  bool is_inline() const { return size_ != kLong; }

  // A number the map's owner keeps with the key, kNoNumber until set: not
  // part of the key (its text alone is compared and hashed), so it may be
  // set on a key in a map. The shop keeps the event-id index's number for
  // the entity here, instead of looking it up for each event.
  uint32_t number() const { return number_; }
  void set_number(uint32_t n) const { number_ = n; }

  friend bool operator==(const EntityKey& a, const EntityKey& b) { return a.view() == b.view(); }
  friend bool operator!=(const EntityKey& a, const EntityKey& b) { return !(a == b); }
  friend bool operator<(const EntityKey& a, const EntityKey& b) { return a.view() < b.view(); }

 private:
  static constexpr uint8_t kLong = 0xFF;

  void Assign(std::string_view text) {
    if (text.size() <= kInline) {
      if (!text.empty()) std::memcpy(bytes_, text.data(), text.size());
      size_ = static_cast<uint8_t>(text.size());
      return;
    }
    char* data = new char[text.size()];
    std::memcpy(data, text.data(), text.size());
    const size_t size = text.size();
    std::memcpy(bytes_, &data, sizeof(data));
    std::memcpy(bytes_ + sizeof(data), &size, sizeof(size));
    size_ = kLong;
  }
  const char* LongData() const {
    const char* data;
    std::memcpy(&data, bytes_, sizeof(data));
    return data;
  }
  size_t LongSize() const {
    size_t size;
    std::memcpy(&size, bytes_ + sizeof(const char*), sizeof(size));
    return size;
  }
  void Free() {
    if (size_ == kLong) delete[] LongData();
    size_ = 0;
  }

  // The text (size_ bytes), or for a long key its heap block's address and
  // its size.
  char bytes_[kInline];
  uint8_t size_ = 0;  // <= kInline, or kLong
  mutable uint32_t number_ = kNoNumber;
};
// A map's node holds the key and a pointer-sized entity handle: 40 bytes,
// the same 48-byte heap block as with 24 bytes of key.
static_assert(sizeof(EntityKey) == 32 && alignof(EntityKey) >= 8);

// Hash and equality over keys and any text, so that a map is searched with
// a std::string, std::string_view or absl::string_view without making a
// key. The hash is absl's string hash, as a map keyed by std::string uses.
struct EntityKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return HashText(s); }
#ifndef ABSL_USES_STD_STRING_VIEW
  size_t operator()(absl::string_view s) const { return absl::Hash<absl::string_view>{}(s); }
#endif
  size_t operator()(const std::string& s) const { return (*this)(std::string_view(s)); }
  size_t operator()(const EntityKey& k) const { return (*this)(k.view()); }
};

struct EntityKeyEq {
  using is_transparent = void;
  static std::string_view View(std::string_view s) { return s; }
#ifndef ABSL_USES_STD_STRING_VIEW
  static std::string_view View(absl::string_view s) { return std::string_view(s.data(), s.size()); }
#endif
  static std::string_view View(const std::string& s) { return s; }
  static std::string_view View(const EntityKey& k) { return k.view(); }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return View(a) == View(b);
  }
};

// A map from entity ids: nodes, so that an entity and its key never move.
// (A table whose keys may move, such as the team ledger's days by order,
// takes EntityKey with absl::flat_hash_map and the two functors.)
template <class Value>
using EntityMap = absl::node_hash_map<EntityKey, Value, EntityKeyHash, EntityKeyEq>;

}  // namespace kefu::internal

#endif  // KEFU_CORE_ENTITY_KEY_H_
