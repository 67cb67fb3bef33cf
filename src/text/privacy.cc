// Personal data in replies (PH-PRIVACY); see kefu/text/privacy.h.
#include "kefu/text/privacy.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "text/fold.h"
#include "text/privacy_internal.h"
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
    case PersonalDataKind::kLandline:
      return "landline";
    case PersonalDataKind::kAddress:
      return "address";
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

// A digit of a number written digit by digit: ASCII, full-width, or a
// Chinese numeral as numbers are read out (〇/零 0, 一/幺 1, 二/两 2, 三 … 九).
int DigitValue(char32_t cp) {
  if (cp >= '0' && cp <= '9') return static_cast<int>(cp - '0');
  if (cp >= 0xFF10 && cp <= 0xFF19) return static_cast<int>(cp - 0xFF10);
  if (cp == U'幺') return 1;  // 一 as phone numbers are read out
  return text_internal::ChineseNumeralDigit(cp);
}
bool IsAsciiOrWideDigit(char32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}
bool IsCheckX(char32_t cp) { return cp == 'X' || cp == 'x' || cp == 0xFF38 || cp == 0xFF58; }
// What may stand between the digit groups of one number: the noise of the
// phrase lists (spaces, punctuation, symbols, zero-width and format
// characters, variation selectors, emoji: "138 1234 5678", "138-1234-5678",
// "(010)12345678", "138🙂1234🙂5678"), except line breaks and the characters
// that mask digits ("138****6620" is already masked, not a number).
bool IsSeparator(char32_t cp) {
  if (cp == '*' || cp == 0xFF0A || cp == 0x00D7 || cp == 0x2217 || cp == 0x273B ||
      cp == 0x2731 || cp == '\n' || cp == '\r' || cp == '#' || cp == 0xFF03) {
    return false;
  }
  return text_internal::IsNoiseCodePoint(cp);
}
// At most this many separators in a row (an emoji with its variation
// selector and joiners is several code points).
constexpr size_t kMaxSeparatorRun = 8;
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
  // A landline: an area code (0 and two digits for 010 and 02x, 0 and three
  // for the others) and a local number of 7 or 8 digits not starting with
  // 0: "0571-88886666", "(010)12345678". The shop's own 400/800 lines and
  // service numbers (95xxx) start otherwise and stay clean.
  if (o.landlines && n >= 10 && n <= 12 && d[0] == '0' && d[1] != '0') {
    const size_t area = (d[1] == '1' || d[1] == '2') ? 3 : 4;
    const size_t local = n - area;
    if ((local == 7 || local == 8) && d[area] != '0') {
      *kind = PersonalDataKind::kLandline;
      *masked = d.substr(0, area) + Stars(local - 4) + d.substr(n - 4);
      return true;
    }
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
      while (s < n && s - k < kMaxSeparatorRun && IsSeparator(chars[s].cp)) ++s;
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

// Addresses (PH-PRIVACY): a street and a house number, or a chain of
// numbered parts of a house, with the divisions before them:
//   [divisions] [street] chain
// divisions  names ending in 省 市 区 县 镇 乡 村 旗 盟 or 街道 (浙江省杭州市西湖区; 州
//            ends none: 杭州市);
// street     a name of one to four characters and 路, 街, 大道, 巷 or 胡同 (文三路);
// chain      numbered parts, each a number (digits, or Chinese numerals with
//            十/百) and its unit, in the order of the units' ranks: 弄, 号,
//            号楼/幢/栋/座, 单元, 层/楼, 室/房 (90号5幢2单元301室).
// An address is a street followed by a chain, or a chain of two or more
// parts without a street ("3号楼2单元", not "3号" nor "6月3号"). A region
// without a house (浙江省杭州市) is not a customer's address. The masked
// form keeps the names and hides every digit: 文三路**号.

bool IsHan(char32_t cp) { return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF); }

// Characters that end a division's name.
bool IsDivisionSuffix(char32_t cp) {
  switch (cp) {
    case U'省': case U'市': case U'区': case U'县': case U'镇': case U'乡': case U'村':
    case U'旗': case U'盟':
      return true;
    default:
      return false;
  }
}

