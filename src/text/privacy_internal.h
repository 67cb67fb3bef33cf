// PH-PRIVACY internals shared by privacy.cc and reply_checker.cc: the
// characters that personal data without ASCII digits needs, so that the
// reply checker's one pass over the text can count them for
// FindPersonalData's cheap exit instead of a second scan.
#ifndef KEFU_TEXT_PRIVACY_INTERNAL_H_
#define KEFU_TEXT_PRIVACY_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kefu/text/privacy.h"

namespace kefu::text_internal {

enum class PrivacyChar : uint8_t {
  kNone,
  kNumeral,    // 〇 零 一 幺 二 两 三 … 九 十 百: numbers written in Chinese
  kHouseUnit,  // 号 弄 幢 栋 座 单 层 楼 室 房: parts of an address
};
PrivacyChar PrivacyCharOf(char32_t cp);

struct PrivacyHint {
  size_t numerals = 0;      // kNumeral characters in the text
  // A kHouseUnit character right after a digit or numeral (90号, 三楼).
  bool house_number = false;
};
// True when the character ending at byte `pos` is a digit (ASCII,
// full-width) or a kNumeral.
bool NumberEndsAt(std::string_view text, size_t pos);
// The hint by a scan of the text's characters from U+3000 on.
PrivacyHint ScanPrivacyChars(std::string_view text);

// kefu::FindPersonalData with the hint given (nullptr: scanned when needed).
std::vector<PersonalDataHit> FindPersonalData(std::string_view text,
                                              const PersonalDataOptions& options,
                                              const PrivacyHint* hint);

}  // namespace kefu::text_internal

#endif  // KEFU_TEXT_PRIVACY_INTERNAL_H_
