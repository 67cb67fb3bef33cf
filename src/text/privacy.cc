// Personal data in replies (PH-PRIVACY); see kefu/text/privacy.h.
#include "kefu/text/privacy.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "text/utf8.h"
#include "text/work_count.h"

namespace kefu {

using text_internal::DecodeUtf8;

std::string_view PersonalDataKindName(PersonalDataKind k) {
  switch (k) {
    case PersonalDataKind::kMobilePhone:
      return "mobile-phone";
    case PersonalDataKind::kIdNumber:
      return "id-number";
    case PersonalDataKind::kBankCard:
      return "bank-card";
    case PersonalDataKind::kEmail:
      return "email";
  }
  return "unknown";
}

bool PassesLuhn(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool dbl = false;
  for (size_t i = digits.size(); i-- > 0;) {
    const char c = digits[i];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool IsValidResidentId(std::string_view id) {
  if (id.size() != 18) return false;
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    const char c = id[static_cast<size_t>(i)];
    if (c < '0' || c > '9') return false;
    sum += (c - '0') * kWeights[i];
  }
  char last = id[17];
  if (last == 'x') last = 'X';
  return kCheck[sum % 11] == last;
}

namespace {

// A character of the text, decoded.
struct Char {
  size_t begin;
  size_t end;
  char32_t cp;
};

int DigitValue(char32_t cp) {
  if (cp >= '0' && cp <= '9') return static_cast<int>(cp - '0');
  if (cp >= 0xFF10 && cp <= 0xFF19) return static_cast<int>(cp - 0xFF10);
  return -1;
}
bool IsCheckX(char32_t cp) { return cp == 'X' || cp == 'x' || cp == 0xFF38 || cp == 0xFF58; }
bool IsSeparator(char32_t cp) {
  return cp == ' ' || cp == '-' || cp == '.' || cp == 0x3000 || cp == 0xFF0D ||
         cp == 0x2014 || cp == 0x2013 || cp == 0x200B || cp == 0x00A0 || cp == 0xFF0E;
}
bool IsAsciiAlnum(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}
bool IsEmailLocal(char32_t cp) {
  return IsAsciiAlnum(cp) || cp == '.' || cp == '_' || cp == '%' || cp == '+' || cp == '-';
}
bool IsDomainChar(char32_t cp) { return IsAsciiAlnum(cp) || cp == '-' || cp == '.'; }

// A group of consecutive digits (the last may be an ID's X).
struct Group {
  size_t first_char;  // index into chars
  size_t last_char;   // inclusive
  std::string digits;
};

std::string Stars(size_t n) { return std::string(n, '*'); }

void FindEmails(const std::vector<Char>& chars, std::string_view text,
                std::vector<PersonalDataHit>* out) {
  for (size_t i = 0; i < chars.size(); ++i) {
    if (chars[i].cp != '@') continue;
    size_t l = i;
    while (l > 0 && IsEmailLocal(chars[l - 1].cp)) --l;
    while (l < i && chars[l].cp == '.') ++l;
    if (l == i) continue;
    size_t r = i + 1;
    while (r < chars.size() && IsDomainChar(chars[r].cp)) ++r;
    while (r > i + 1 && (chars[r - 1].cp == '.' || chars[r - 1].cp == '-')) --r;
    // The domain needs a dot and a top-level label of two or more letters.
    size_t last_dot = r;
    for (size_t k = i + 1; k < r; ++k) {
      if (chars[k].cp == '.') last_dot = k;
    }
    if (last_dot == r || last_dot == i + 1 || r - last_dot - 1 < 2) continue;
    bool tld_ok = true;
    for (size_t k = last_dot + 1; k < r; ++k) {
      const char32_t c = chars[k].cp;
      tld_ok = tld_ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    }
    if (!tld_ok) continue;
    PersonalDataHit hit;
    hit.kind = PersonalDataKind::kEmail;
    hit.begin = chars[l].begin;
    hit.end = chars[r - 1].end;
    hit.masked.assign(text.substr(chars[l].begin, chars[l].end - chars[l].begin));
    hit.masked += "***";
    hit.masked.append(text.substr(chars[i].begin, chars[r - 1].end - chars[i].begin));
    out->push_back(std::move(hit));
    i = r - 1;
  }
}

// Classifies the digits of groups [a, b]; returns false when they are no
// personal data.
bool Classify(const std::string& d, const PersonalDataOptions& o, PersonalDataKind* kind,
              std::string* masked) {
  const size_t n = d.size();
  const bool has_x = n > 0 && (d.back() == 'X');
  if (n == 18 && o.id_numbers && IsValidResidentId(d)) {
    *kind = PersonalDataKind::kIdNumber;
    *masked = d.substr(0, 3) + Stars(11) + d.substr(14);
    return true;
  }
  if (has_x) return false;
  if (n >= 16 && n <= 19 && o.bank_cards && PassesLuhn(d)) {
    *kind = PersonalDataKind::kBankCard;
    *masked = d.substr(0, 4) + Stars(n - 8) + d.substr(n - 4);
    return true;
  }
  if (o.mobile_phones) {
    if (n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9') {
      *kind = PersonalDataKind::kMobilePhone;
      *masked = d.substr(0, 3) + Stars(4) + d.substr(7);
      return true;
    }
    if (n == 13 && d[0] == '8' && d[1] == '6' && d[2] == '1' && d[3] >= '3' && d[3] <= '9') {
      *kind = PersonalDataKind::kMobilePhone;
      *masked = "86" + d.substr(2, 3) + Stars(4) + d.substr(9);
      return true;
    }
  }
  return false;
}

void FindNumbers(const std::vector<Char>& chars, const PersonalDataOptions& o,
                 const std::vector<PersonalDataHit>& emails, std::vector<PersonalDataHit>* out) {
  size_t i = 0;
  const size_t n = chars.size();
  size_t next_email = 0;  // the first email that may overlap a hit from here
  uint64_t steps = 0;     // work_count.h
  while (i < n) {
    ++steps;
    if (DigitValue(chars[i].cp) < 0) {
      ++i;
      continue;
    }
    // A run: groups of digits joined by at most three separator characters,
    // starting where the previous character is not a letter or digit.
    std::vector<Group> groups;
    size_t k = i;
    while (true) {
      Group g{k, k, {}};
      while (k < n && DigitValue(chars[k].cp) >= 0) {
        g.digits.push_back(static_cast<char>('0' + DigitValue(chars[k].cp)));
        g.last_char = k++;
      }
      if (k < n && IsCheckX(chars[k].cp) && g.digits.size() >= 1 &&
          (k + 1 >= n || !IsAsciiAlnum(chars[k + 1].cp))) {
        g.digits.push_back('X');
        g.last_char = k++;
      }
      groups.push_back(std::move(g));
      if (groups.back().digits.back() == 'X') break;
      size_t s = k;
      while (s < n && s - k < 3 && IsSeparator(chars[s].cp)) ++s;
      if (s == k || s >= n || DigitValue(chars[s].cp) < 0) break;
      k = s;
    }
    const size_t run_end = k;  // first char index after the run
    // Digits glued to letters ("A13812345678", "IMEI...") are not taken.
    const bool glued_before = i > 0 && IsAsciiAlnum(chars[i - 1].cp);
    const bool glued_after = run_end < n && IsAsciiAlnum(chars[run_end].cp);
    // Leftmost-longest over whole groups.
    size_t a = 0;
    while (a < groups.size()) {
      bool found = false;
      std::string digits;
      size_t best_b = 0;
      PersonalDataKind best_kind{};
      std::string best_mask;
      for (size_t b = a; b < groups.size(); ++b) {
        digits += groups[b].digits;
        if (digits.size() > 19) break;
        if (a == 0 && glued_before) break;
        if (b + 1 == groups.size() && glued_after) break;
        PersonalDataKind kind;
        std::string masked;
        if (Classify(digits, o, &kind, &masked)) {
          found = true;
          best_b = b;
          best_kind = kind;
          best_mask = std::move(masked);
        }
      }
      if (!found) {
        ++a;
        continue;
      }
      PersonalDataHit hit;
      hit.kind = best_kind;
      size_t first = groups[a].first_char;
      if (first > 0 && chars[first - 1].cp == '+' && best_kind == PersonalDataKind::kMobilePhone &&
          best_mask.compare(0, 2, "86") == 0) {
        --first;
        best_mask.insert(0, "+");
      }
      hit.begin = chars[first].begin;
      hit.end = chars[groups[best_b].last_char].end;
      hit.masked = std::move(best_mask);
      // Emails are in order and do not overlap: those ending at or before
      // this hit end before every later one too.
      while (next_email < emails.size() && emails[next_email].end <= hit.begin) {
        ++next_email;
        ++steps;
      }
      const bool inside_email =
          next_email < emails.size() && emails[next_email].begin < hit.end;
      if (!inside_email) out->push_back(std::move(hit));
      a = best_b + 1;
    }
    i = std::max(run_end, i + 1);
  }
  text_internal::CountWork(steps);
}

// The number of set bits in a 16-bit mask (no popcnt instruction needed).
// Cheap exit: false when `text` has no '@' and fewer than 11 digits (ASCII,
// or full-width EF BC 90..99), so that it cannot hold anything sought (every
// number sought has at least 11 digits). One pass, 16 bytes a step with SSE2:
// digits are counted per byte lane and summed at the end (and every 255
// steps, before a lane could overflow); the last bytes are one overlapping
// block whose already-counted lanes are masked off, so that a 128-byte reply
// takes no scalar step but its first two bytes.
bool MayHoldPersonalData(std::string_view text) {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t digits = 0;
  bool at = false;
  size_t i = 0;
  // Byte i counts as a full-width digit's last byte when bytes i-2, i-1 are
  // EF BC; `b1`, `b2` carry the two bytes before the block.
  unsigned b2 = 0, b1 = 0;
#if defined(__SSE2__)
  if (n >= 18) {
    // The first two bytes cannot end a full-width digit.
    for (; i < 2; ++i) {
      digits += (t[i] - unsigned{'0'} <= 9u) ? 1 : 0;
      at |= t[i] == '@';
    }
    const __m128i zero = _mm_setzero_si128();
    const __m128i d0 = _mm_set1_epi8('0');
    const __m128i nine = _mm_set1_epi8(9);
    const __m128i fw0 = _mm_set1_epi8(static_cast<char>(0x90));
    const __m128i ef = _mm_set1_epi8(static_cast<char>(0xEF));
    const __m128i bc = _mm_set1_epi8(static_cast<char>(0xBC));
    const __m128i ats = _mm_set1_epi8('@');
    // Lanes k >= s of kKeep + 16 - s are all ones.
    alignas(16) static constexpr unsigned char kKeep[32] = {
        0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    __m128i counts = zero;  // per lane: digits seen, negated (0 - count)
    __m128i sums = zero;    // two 64-bit sums of flushed counts
    __m128i at_any = zero;
    unsigned steps = 0;
    const auto block = [&](size_t from, __m128i keep) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + from));
      const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + from - 1));
      const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + from - 2));
      const __m128i d = _mm_sub_epi8(v, d0);
      const __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
      const __m128i f = _mm_sub_epi8(v, fw0);
      const __m128i is_fw = _mm_and_si128(
          _mm_cmpeq_epi8(_mm_min_epu8(f, nine), f),
          _mm_and_si128(_mm_cmpeq_epi8(v1, bc), _mm_cmpeq_epi8(v2, ef)));
      counts = _mm_add_epi8(counts, _mm_and_si128(_mm_or_si128(is_digit, is_fw), keep));
      at_any = _mm_or_si128(at_any, _mm_and_si128(_mm_cmpeq_epi8(v, ats), keep));
      if (++steps == 255) {
        // Negated counts of at most 255 steps: 0 - count, as a byte.
        sums = _mm_add_epi64(sums, _mm_sad_epu8(_mm_sub_epi8(zero, counts), zero));
        counts = zero;
        steps = 0;
      }
    };
    const __m128i all = _mm_set1_epi8(static_cast<char>(0xFF));
    for (; i + 16 <= n; i += 16) block(i, all);
    if (i < n) {
      const size_t s = i - (n - 16);  // lanes already counted
      block(n - 16, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kKeep + 16 - s)));
    }
    sums = _mm_add_epi64(sums, _mm_sad_epu8(_mm_sub_epi8(zero, counts), zero));
    alignas(16) uint64_t halves[2];
    _mm_store_si128(reinterpret_cast<__m128i*>(halves), sums);
    digits += static_cast<size_t>(halves[0] + halves[1]);
    at |= _mm_movemask_epi8(at_any) != 0;
    return at || digits >= 11;
  }