// Words around an address that are no part of a name: where an address
// begins at the latest (寄到…, 地址是…, 住在…).
bool IsNameStop(char32_t cp) {
  switch (cp) {
    case U'在': case U'是': case U'到': case U'寄': case U'于': case U'往': case U'至':
    case U'的': case U'址': case U'为': case U'送': case U'从': case U'住': case U'及':
    case U'或': case U'您': case U'我': case U'你': case U'他': case U'她': case U'请':
    case U'给': case U'收': case U'填': case U'写': case U'改': case U'去': case U'来':
      return true;
    default:
      return false;
  }
}

bool IsChineseNumberChar(char32_t cp) {
  return (DigitValue(cp) >= 0 && !IsAsciiOrWideDigit(cp) && cp != U'幺') || cp == U'十' ||
         cp == U'百';
}

// A house number at k: ASCII or full-width digits (at most five, optionally
// "-" and more digits: 90-1), or Chinese numerals with 十/百 (at most five
// characters: 九十, 三百零一). Returns the index after it, or k.
size_t ReadHouseNumber(const std::vector<Char>& c, size_t k) {
  const size_t n = c.size();
  size_t e = k;
  if (k < n && IsAsciiOrWideDigit(c[k].cp)) {
    while (e < n && e - k < 6 && IsAsciiOrWideDigit(c[e].cp)) ++e;
    if (e - k > 5) return k;
    if (e + 1 < n && (c[e].cp == '-' || c[e].cp == 0xFF0D) && IsAsciiOrWideDigit(c[e + 1].cp)) {
      size_t f = e + 1;
      while (f < n && f - e <= 4 && IsAsciiOrWideDigit(c[f].cp)) ++f;
      e = f;
    }
    return e;
  }
  while (e < n && e - k < 6 && IsChineseNumberChar(c[e].cp)) ++e;
  if (e - k > 5) return k;
  return e;
}

// The unit at k and its rank (the order of a chain), or -1; *len: its
// characters.
int HouseUnit(const std::vector<Char>& c, size_t k, size_t* len) {
  const size_t n = c.size();
  if (k >= n) return -1;
  const char32_t next = k + 1 < n ? c[k + 1].cp : 0;
  *len = 1;
  switch (c[k].cp) {
    case U'弄':
      return 0;
    case U'号':
      if (next == U'楼') {
        *len = 2;
        return 2;
      }
      // 2号线 (a metro line), 3号色, 5号店 ... are no house numbers.
      switch (next) {
        case U'线': case U'码': case U'色': case U'店': case U'机': case U'位': case U'款':
        case U'字': case U'称':
          return -1;
        default:
          return 1;
      }
    case U'幢': case U'栋': case U'座':
      return 2;
    case U'单':
      if (next != U'元') return -1;
      *len = 2;
      return 3;
    case U'层': case U'楼':
      return 4;
    case U'室': case U'房':
      return 5;
    default:
      return -1;
  }
}

// A street suffix ending just before k: its first index, or k.
size_t StreetSuffixStart(const std::vector<Char>& c, size_t k) {
  if (k >= 1 && (c[k - 1].cp == U'路' || c[k - 1].cp == U'街' || c[k - 1].cp == U'巷')) {
    return k - 1;
  }
  if (k >= 2 && ((c[k - 2].cp == U'大' && c[k - 1].cp == U'道') ||
                 (c[k - 2].cp == U'胡' && c[k - 1].cp == U'同'))) {
    return k - 2;
  }
  return k;
}

// The start of a name ending just before k: back over at most `max` Han
// characters that are no division suffix nor a stop word.
size_t NameStart(const std::vector<Char>& c, size_t k, size_t max) {
  size_t b = k;
  while (b > 0 && k - b < max && IsHan(c[b - 1].cp) && !IsDivisionSuffix(c[b - 1].cp) &&
         !IsNameStop(c[b - 1].cp)) {
    --b;
  }
  return b;
}

