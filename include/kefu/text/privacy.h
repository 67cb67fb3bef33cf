// kefu/text/privacy.h: finds a customer's personal data in a reply (rule
// PH-PRIVACY): mainland mobile numbers, 18-digit resident ID numbers with a
// valid check digit, bank card numbers that pass the Luhn check, and e-mail
// addresses. What is found is reported masked, never in full.
//
// Digits may be ASCII or full-width and may be split by single spaces,
// hyphens or dots ("138 1234 5678", "138-1234-5678"); a number is only taken
// when it is a whole digit run (not part of a longer number). Invalid UTF-8
// is skipped byte by byte and never read past the end.
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

enum class PersonalDataKind { kMobilePhone, kIdNumber, kBankCard, kEmail };
// "mobile-phone", "id-number", "bank-card", "email".
KEFU_EXPORT std::string_view PersonalDataKindName(PersonalDataKind k);

struct PersonalDataOptions {
  bool mobile_phones = true;
  bool id_numbers = true;
  bool bank_cards = true;
  bool emails = true;
};

struct PersonalDataHit {
  PersonalDataKind kind;
  size_t begin = 0;    // byte offsets into the caller's text
  size_t end = 0;
  std::string masked;  // e.g. "138****5678", "1101**********123X", "z***@example.com"
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