#endif
  for (; i < n; ++i) {
    const unsigned c = t[i];
    digits += (c - unsigned{'0'} <= 9u || (b2 == 0xEF && b1 == 0xBC && c - 0x90u <= 9u)) ? 1 : 0;
    at |= c == '@';
    b2 = b1;
    b1 = c;
  }
  return at || digits >= 11;
}

}  // namespace

std::vector<PersonalDataHit> FindPersonalData(std::string_view text,
                                              const PersonalDataOptions& options) {
  std::vector<PersonalDataHit> out;
  // Cheap exit: nothing to find without a digit or an '@'.
  // Every number sought has at least 11 digits. (Full-width digits are
  // EF BC 90..99.)
  // A branch-free first pass (it vectorizes); full-width digits only when
  // an EF byte was seen.
  if (!MayHoldPersonalData(text)) return out;
  std::vector<Char> chars;
  chars.reserve(text.size() / 2 + 1);
  for (size_t p = 0; p < text.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(text, p, &cp);
    chars.push_back(Char{p, p + len, cp});
    p += len;
  }
  std::vector<PersonalDataHit> emails;
  if (options.emails) FindEmails(chars, text, &emails);
  FindNumbers(chars, options, emails, &out);
  text_internal::CountWork(chars.size());
  if (emails.empty()) return out;
  // Both are in order of position: merged in linear time.
  std::vector<PersonalDataHit> merged;
  merged.reserve(out.size() + emails.size());
  std::merge(std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()),
             std::make_move_iterator(emails.begin()), std::make_move_iterator(emails.end()),
             std::back_inserter(merged), [](const PersonalDataHit& a, const PersonalDataHit& b) {
               return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
             });
  text_internal::CountWork(merged.size());
  return merged;
}

}  // namespace kefu