void FindAddresses(const std::vector<Char>& c, std::string_view text,
                   std::vector<PersonalDataHit>* out) {
  const size_t n = c.size();
  uint64_t steps = 0;  // work_count.h
  size_t floor = 0;    // the end of the last address: the next begins after it
  for (size_t k = 0; k < n; ++k) {
    ++steps;
    // A chain starts with a number that is not the tail of a longer one.
    if (k > 0 && (DigitValue(c[k - 1].cp) >= 0 || IsChineseNumberChar(c[k - 1].cp) ||
                  IsAsciiAlnum(c[k - 1].cp))) {
      continue;
    }
    // [begin, end) of each part's number; ranks rise, so at most six parts.
    std::pair<size_t, size_t> numbers[6];
    size_t parts = 0;
    size_t e = k;
    int rank = -1;
    while (parts < 6) {
      const size_t num_end = ReadHouseNumber(c, e);
      if (num_end == e) break;
      size_t len = 0;
      const int r = HouseUnit(c, num_end, &len);
      if (r <= rank) break;
      numbers[parts++] = {e, num_end};
      rank = r;
      steps += num_end + len - e;
      e = num_end + len;
    }
    if (parts == 0) continue;
    size_t begin = k;
    const size_t street = StreetSuffixStart(c, k);
    bool has_street = false;
    if (street < k && street > floor) {
      const size_t name = std::max(NameStart(c, street, 4), floor);
      if (name < street) {
        has_street = true;
        begin = name;
      }
    }
    if (!has_street && parts < 2) {
      k = numbers[0].second - 1;  // the number's other characters start nothing
      continue;
    }
    // The divisions before: names ending in a division suffix (or 街道).
    while (begin > floor) {
      size_t suffix = begin - 1;
      if (!IsDivisionSuffix(c[suffix].cp) &&
          !(c[suffix].cp == U'道' && suffix > 0 && c[suffix - 1].cp == U'街')) {
        break;
      }
      if (c[suffix].cp == U'道') --suffix;
      const size_t name = std::max(NameStart(c, suffix, 7), floor);
      if (name >= suffix) break;
      begin = name;
      steps += k - begin;
    }
    PersonalDataHit hit;
    hit.kind = PersonalDataKind::kAddress;
    hit.begin = c[begin].begin;
    hit.end = c[e - 1].end;
    size_t part = 0;
    for (size_t i = begin; i < e; ++i) {
      while (part < parts && numbers[part].second <= i) ++part;
      const bool digit = part < parts && i >= numbers[part].first &&
                         (DigitValue(c[i].cp) >= 0 || IsChineseNumberChar(c[i].cp));
      if (digit) {
        hit.masked += '*';
      } else {
        hit.masked.append(text.substr(c[i].begin, c[i].end - c[i].begin));
      }
    }
    steps += e - begin;
    out->push_back(std::move(hit));
    floor = e;
    k = e - 1;
  }
  text_internal::CountWork(steps);
}

// The '@'s and the ASCII and full-width (EF BC 90..99) digits of `text`,
// counted for the cheap exit of FindPersonalData. One pass, 16 bytes a step with SSE2:
// digits are counted per byte lane and summed at the end (and every 255
// steps, before a lane could overflow); the last bytes are one overlapping
// block whose already-counted lanes are masked off, so that a 128-byte reply
// takes no scalar step but its first two bytes.
struct DigitCount {
  size_t digits = 0;
  bool at = false;
};
DigitCount CountDigits(std::string_view text) {
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
    return DigitCount{digits, at};
  }
#endif
  for (; i < n; ++i) {
    const unsigned c = t[i];
    digits += (c - unsigned{'0'} <= 9u || (b2 == 0xEF && b1 == 0xBC && c - 0x90u <= 9u)) ? 1 : 0;
    at |= c == '@';
    b2 = b1;
    b1 = c;
  }
  return DigitCount{digits, at};
}

}  // namespace

