// src/text/fold.h: per-list character folding and noise classes (private).
//
// A Folder is built from a Normalization and maps each code point of a
// text to the code point its phrases are compared with, or to kNoiseChar.
// Thread safety: immutable after construction; const methods are safe from
// any number of threads.
#ifndef KEFU_SRC_TEXT_FOLD_H_
#define KEFU_SRC_TEXT_FOLD_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include <unordered_map>
#include "kefu/text/phrase_matcher.h"
#include "text/utf8.h"

namespace kefu::text_internal {

// The folded value of a noise character (when noise is skipped).
inline constexpr char32_t kNoiseChar = 0x110001;

// True for the characters the matcher may skip between a phrase's
// characters: white space and controls, punctuation and symbols, zero-width
// and format characters, combining marks, variation selectors and emoji.
bool IsNoiseCodePoint(char32_t cp);

// The OpenCC traditional -> simplified character map (first candidate of
// each entry; identity entries are left out), parsed once from the table
// compiled into the library.
const std::unordered_map<char32_t, char32_t>& TraditionalToSimplifiedMap();

enum class CharClass : uint8_t { kOther, kLetter, kDigit };
inline CharClass ClassOf(char32_t folded) {
  if ((folded >= 'a' && folded <= 'z') || (folded >= 'A' && folded <= 'Z')) return CharClass::kLetter;
  if (folded >= '0' && folded <= '9') return CharClass::kDigit;
  return CharClass::kOther;
}

class Folder {
 public:
  explicit Folder(const Normalization& n);

  // The folded form of `cp` (kInvalidCodePoint stays kInvalidCodePoint).
  char32_t Fold(char32_t cp) const {
    if (identity_) return cp;
    if (cp < 0x10000) {
      const uint16_t v = (*bmp_)[cp];
      if (v < kEscape) return v;
      if (v == kNoiseMark) return kNoiseChar;
    }
    return FoldSlow(cp);
  }
  bool identity() const { return identity_; }

 private:
  static constexpr uint16_t kEscape = 0xFFFE;     // look up in the slow path
  static constexpr uint16_t kNoiseMark = 0xFFFF;  // noise
  char32_t Compute(char32_t cp) const;
  char32_t FoldSlow(char32_t cp) const;

  Normalization n_;
  bool identity_ = true;
  // 65536 entries unless identity_; shared by every Folder with the same
  // settings (and no keep_traditional).
  std::shared_ptr<const std::vector<uint16_t>> bmp_;
  std::unordered_map<char32_t, char32_t> keep_;  // exempt from t2s (as a set)
};

}  // namespace kefu::text_internal

#endif  // KEFU_SRC_TEXT_FOLD_H_
