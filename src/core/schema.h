// schema.h: field-by-field descriptions of kefu's plain structs (events,
// their nested lines and addresses), walked by the JSON Lines format
// (src/io/events.cc) and by the idempotency check's digest of an event's
// content (src/machines/event_schema.h). Private: never include from a
// public header.
//
// A Schema lists a struct's members in declaration order. Each Field reaches
// its member inside an object passed as void* through small function
// pointers generated from the member pointer by MakeField<&T::m>(), so one
// walker serves every struct without templates at the call site.
#ifndef KEFU_CORE_SCHEMA_H_
#define KEFU_CORE_SCHEMA_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/functional/function_ref.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"

namespace kefu::internal {

// What a field holds, as JSON sees it.
enum class Kind : uint8_t {
  kString,  // std::string: a JSON string
  kBool,    // bool: true / false
  kInt32,   // int32_t: a JSON integer
  kIndex,   // size_t: a non-negative JSON integer
  kMoney,   // Money: a decimal-yuan string "12.34"
  kEnum,    // an enum: its stable *Name() string
  kObject,  // a nested struct: a JSON object
  kArray,   // std::vector of a nested struct: a JSON array of objects
  // Used by the entities' data (kefu/machines/*Data), not by events:
  kInt64,      // int64_t: a JSON integer
  kTimestamp,  // Timestamp: an RFC 3339 string; the infinite past and
               // future as "-infinity" / "infinity"
  kRuleId,     // RuleId: a rule ID string, interned (InternRuleId)
  kUint32,     // uint32_t (bit sets such as VerificationSet): a JSON integer
};

// A name as two words holding its first 16 bytes (zero past its end) and
// its size. The event reader packs each key, type and enum value it reads
// and finds it in a table of packed names a word at a time, instead of
// comparing bytes.
struct PackedName {
  uint64_t lo = 0;
  uint64_t hi = 0;
  size_t size = 0;
};

namespace packed_internal {
// The first `n` (< 8) bytes at `p` as a word in memory order, zero past
// them; reads only those bytes (two loads that may overlap, not a loop).
// Inlined into Pack: left out of line, it was called for nearly every key
// the reader packs (about 9 a line).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint64_t FirstBytes(const char* p, size_t n) {
  uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (n >= 4) {
    uint32_t a;
    uint32_t b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    w = a | (uint64_t{b} << (8 * (n - 4)));
  } else if (n > 0) {
    w = static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
        static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << (8 * (n / 2)) |
        static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << (8 * (n - 1));
  }
#else
  std::memcpy(&w, p, n);
#endif
  return w;
}
// The 8 bytes at `p` as a word in memory order.
inline uint64_t Word(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
}  // namespace packed_internal

// `text` packed; reads only its bytes. Inlined: the reader packs every key
// it reads, and the call cost about a third of the work.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline PackedName Pack(std::string_view text) {
  using packed_internal::FirstBytes;
  using packed_internal::Word;
  PackedName p;
  p.size = text.size();
  const char* d = text.data();
  if (p.size >= 16) {
    p.lo = Word(d);
    p.hi = Word(d + 8);
  } else if (p.size >= 8) {
    p.lo = Word(d);
    p.hi = FirstBytes(d + 8, p.size - 8);
  } else {
    p.lo = FirstBytes(d, p.size);
  }
  return p;
}

// Whether `a` (packed `a_text`) and `b` (packed `b_text`) are the same name.
inline bool SamePacked(const PackedName& a, std::string_view a_text, const PackedName& b,
                       std::string_view b_text) {
  return a.lo == b.lo && a.hi == b.hi && a.size == b.size &&
         (a.size <= 16 || std::memcmp(a_text.data() + 16, b_text.data() + 16, a.size - 16) == 0);
}

// The names of an enum's values, indexed by value.
struct EnumNames {
  std::vector<std::string_view> names;
  std::vector<PackedName> packed;  // names[i] packed
  std::string expected;  // "one of: a, b, c"
};

// The enum's values are 0, 1, ... and its name function returns "unknown"
// past the last one (the convention of every *Name() function of kefu).
template <class E>
EnumNames BuildEnumNames(std::string_view (*name_of)(E)) {
  EnumNames e;
  for (int i = 0; i < 64; ++i) {
    const std::string_view name = name_of(static_cast<E>(i));
    if (name == "unknown") break;
    e.names.push_back(name);
    e.packed.push_back(Pack(name));
  }
  e.expected = "one of: ";
  for (size_t i = 0; i < e.names.size(); ++i) {
    if (i > 0) e.expected += ", ";
    e.expected += e.names[i];
  }
  return e;
}

struct Schema;

// One member of a struct. The function pointers reach the member inside an
// object of the struct given as void*; they are generated from the member
// pointer by MakeField().
struct Field {
  std::string_view name;
  Kind kind = Kind::kString;
  bool required = false;
  bool optional = false;             // the member is a std::optional
  const EnumNames* enums = nullptr;  // kEnum
  const Schema* nested = nullptr;    // kObject, or kArray's element
  // The value to write (emplaces an optional); the value to read (nullptr
  // for an unset optional); resets an optional.
  void* (*mut)(void* obj) = nullptr;
  const void* (*get)(const void* obj) = nullptr;
  void (*reset)(void* obj) = nullptr;
  // Scalars and optionals: the member holds its default (an unset optional).
  bool (*is_default)(const void* obj) = nullptr;
  // kEnum, on the value: as int.
  int (*enum_get)(const void* value) = nullptr;
  void (*enum_set)(void* value, int v) = nullptr;
  // kArray, on the vector: append a default element, size, element i.
  void* (*append)(void* vec) = nullptr;
  size_t (*size)(const void* vec) = nullptr;
  const void* (*at)(const void* vec, size_t i) = nullptr;
};

