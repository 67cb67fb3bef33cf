// hot_text.h: copying and comparing texts on hot paths, where the standard
// library's general functions cost more than the work. Private.
#ifndef KEFU_CORE_HOT_TEXT_H_
#define KEFU_CORE_HOT_TEXT_H_

#include <cstring>
#include <string>
#include <string_view>

namespace kefu::internal {

// `*out = text`, for a text that does not lie in *out itself. libstdc++'s
// assignments go through _M_replace or _M_assign, which allow for a text
// inside the string (about 50 to 70 instructions a call); clear and append
// need not (about 50 with the copy), and keep *out's block all the same.
// A text no longer than what *out holds (the same string refilled for
// every event mostly gets a text of the same length: ids, keys, agents) is
// copied over the old bytes and the rest cut off, both inline (erase to
// the end only sets the length): no call into the library at all. Used
// where a string is refilled for every event: the reader's id, agent, key
// and string fields (io/events.cc), an outcome's key, id and agent
// (machines/entity_core.h), an order's texts expanded
// (machines/packed_order.cc).
inline void AssignText(std::string* out, std::string_view text) {
  const size_t n = text.size();
  if (n <= out->size()) {
    // memcpy may not be given a null pointer, even for no bytes.
    if (n != 0) std::memcpy(out->data(), text.data(), n);
    out->erase(n);
    return;
  }
  out->clear();
  out->append(text.data(), n);
}

// `a == b`. GCC at -O3 keeps std::string_view::compare out of line (about
// 45 instructions a call with its three-way result); equality needs only
// the sizes and one memcmp, which it inlines. Used by the idempotency log
// and the parts' dictionary (a few calls an event), and by the reference
// reader's look-ups of entity kinds and types.
inline bool SameText(std::string_view a, std::string_view b) {
  // memcmp may not be given a null pointer, even for no bytes.
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// Whether `text` starts with `prefix` (string_view::starts_with is C++20).
inline bool StartsWithText(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && SameText(text.substr(0, prefix.size()), prefix);
}

}  // namespace kefu::internal

#endif  // KEFU_CORE_HOT_TEXT_H_
