// Text helpers of the testing kit's sources (not installed). Abseil's
// StrCat does not take std::string_view where Abseil was built as C++14
// (Debian's), and the kit's texts are built from string_views.
#ifndef KEFU_SRC_TESTING_TEXT_UTIL_H_
#define KEFU_SRC_TESTING_TEXT_UTIL_H_

#include <sstream>
#include <string>

namespace kefu::testing::internal {

// The parts streamed one after another.
template <class... T>
std::string Cat(const T&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}

template <class... T>
void Append(std::string* out, const T&... parts) {
  *out += Cat(parts...);
}

// text(item) for each item of `items`, separated by `separator`.
template <class Container, class Fn>
std::string Join(const Container& items, const char* separator, Fn text) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    out += text(item);
    first = false;
  }
  return out;
}

}  // namespace kefu::testing::internal

#endif  // KEFU_SRC_TESTING_TEXT_UTIL_H_
