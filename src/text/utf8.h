// src/text/utf8.h: strict UTF-8 decoding used by the reply checker (private).
//
// Invalid input never stops a scan: an ill-formed sequence decodes as
// kInvalidCodePoint with a length of one byte, so the scan resumes at the next
// byte. kInvalidCodePoint equals no phrase character and is not noise, so it
// breaks any phrase it falls into. Thread safety: pure functions.
#ifndef KEFU_SRC_TEXT_UTF8_H_
#define KEFU_SRC_TEXT_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kefu::text_internal {

// Not a Unicode scalar value: stands for one byte of ill-formed UTF-8.
inline constexpr char32_t kInvalidCodePoint = 0x110000;

// Decodes the code point starting at `p` (REQUIRES: p < end). Stores it in
// `*cp` and returns its length in bytes (1 to 4). Overlong forms, surrogates,
// values above U+10FFFF and truncated sequences give kInvalidCodePoint, 1.
inline size_t DecodeUtf8(const unsigned char* p, const unsigned char* end, char32_t* cp) {
  const unsigned char b0 = p[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  const size_t avail = static_cast<size_t>(end - p);
  if (b0 >= 0xE0 && b0 < 0xF0) {
    if (avail >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
      const char32_t c = (static_cast<char32_t>(b0 & 0x0F) << 12) |
                         (static_cast<char32_t>(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
        *cp = c;
        return 3;
      }
    }
  } else if (b0 >= 0xC2 && b0 < 0xE0) {
    if (avail >= 2 && (p[1] & 0xC0) == 0x80) {
      *cp = (static_cast<char32_t>(b0 & 0x1F) << 6) | (p[1] & 0x3F);
      return 2;
    }
  } else if (b0 >= 0xF0 && b0 < 0xF5) {
    if (avail >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80) {
      const char32_t c = (static_cast<char32_t>(b0 & 0x07) << 18) |
                         (static_cast<char32_t>(p[1] & 0x3F) << 12) |
                         (static_cast<char32_t>(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
      if (c >= 0x10000 && c <= 0x10FFFF) {
        *cp = c;
        return 4;
      }
    }
  }
  *cp = kInvalidCodePoint;
  return 1;
}

inline size_t DecodeUtf8(std::string_view s, size_t pos, char32_t* cp) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  return DecodeUtf8(b + pos, b + s.size(), cp);
}

// True when `s` is well-formed UTF-8.
inline bool IsValidUtf8(std::string_view s) {
  char32_t cp;
  for (size_t i = 0; i < s.size();) {
    const size_t n = DecodeUtf8(s, i, &cp);
    if (cp == kInvalidCodePoint) return false;
    i += n;
  }
  return true;
}

// Appends the UTF-8 form of `cp` (a scalar value) to `out`.
inline void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The start of the code point that ends just before `pos` (REQUIRES: pos > 0),
// consistent with DecodeUtf8: stepping back never lands inside a sequence
// that DecodeUtf8 would decode as one code point.
inline size_t PreviousCodePointStart(std::string_view s, size_t pos) {
  const size_t lo = pos >= 4 ? pos - 4 : 0;
  for (size_t start = lo; start < pos; ++start) {
    char32_t cp;
    if (start + DecodeUtf8(s, start, &cp) == pos && cp != kInvalidCodePoint) {
      // A valid sequence ending exactly at pos; prefer the longest (earliest).
      return start;
    }
  }
  return pos - 1;
}

// The value of a Chinese numeral written as a digit (零/〇 0, 一 1, 二/两 2,
// 三 … 九 9); -1 for anything else. Times (三点) and numbers read out digit
// by digit (一三八…) share it.
inline int ChineseNumeralDigit(char32_t c) {
  switch (c) {
    case U'零': case U'〇': return 0;
    case U'一': return 1;
    case U'二': case U'两': return 2;
    case U'三': return 3;
    case U'四': return 4;
    case U'五': return 5;
    case U'六': return 6;
    case U'七': return 7;
    case U'八': return 8;
    case U'九': return 9;
    default: return -1;
  }
}

}  // namespace kefu::text_internal

#endif  // KEFU_SRC_TEXT_UTF8_H_
