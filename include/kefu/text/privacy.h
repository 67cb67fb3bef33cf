// kefu/text/privacy.h: finds a customer's personal data in a reply (rule
// PH-PRIVACY): mainland mobile numbers, landline numbers (an area code and
// 7 or 8 digits: 0571-88886666, (010)12345678), 18-digit resident ID
// numbers with a valid check digit, bank card numbers that pass the Luhn
// check, e-mail addresses, and postal addresses down to a house (a street
// and a house number, or numbered parts of a house: 文三路90号,
// 浙江省杭州市西湖区文三路90号5幢2单元301室, 3号楼2单元; a region without a
// house is none). What is found is reported masked, never in full.
//
// Digits may be ASCII, full-width or Chinese numerals read out digit by
// digit (一三八…, 幺三八…, 〇/零 for 0, 两 for 2), and the groups of one
// number may be split by up to 8 separators in a row: spaces, punctuation,
// symbols, zero-width characters, emoji ("138 1234 5678", "138-1234-5678",
// "138🙂1234🙂5678"), but not a line break nor a masking character (*, ＊,
// ×, #): "138****6620" is masked already and stays clean. A number is only
// taken when it is a whole digit run (not part of a longer number). The
// shop's own 400/800 lines and 95xxx service numbers are none of the
// kinds. Invalid UTF-8 is skipped byte by byte and never read past the end.
//
// Thread safety: pure functions over values; safe from any thread.
#ifndef KEFU_TEXT_PRIVACY_H_
#define KEFU_TEXT_PRIVACY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kefu/core/export.h"

namespace kefu {

enum class PersonalDataKind { kMobilePhone, kIdNumber, kBankCard, kEmail, kLandline, kAddress };
// "mobile-phone", "id-number", "bank-card", "email", "landline", "address".
KEFU_EXPORT std::string_view PersonalDataKindName(PersonalDataKind k);

struct PersonalDataOptions {
  bool mobile_phones = true;
  bool id_numbers = true;
  bool bank_cards = true;
  bool emails = true;
  bool landlines = true;
  bool addresses = true;
};

struct PersonalDataHit {
  PersonalDataKind kind;
  size_t begin = 0;    // byte offsets into the caller's text
  size_t end = 0;
  // e.g. "138****5678", "1101**********123X", "z***@example.com",
  // "0571****6666", "文三路**号*幢*单元***室"
  std::string masked;
};

// The personal data in `text`, in order of position.
KEFU_EXPORT std::vector<PersonalDataHit> FindPersonalData(
    std::string_view text, const PersonalDataOptions& options = {});

// True when `digits` (ASCII digits only) passes the Luhn check.
KEFU_EXPORT bool PassesLuhn(std::string_view digits);
// True when `id` is 17 ASCII digits followed by the GB 11643 check
// character (a digit or 'X'/'x') that matches them.
KEFU_EXPORT bool IsValidResidentId(std::string_view id);

}  // namespace kefu

#endif  // KEFU_TEXT_PRIVACY_H_