struct Schema {
  std::vector<Field> fields;  // at most 64
  std::vector<PackedName> packed;  // fields[i].name packed (MakeSchema)
  uint64_t required_mask = 0;

  // The index of the field named `name`, or -1.
  int Find(std::string_view name) const {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }
};

Schema MakeSchema(std::vector<Field> fields);

template <class M>
struct Unwrap {
  using type = M;
  static constexpr bool kOptional = false;
};
template <class M>
struct Unwrap<std::optional<M>> {
  using type = M;
  static constexpr bool kOptional = true;
};

template <class M>
struct IsVector : std::false_type {};
template <class M>
struct IsVector<std::vector<M>> : std::true_type {};

template <auto Member>
struct MemberOf;
template <class T, class M, M T::*Member>
struct MemberOf<Member> {
  using Class = T;
  using Type = M;
};

template <class U>
constexpr Kind KindOf() {
  if constexpr (std::is_same_v<U, std::string>) {
    return Kind::kString;
  } else if constexpr (std::is_same_v<U, bool>) {
    return Kind::kBool;
  } else if constexpr (std::is_same_v<U, int32_t>) {
    return Kind::kInt32;
  } else if constexpr (std::is_same_v<U, size_t>) {
    return Kind::kIndex;
  } else if constexpr (std::is_same_v<U, uint32_t>) {
    return Kind::kUint32;
  } else if constexpr (std::is_same_v<U, int64_t>) {
    return Kind::kInt64;
  } else if constexpr (std::is_same_v<U, Timestamp>) {
    return Kind::kTimestamp;
  } else if constexpr (std::is_same_v<U, RuleId>) {
    return Kind::kRuleId;
  } else if constexpr (std::is_same_v<U, Money>) {
    return Kind::kMoney;
  } else if constexpr (std::is_enum_v<U>) {
    return Kind::kEnum;
  } else if constexpr (IsVector<U>::value) {
    return Kind::kArray;
  } else {
    static_assert(std::is_class_v<U>);
    return Kind::kObject;
  }
}

enum Need : bool { kDefault = false, kRequired = true };

template <auto Member>
Field MakeField(std::string_view name, Need need, const EnumNames* enums = nullptr,
                const Schema* nested = nullptr) {
  using T = typename MemberOf<Member>::Class;
  using M = typename MemberOf<Member>::Type;
  using U = typename Unwrap<M>::type;
  constexpr bool kOptional = Unwrap<M>::kOptional;
  Field f;
  f.name = name;
  f.kind = KindOf<U>();
  f.required = need == kRequired;
  f.optional = kOptional;
  f.enums = enums;
  f.nested = nested;
  f.mut = [](void* obj) -> void* {
    M& m = static_cast<T*>(obj)->*Member;
    if constexpr (kOptional) {
      return &m.emplace();
    } else {
      return &m;
    }
  };
  f.get = [](const void* obj) -> const void* {
    const M& m = static_cast<const T*>(obj)->*Member;
    if constexpr (kOptional) {
      return m.has_value() ? &*m : nullptr;
    } else {
      return &m;
    }
  };
  f.reset = [](void* obj) {
    if constexpr (kOptional) {
      (static_cast<T*>(obj)->*Member).reset();
    } else {
      (void)obj;
    }
  };
  if constexpr (kOptional) {
    f.is_default = [](const void* obj) { return !(static_cast<const T*>(obj)->*Member).has_value(); };
  } else if constexpr (IsVector<U>::value) {
    f.is_default = [](const void* obj) { return (static_cast<const T*>(obj)->*Member).empty(); };
  } else if constexpr (KindOf<U>() != Kind::kObject) {
    f.is_default = [](const void* obj) {
      static const T kDefaults{};
      return static_cast<const T*>(obj)->*Member == kDefaults.*Member;
    };
  }
  if constexpr (std::is_enum_v<U>) {
    f.enum_get = [](const void* v) { return static_cast<int>(*static_cast<const U*>(v)); };
    f.enum_set = [](void* v, int x) { *static_cast<U*>(v) = static_cast<U>(x); };
  }
  if constexpr (IsVector<U>::value) {
    f.append = [](void* v) -> void* { return &static_cast<U*>(v)->emplace_back(); };
    f.size = [](const void* v) { return static_cast<const U*>(v)->size(); };
    f.at = [](const void* v, size_t i) -> const void* { return &(*static_cast<const U*>(v))[i]; };
  }
  return f;
}

// True when the nested object at `obj` has only default fields (what the
// canonical JSON form leaves out).
bool AllDefault(const Schema& schema, const void* obj);

// True when field `f` of `obj` holds its default: an unset optional, an
// empty vector, a scalar equal to the struct's default, a nested object whose
// fields are all default.
bool FieldIsDefault(const Field& f, const void* obj);

// Calls fn(index, hash) for each field of `obj` that is not at its default,
// in schema order: `hash` is a 32-bit hash of the field's value (nested
// objects and arrays included, element by element). Two objects of one
// schema have the same calls exactly when their canonical forms agree on
// every field, up to hash collisions (one in 2^32 per field).
void DigestFields(const Schema& schema, const void* obj,
                  absl::FunctionRef<void(int index, uint32_t hash)> fn);

}  // namespace kefu::internal

#endif  // KEFU_CORE_SCHEMA_H_