namespace text_internal {

PrivacyChar PrivacyCharOf(char32_t cp) {
  if (cp < 0x3007) return PrivacyChar::kNone;
  if (cp == U'十' || cp == U'百' || (DigitValue(cp) >= 0 && !IsAsciiOrWideDigit(cp))) {
    return PrivacyChar::kNumeral;
  }
  switch (cp) {
    case U'号': case U'弄': case U'幢': case U'栋': case U'座': case U'单': case U'层':
    case U'楼': case U'室': case U'房':
      return PrivacyChar::kHouseUnit;
    default:
      return PrivacyChar::kNone;
  }
}

bool NumberEndsAt(std::string_view text, size_t pos) {
  if (pos == 0) return false;
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  if (t[pos - 1] >= '0' && t[pos - 1] <= '9') return true;
  if (pos < 3) return false;
  char32_t cp;
  if (DecodeUtf8(text, pos - 3, &cp) != 3) return false;
  return IsAsciiOrWideDigit(cp) || PrivacyCharOf(cp) == PrivacyChar::kNumeral;
}

PrivacyHint ScanPrivacyChars(std::string_view text) {
  PrivacyHint h;
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  for (size_t p = 0; p < text.size();) {
    if (t[p] < 0xE3) {  // no numeral nor unit starts below U+3000
      ++p;
      continue;
    }
    char32_t cp;
    const size_t at = p;
    p += DecodeUtf8(text, p, &cp);
    const PrivacyChar c = PrivacyCharOf(cp);
    h.numerals += c == PrivacyChar::kNumeral ? 1 : 0;
    h.house_number |= c == PrivacyChar::kHouseUnit && NumberEndsAt(text, at);
  }
  return h;
}

std::vector<PersonalDataHit> FindPersonalData(std::string_view text,
                                              const PersonalDataOptions& options,
                                              const PrivacyHint* hint) {
  std::vector<PersonalDataHit> out;
  // Cheap exit. Every number sought has at least 10 digits (a landline;
  // mobiles 11), digits or Chinese numerals; an e-mail address has an '@';
  // an address a unit of a house (号, 室 ...) right after a number. The
  // digits and '@' are counted first (SSE2); numerals and units only when
  // they decide, from the caller's hint or by a scan of the CJK characters.
  const DigitCount d = CountDigits(text);
  const bool digits_decide = d.digits >= 10 || (d.at && options.emails);
  if (!digits_decide) {
    const PrivacyHint h = hint != nullptr ? *hint : ScanPrivacyChars(text);
    const size_t all = d.digits + h.numerals;
    if (all < 10 && !(h.house_number && options.addresses)) return out;
  }
  std::vector<Char> chars;
  chars.reserve(text.size() / 2 + 1);
  for (size_t p = 0; p < text.size();) {
    char32_t cp;
    const size_t len = DecodeUtf8(text, p, &cp);
    chars.push_back(Char{p, p + len, cp});
    p += len;
  }
  std::vector<PersonalDataHit> emails, addresses;
  if (options.emails) FindEmails(chars, text, &emails);
  FindNumbers(chars, options, emails, &out);
  if (options.addresses) FindAddresses(chars, text, &addresses);
  text_internal::CountWork(chars.size());
  if (emails.empty() && addresses.empty()) return out;
  // Each list is in order of position: merged in linear time; a hit that
  // overlaps one before it (a number inside an address) is dropped.
  const auto before = [](const PersonalDataHit& a, const PersonalDataHit& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  };
  std::vector<PersonalDataHit> merged;
  merged.reserve(out.size() + emails.size());
  std::merge(std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()),
             std::make_move_iterator(emails.begin()), std::make_move_iterator(emails.end()),
             std::back_inserter(merged), before);
  out.clear();
  out.reserve(merged.size() + addresses.size());
  std::merge(std::make_move_iterator(merged.begin()), std::make_move_iterator(merged.end()),
             std::make_move_iterator(addresses.begin()), std::make_move_iterator(addresses.end()),
             std::back_inserter(out), before);
  size_t kept = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (kept > 0 && out[i].begin < out[kept - 1].end) continue;
    if (kept != i) out[kept] = std::move(out[i]);
    ++kept;
  }
  out.resize(kept);
  text_internal::CountWork(2 * out.size());
  return out;
}

}  // namespace text_internal

std::vector<PersonalDataHit> FindPersonalData(std::string_view text,
                                              const PersonalDataOptions& options) {
  return text_internal::FindPersonalData(text, options, nullptr);
}

}  // namespace kefu
