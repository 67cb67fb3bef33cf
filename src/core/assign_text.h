// assign_text.h: copying a text into a string that keeps its block, on hot
// paths. Private.
#ifndef KEFU_CORE_ASSIGN_TEXT_H_
#define KEFU_CORE_ASSIGN_TEXT_H_

#include <string>
#include <string_view>

namespace kefu::internal {

// `*out = text`, for a text that does not lie in *out itself. libstdc++'s
// assignments go through _M_replace or _M_assign, which allow for a text
// inside the string (about 50 to 70 instructions a call); clear and append
// need not (about 32), and keep *out's block all the same. Used where a
// string is refilled for every event: the reader's id, agent, key and
// string fields (io/events.cc), an outcome's key, id and agent
// (machines/entity_core.h).
inline void AssignText(std::string* out, std::string_view text) {
  out->clear();
  out->append(text.data(), text.size());
}

}  // namespace kefu::internal

#endif  // KEFU_CORE_ASSIGN_TEXT_H_
