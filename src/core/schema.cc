// Field-by-field struct descriptions: the parts that are not templates.
#include "core/schema.h"

#include <cstring>

namespace kefu::internal {

Schema MakeSchema(std::vector<Field> fields) {
  Schema s;
  s.fields = std::move(fields);
  for (size_t i = 0; i < s.fields.size(); ++i) {
    if (s.fields[i].required) s.required_mask |= uint64_t{1} << i;
    s.packed.push_back(Pack(s.fields[i].name));
  }
  return s;
}

bool FieldIsDefault(const Field& f, const void* obj) {
  if (f.kind == Kind::kObject && !f.optional) return AllDefault(*f.nested, f.get(obj));
  return f.is_default(obj);
}

bool AllDefault(const Schema& schema, const void* obj) {
  for (const Field& f : schema.fields) {
    if (!FieldIsDefault(f, obj)) return false;
  }
  return true;
}

namespace {

// FNV-1a over the value's bytes, with a tag byte between parts so that
// ("ab", "c") and ("a", "bc") differ. Saved logs hold these hashes: the
// function must never change (tests/machines/event_digest_test.cc).
struct Hasher {
  uint32_t h = 2166136261u;
  void Bytes(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    uint32_t x = h;
    size_t i = 0;
    // Four bytes a turn: the same steps, a quarter of the loop's own cost.
    for (; i + 4 <= n; i += 4) {
      x = (x ^ p[i]) * 16777619u;
      x = (x ^ p[i + 1]) * 16777619u;
      x = (x ^ p[i + 2]) * 16777619u;
      x = (x ^ p[i + 3]) * 16777619u;
    }
    for (; i < n; ++i) x = (x ^ p[i]) * 16777619u;
    h = x;
  }
  void Tag(uint8_t t) { Bytes(&t, 1); }
  template <class T>
  void Raw(const T& v) {
    Bytes(&v, sizeof(v));
  }
};

void HashObject(const Schema& schema, const void* obj, Hasher& h);

void HashValue(const Field& f, const void* value, Hasher& h) {
  switch (f.kind) {
    case Kind::kString: {
      const auto& s = *static_cast<const std::string*>(value);
      h.Raw(static_cast<uint64_t>(s.size()));
      h.Bytes(s.data(), s.size());
      break;
    }
    case Kind::kBool: h.Tag(*static_cast<const bool*>(value) ? 1 : 0); break;
    case Kind::kInt32: h.Raw(*static_cast<const int32_t*>(value)); break;
    case Kind::kIndex: h.Raw(static_cast<uint64_t>(*static_cast<const size_t*>(value))); break;
    case Kind::kMoney: h.Raw(static_cast<const Money*>(value)->fen()); break;
    case Kind::kEnum: h.Raw(f.enum_get(value)); break;
    case Kind::kInt64: h.Raw(*static_cast<const int64_t*>(value)); break;
    case Kind::kUint32: h.Raw(*static_cast<const uint32_t*>(value)); break;
    case Kind::kTimestamp: {
      const Timestamp t = *static_cast<const Timestamp*>(value);
      if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) {
        h.Tag(t == absl::InfinitePast() ? 1 : 2);
      } else {
        h.Raw(absl::ToUnixNanos(t));
      }
      break;
    }
    case Kind::kRuleId: {
      const RuleId r = *static_cast<const RuleId*>(value);
      h.Raw(static_cast<uint64_t>(r.size()));
      h.Bytes(r.data(), r.size());
      break;
    }
    case Kind::kObject: HashObject(*f.nested, value, h); break;
    case Kind::kArray: {
      const size_t n = f.size(value);
      h.Raw(static_cast<uint64_t>(n));
      for (size_t i = 0; i < n; ++i) HashObject(*f.nested, f.at(value, i), h);
      break;
    }
  }
}

void HashObject(const Schema& schema, const void* obj, Hasher& h) {
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const Field& f = schema.fields[i];
    if (FieldIsDefault(f, obj)) continue;
    const void* value = f.get(obj);
    if (value == nullptr) continue;
    h.Tag(static_cast<uint8_t>(i));
    HashValue(f, value, h);
  }
  h.Tag(0xFF);
}

}  // namespace

void DigestFields(const Schema& schema, const void* obj,
                  absl::FunctionRef<void(int index, uint32_t hash)> fn) {
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const Field& f = schema.fields[i];
    if (FieldIsDefault(f, obj)) continue;
    const void* value = f.get(obj);
    if (value == nullptr) continue;
    Hasher h;
    HashValue(f, value, h);
    fn(static_cast<int>(i), h.h);
  }
}

}  // namespace kefu::internal
