// Character folding for the reply checker; see fold.h.
#include "text/fold.h"

#include <mutex>
#include <string_view>


namespace kefu::text_internal {

extern const char kOpenccTsCharacters[];

bool IsNoiseCodePoint(char32_t cp) {
  if (cp < 0x80) {
    const bool alnum = (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
                       (cp >= 'A' && cp <= 'Z');
    return !alnum;
  }
  if (cp < 0xC0) return cp != 0xAA && cp != 0xB5 && cp != 0xBA;  // C1, Latin-1 punct
  if (cp == 0xD7 || cp == 0xF7) return true;                        // × ÷
  if (cp >= 0x300 && cp <= 0x36F) return true;                      // combining marks
  if (cp >= 0x2000 && cp <= 0x206F) return true;  // general punctuation, zero width
  if (cp >= 0x20A0 && cp <= 0x20FF) return true;  // currency, combining for symbols
  if (cp >= 0x2190 && cp <= 0x2BFF) return true;  // arrows ... dingbats, ①
  if (cp >= 0x2E00 && cp <= 0x2E7F) return true;  // supplemental punctuation
  if (cp >= 0x3000 && cp <= 0x303F) {             // CJK punctuation
    return cp != 0x3005 && cp != 0x3006 && cp != 0x3007;  // 々 〆 〇
  }
  if (cp == 0x30FB) return true;                  // ・
  if (cp >= 0xFE00 && cp <= 0xFE1F) return true;  // variation selectors, vertical
  if (cp >= 0xFE30 && cp <= 0xFE6F) return true;  // CJK compatibility forms
  if (cp == 0xFEFF) return true;                  // BOM / zero width no-break
  if (cp >= 0xFF00 && cp <= 0xFF65) {             // full-width punctuation
    const bool alnum = (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
                       (cp >= 0xFF41 && cp <= 0xFF5A);
    return !alnum;
  }
  if (cp >= 0xFFF0 && cp <= 0xFFFD) return true;    // specials
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return true;  // emoji and pictographs
  if (cp >= 0xE0000 && cp <= 0xE01EF) return true;  // tags, variation selectors
  return false;
}

const std::unordered_map<char32_t, char32_t>& TraditionalToSimplifiedMap() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<char32_t, char32_t>();
    const std::string_view text(kOpenccTsCharacters);
    for (size_t at = 0; at < text.size();) {
      size_t nl = text.find('\n', at);
      if (nl == std::string_view::npos) nl = text.size();
      const std::string_view line = text.substr(at, nl - at);
      at = nl + 1;
      if (line.empty() || line[0] == '#') continue;
      const size_t tab = line.find('\t');
      if (tab == std::string_view::npos || tab == 0 || tab + 1 >= line.size()) continue;
      char32_t from, to;
      const size_t n1 = DecodeUtf8(line, 0, &from);
      if (n1 != tab || from == kInvalidCodePoint) continue;  // keys are single characters
      DecodeUtf8(line, tab + 1, &to);
      if (to == kInvalidCodePoint || to == from) continue;
      m->emplace(from, to);
    }
    return m;
  }();
  return *map;
}

Folder::Folder(const Normalization& n) : n_(n) {
  identity_ = !n.fold_width && !n.fold_case && !n.traditional_to_simplified && !n.skip_noise;
  if (identity_) return;
  if (n.traditional_to_simplified) {
    for (size_t i = 0; i < n.keep_traditional.size();) {
      char32_t cp;
      i += DecodeUtf8(n.keep_traditional, i, &cp);
      if (cp != kInvalidCodePoint) keep_.emplace(cp, cp);
    }
  }
  // Tables without exceptions are built once per combination of switches.
  static std::mutex mu;
  static std::shared_ptr<const std::vector<uint16_t>> cache[16];
  const unsigned key = (n.fold_width ? 1u : 0u) | (n.fold_case ? 2u : 0u) |
                       (n.traditional_to_simplified ? 4u : 0u) | (n.skip_noise ? 8u : 0u);
  const bool cacheable = keep_.empty();
  if (cacheable) {
    std::lock_guard<std::mutex> lock(mu);
    if (cache[key] != nullptr) {
      bmp_ = cache[key];
      return;
    }
  }
  auto table = std::make_shared<std::vector<uint16_t>>(0x10000);
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    const char32_t f = Compute(cp);
    if (f == kNoiseChar) {
      (*table)[cp] = kNoiseMark;
    } else if (f >= kEscape) {
      (*table)[cp] = kEscape;
    } else {
      (*table)[cp] = static_cast<uint16_t>(f);
    }
  }
  bmp_ = table;
  if (cacheable) {
    std::lock_guard<std::mutex> lock(mu);
    if (cache[key] == nullptr) cache[key] = bmp_;
  }
}

char32_t Folder::Compute(char32_t cp) const {
  if (cp == kInvalidCodePoint) return cp;
  char32_t f = cp;
  if (n_.fold_width) {
    if (f >= 0xFF01 && f <= 0xFF5E) {
      f -= 0xFEE0;
    } else if (f == 0x3000) {
      f = ' ';
    }
  }
  if (n_.fold_case && f >= 'A' && f <= 'Z') f += 'a' - 'A';
  if (n_.traditional_to_simplified && f >= 0x80 && keep_.count(f) == 0) {
    const auto& map = TraditionalToSimplifiedMap();
    const auto it = map.find(f);
    if (it != map.end()) f = it->second;
  }
  if (n_.skip_noise && IsNoiseCodePoint(f)) return kNoiseChar;
  return f;
}

char32_t Folder::FoldSlow(char32_t cp) const { return Compute(cp); }

}  // namespace kefu::text_internal
