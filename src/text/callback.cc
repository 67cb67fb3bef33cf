// PH-CALLBACK, the text side: deferral markers and definite times; see
// kefu/text/callback.h for the grammar.
#include "kefu/text/callback.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "text/callback_internal.h"
#include "text/fold.h"
#include "text/utf8.h"

namespace kefu {

absl::Status CallbackRule::Validate() const {
  if (!enabled) return absl::OkStatus();
  const bool grammar = !later_words.empty() && !reply_verbs.empty();
  if (!grammar && check_verbs.empty() && deferral_markers.empty()) {
    return absl::InvalidArgumentError(
        "PH-CALLBACK: no deferral grammar words and no deferral markers");
  }
  for (const auto* words : {&later_words, &reply_verbs, &check_verbs, &deferral_markers}) {
    for (const std::string& m : *words) {
      if (m.empty() || !text_internal::IsValidUtf8(m)) {
        return absl::InvalidArgumentError(
            "PH-CALLBACK: a deferral word or marker is empty or not valid UTF-8");
      }
    }
  }
  if (call_back_within < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("PH-CALLBACK: call_back_within must not be negative");
  }
  return absl::OkStatus();
}

namespace text_internal {

namespace {

// The folding of the grammar's words and of the text around an anchor:
// the default Normalization (the anchors' own).
const Folder& DeferralFolder() {
  static const Folder* f = new Folder(Normalization{});
  return *f;
}

std::u32string FoldWord(std::string_view w) {
  std::u32string out;
  for (size_t i = 0; i < w.size();) {
    char32_t cp;
    i += DecodeUtf8(w, i, &cp);
    const char32_t f = DeferralFolder().Fold(cp);
    if (f != kNoiseChar) out.push_back(f);
  }
  return out;
}

}  // namespace

// Words of the grammar with a 64-bit filter of their first and last
// characters, so that most tries are one test.
WordSet::WordSet(std::vector<std::u32string> w) : words(std::move(w)) {
  for (uint32_t i = 0; i < words.size(); ++i) {
    const std::u32string& x = words[i];
    if (x.empty()) continue;
    first_bits |= uint64_t{1} << (x.front() & 63);
    last_bits |= uint64_t{1} << (x.back() & 63);
    by_first.emplace_back(x.front(), i);
    by_last.emplace_back(x.back(), i);
  }
  std::sort(by_first.begin(), by_first.end());
  std::sort(by_last.begin(), by_last.end());
}

namespace {

// The grammar's function words (folded = as written: all simplified).
const WordSet& Fillers() {
  static const auto* v = new WordSet(std::vector<std::u32string>{
      U"给", U"您", U"你", U"跟", U"向", U"为", U"再", U"就", U"会", U"尽快", U"马上",
      U"立即", U"第一时间", U"我", U"我们", U"这边", U"统一", U"及时", U"帮您", U"和"});
  return *v;
}
const WordSet& CheckPrefixes() {
  static const auto* v = new WordSet(std::vector<std::u32string>{
      U"帮您", U"给您", U"为您", U"替您", U"帮你", U"给你", U"我去", U"我先", U"我再",
      U"去", U"先", U"再", U"还在", U"正在", U"等我", U"这边"});
  return *v;
}
const WordSet& CheckSuffixes() {
  static const auto* v = new WordSet(std::vector<std::u32string>{U"一下子", U"一下", U"看看"});
  return *v;
}
// Words in which 前, 后 or 内 is no later word.
const WordSet& NotLater() {
  static const auto* v = new WordSet(std::vector<std::u32string>{
      U"目前", U"提前", U"当前", U"眼前", U"面前", U"事前", U"最后", U"背后", U"身后",
      U"售后", U"国内", U"省内", U"市内", U"室内", U"店内", U"包内", U"盒内"});
  return *v;
}
// Before a check verb: the agent asks the customer something (我想问一下,
// 顺便问一下), not a check put off.
const WordSet& Asking() {
  static const auto* v = new WordSet(std::vector<std::u32string>{U"想", U"顺便", U"请", U"麻烦"});
  return *v;
}
const WordSet& UsWords() {
  static const auto* v = new WordSet(std::vector<std::u32string>{U"我", U"我们", U"客服", U"本店", U"店家", U"卖家"});
  return *v;
}

// Characters near an anchor: folded, noise skipped (at most max_noise_run
// in a row), stopping at a sentence's end or an ill-formed byte.
struct Near {
  char32_t f;
  size_t begin, end;  // bytes
};
bool EndsSentence(char32_t cp) {
  return cp == U'。' || cp == U'！' || cp == U'？' || cp == '!' || cp == '?' || cp == U'；' ||
         cp == ';' || cp == '\n' || cp == U'…';
}
constexpr size_t kNear = 12;
// The characters near an anchor, read lazily (most anchors are decided by
// the character or two next to them) and kept on the stack: Confirm runs
// for every anchor, clean replies too. Backwards from `pos` (`back`) or
// forwards, at most `limit`.
class Nears {
 public:
  Nears(std::string_view text, size_t pos, bool back, size_t limit)
      : text_(text), pos_(pos), back_(back), limit_(limit) {}
  // True when there is a k-th character (0: the nearest).
  bool Has(size_t k) {
    while (n_ <= k && !done_) Step();
    return k < n_;
  }
  const Near& operator[](size_t k) const { return v_[k]; }

 private:
  void Step() {
    if (n_ >= limit_ || (back_ ? pos_ == 0 : pos_ >= text_.size())) {
      done_ = true;
      return;
    }
    char32_t cp;
    size_t q, len;
    if (back_) {
      // The lead byte is at most three continuation bytes back; an
      // ill-formed tail takes the careful way.
      q = pos_ - 1;
      const auto* t = reinterpret_cast<const unsigned char*>(text_.data());
      for (int c = 0; q > 0 && c < 3 && (t[q] & 0xC0) == 0x80; ++c) --q;
      len = DecodeUtf8(text_, q, &cp);
      if (q + len != pos_ || cp == kInvalidCodePoint) {
        q = PreviousCodePointStart(text_, pos_);
        len = DecodeUtf8(text_, q, &cp);
      }
    } else {
      q = pos_;
      len = DecodeUtf8(text_, q, &cp);
    }
    const char32_t f = DeferralFolder().Fold(cp);
    if (f == kInvalidCodePoint || EndsSentence(cp)) {
      done_ = true;
      return;
    }
    pos_ = back_ ? q : q + len;
    if (f == kNoiseChar) {
      if (++noise_ > 8) done_ = true;
      return;
    }
    noise_ = 0;
    v_[n_++] = Near{f, q, q + len};
  }

  std::string_view text_;
  size_t pos_;
  bool back_;
  size_t limit_;
  Near v_[kNear];
  size_t n_ = 0;
  int noise_ = 0;
  bool done_ = false;
};
// The length of the longest of `words` that ends at before[k] (its last
// character) and runs backwards, or 0.
size_t EndingAt(Nears& before, size_t k, const WordSet& set) {
  if (!before.Has(k) || ((set.last_bits >> (before[k].f & 63)) & 1) == 0) return 0;
  size_t best = 0;
  const auto range = std::equal_range(set.by_last.begin(), set.by_last.end(),
                                      std::make_pair(before[k].f, uint32_t{0}),
                                      [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto it = range.first; it != range.second; ++it) {
    const std::u32string& w = set.words[it->second];
    if (w.size() <= best || !before.Has(k + w.size() - 1)) continue;
    bool ok = true;
    for (size_t j = 0; j < w.size() && ok; ++j) ok = before[k + j].f == w[w.size() - 1 - j];
    if (ok) best = w.size();
  }
  return best;
}
// The length of the longest of `words` starting at after[0], or 0.
size_t StartingAt(Nears& after, const WordSet& set, size_t from = 0) {
  if (!after.Has(from) || ((set.first_bits >> (after[from].f & 63)) & 1) == 0) return 0;
  size_t best = 0;
  const auto range = std::equal_range(set.by_first.begin(), set.by_first.end(),
                                      std::make_pair(after[from].f, uint32_t{0}),
                                      [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto it = range.first; it != range.second; ++it) {
    const std::u32string& w = set.words[it->second];
    if (w.size() <= best || !after.Has(from + w.size() - 1)) continue;
    bool ok = true;
    for (size_t j = 0; j < w.size() && ok; ++j) ok = after[from + j].f == w[j];
    if (ok) best = w.size();
  }
  return best;
}
bool Is(Nears& v, size_t k, char32_t c) { return v.Has(k) && v[k].f == c; }
// The customer, not the agent, acts: before[k] (the character before the
// deferral) is 请, or 您/你 not after 帮/给/为/替/跟/向/和, or ends 麻烦.
bool CustomerActs(Nears& before, size_t k) {
  if (Is(before, k, U'请')) return true;
  if (Is(before, k, U'您') || Is(before, k, U'你')) {
    if (!before.Has(k + 1)) return true;
    const char32_t p = before[k + 1].f;
    return !(p == U'帮' || p == U'给' || p == U'为' || p == U'替' || p == U'跟' || p == U'向' ||
             p == U'和');
  }
  static const WordSet* kAsk = new WordSet({U"麻烦"});
  return EndingAt(before, k, *kAsk) != 0;
}

}  // namespace

absl::StatusOr<Deferrals> Deferrals::Compile(const CallbackRule& rule) {
  PhraseList list;
  list.name = "PH-CALLBACK deferrals";
  // The default normalization: traditional folded, noise skipped.
  const auto add = [&list](const std::vector<std::string>& words) {
    for (const std::string& m : words) {
      PhraseEntry e;
      e.phrase = m;
      e.rule_id = std::string(CallbackRule::kRule);
      list.entries.push_back(std::move(e));
    }
  };
  const bool grammar = !rule.later_words.empty();
  if (grammar) add(rule.reply_verbs);
  const size_t reply_verbs = list.entries.size();
  add(rule.check_verbs);
  const size_t check_verbs = list.entries.size();
  add(rule.deferral_markers);
  auto m = PhraseMatcher::Compile(std::move(list));
  if (!m.ok()) return m.status();
  Deferrals d(*std::move(m));
  d.reply_verbs_ = reply_verbs;
  d.check_verbs_ = check_verbs;
  std::vector<std::u32string> later;
  for (const std::string& w : rule.later_words) later.push_back(FoldWord(w));
  d.later_ = WordSet(std::move(later));
  return d;
}

std::optional<TextSpan> Deferrals::Confirm(std::string_view reply, const PhraseMatch& h) const {
  if (h.entry >= check_verbs_) return TextSpan{h.begin, h.end};  // a literal marker
  Nears before(reply, h.begin, /*back=*/true, kNear);
  Nears after(reply, h.end, /*back=*/false, 4);
  if (h.entry < reply_verbs_) {
    // LATER [FILLER]… REPLY-VERB, the customer not the one who answers.
    if (StartingAt(after, UsWords()) != 0) return std::nullopt;
    // Back from the verb over later words and fillers (at most four); the
    // deferral starts at the earliest later word (晚一点再跟您联系). A 前,
    // 后 or 内 that ends a word of place or manner (目前, 提前, 最后, 售后,
    // 国内 …) is no later word.
    size_t k = 0, start = 0;  // start: characters of `before` in the deferral
    for (int fillers = 0;;) {
      size_t later = EndingAt(before, k, later_);
      if (later != 0 && EndingAt(before, k, NotLater()) > later) later = 0;
      if (later != 0) {
        k += later;
        start = k;
        continue;
      }
      const size_t filler = fillers < 4 ? EndingAt(before, k, Fillers()) : 0;
      if (filler == 0) break;
      k += filler;
      ++fillers;
    }
    if (start == 0 || CustomerActs(before, start)) return std::nullopt;
    return TextSpan{before[start - 1].begin, h.end};
  }
  // A check verb asked of the agent and not yet done.
  static const WordSet* done = new WordSet({U"过", U"了", U"完", U"好", U"到"});
  static const WordSet* already = new WordSet({U"已", U"已经", U"刚", U"刚刚"});
  const WordSet& kDone = *done;
  const WordSet& kAlready = *already;
  if (StartingAt(after, kDone) != 0 || EndingAt(before, 0, kAlready) != 0) return std::nullopt;
  if (StartingAt(after, UsWords()) != 0) return std::nullopt;  // 再问我: the customer asks
  const size_t prefix = EndingAt(before, 0, CheckPrefixes());
  if (prefix == 0 && (CustomerActs(before, 0) || EndingAt(before, 0, Asking()) != 0)) {
    return std::nullopt;
  }
  if (prefix != 0 && EndingAt(before, prefix, kAlready) != 0) return std::nullopt;
  const size_t suffix = StartingAt(after, CheckSuffixes());
  if (prefix == 0 && suffix == 0) return std::nullopt;
  return TextSpan{prefix != 0 ? before[prefix - 1].begin : h.begin,
                  suffix != 0 ? after[suffix - 1].end : h.end};
}

std::optional<TextSpan> Deferrals::FindFirst(std::string_view reply) const {
  std::vector<PhraseMatch> hits;
  anchors_.FindAll(reply, &hits);
  for (const PhraseMatch& h : hits) {
    if (std::optional<TextSpan> d = Confirm(reply, h)) return d;
  }
  return std::nullopt;
}

namespace {

// The reply as code points with their byte offsets; ill-formed bytes become
// kInvalidCodePoint, which no rule of the grammar accepts.
// Characters are folded (full-width to ASCII, traditional to simplified:
// 30分鐘內 reads as 30分钟内), and spaces and zero-width characters are
// dropped (30 分钟 内); offsets stay those of the reply.
struct Chars {
  std::vector<char32_t> cp;
  std::vector<size_t> at;   // at[k]: byte offset of cp[k]; at[size]: the end
  std::vector<size_t> ends; // ends[k]: byte offset after cp[k]
  static const Folder& TimeFolder() {
    static const Folder* f = [] {
      Normalization n;
      n.skip_noise = false;
      n.word_boundaries = false;
      return new Folder(n);
    }();
    return *f;
  }
  static bool Dropped(char32_t c) {
    return c == ' ' || c == '\t' || c == 0x00A0 || c == 0x3000 || (c >= 0x200B && c <= 0x200F) ||
           (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF || (c >= 0xFE00 && c <= 0xFE0F);
  }
  explicit Chars(std::string_view s) {
    cp.reserve(s.size());
    at.reserve(s.size() + 1);
    ends.reserve(s.size());
    const Folder& folder = TimeFolder();
    for (size_t i = 0; i < s.size();) {
      char32_t c;
      const size_t len = DecodeUtf8(s, i, &c);
      if (!Dropped(c)) {
        cp.push_back(c == kInvalidCodePoint ? c : folder.Fold(c));
        at.push_back(i);
        ends.push_back(i + len);
      }
      i += len;
    }
    at.push_back(s.size());
  }
  size_t size() const { return cp.size(); }
  // True when the characters from k spell `word` (code points).
  bool Is(size_t k, std::u32string_view word) const {
    if (k + word.size() > cp.size()) return false;
    for (size_t j = 0; j < word.size(); ++j) {
      if (cp[k + j] != word[j]) return false;
    }
    return true;
  }
  // The first of `words` spelled at k: its index, and k moved past it.
  template <size_t N>
  int OneOf(size_t* k, const std::array<std::u32string_view, N>& words) const {
    for (size_t w = 0; w < N; ++w) {
      if (Is(*k, words[w])) {
        *k += words[w].size();
        return static_cast<int>(w);
      }
    }
    return -1;
  }
};

int ChineseDigit(char32_t c) { return text_internal::ChineseNumeralDigit(c); }

struct Number {
  int value = 0;
  bool chinese = false;
};

// ASCII digits (at most 4), or a Chinese numeral below 100: 三, 十, 十五,
// 二十, 二十五, 两.
std::optional<Number> ReadNumber(const Chars& s, size_t* k) {
  size_t i = *k;
  if (i < s.size() && s.cp[i] >= U'0' && s.cp[i] <= U'9') {
    int v = 0, digits = 0;
    while (i < s.size() && s.cp[i] >= U'0' && s.cp[i] <= U'9') {
      if (++digits > 4) return std::nullopt;
      v = v * 10 + static_cast<int>(s.cp[i] - U'0');
      ++i;
    }
    *k = i;
    return Number{v, false};
  }
  int v = -1;
  if (i < s.size() && s.cp[i] == U'十') {
    v = 10;
    ++i;
    if (i < s.size() && ChineseDigit(s.cp[i]) > 0) v += ChineseDigit(s.cp[i++]);
  } else if (i < s.size() && ChineseDigit(s.cp[i]) >= 0) {
    v = ChineseDigit(s.cp[i++]);
    if (i < s.size() && s.cp[i] == U'十' && v > 0) {
      v *= 10;
      ++i;
      if (i < s.size() && ChineseDigit(s.cp[i]) > 0) v += ChineseDigit(s.cp[i++]);
    }
  }
  if (v < 0) return std::nullopt;
  *k = i;
  return Number{v, true};
}

constexpr std::array<std::u32string_view, 3> kWithin = {U"之内", U"以内", U"内"};
constexpr std::array<std::u32string_view, 3> kAfter = {U"之后", U"以后", U"后"};
constexpr std::array<std::u32string_view, 3> kBefore = {U"之前", U"以前", U"前"};

bool ReadRelativeSuffix(const Chars& s, size_t* k) {
  return s.OneOf(k, kWithin) >= 0 || s.OneOf(k, kAfter) >= 0;
}

// Longer than a year is no promise a customer can wait for (and more
// working days than a calendar may know of).
constexpr int kMaxDays = 366;

// N分钟内, 两个小时之内, 半小时内, 一个半小时内, 3天内, 2个工作日内.
std::optional<Expr> ReadRelative(const Chars& s, size_t start) {
  size_t k = start;
  Expr e;
  e.kind = Expr::kRelative;
  if (s.Is(k, U"半")) {
    ++k;
    if (s.Is(k, U"个")) ++k;
    if (s.OneOf(&k, std::array<std::u32string_view, 2>{U"小时", U"钟头"}) < 0) return std::nullopt;
    e.minutes = 30;
  } else {
    std::optional<Number> n = ReadNumber(s, &k);
    if (!n || n->value <= 0) return std::nullopt;
    const bool ge = s.Is(k, U"个");
    if (ge) ++k;
    if (ge && s.Is(k, U"半")) {
      ++k;
      if (s.OneOf(&k, std::array<std::u32string_view, 2>{U"小时", U"钟头"}) < 0) {
        return std::nullopt;
      }
      e.minutes = n->value * 60 + 30;
    } else if (s.OneOf(&k, std::array<std::u32string_view, 2>{U"小时", U"钟头"}) >= 0) {
      e.minutes = n->value * 60;
    } else if (!ge && s.OneOf(&k, std::array<std::u32string_view, 2>{U"分钟", U"分"}) >= 0) {
      e.minutes = n->value;
    } else if (!ge && s.Is(k, U"天")) {
      ++k;
      if (n->value > kMaxDays) return std::nullopt;
      e.minutes = n->value * 24 * 60;
    } else if (s.Is(k, U"工作日")) {
      k += 3;
      if (n->value > kMaxDays) return std::nullopt;
      e.business_days = n->value;
    } else {
      return std::nullopt;
    }
  }
  // "稍等10分钟": after 等 the duration needs no suffix.
  const bool after_wait = start > 0 && s.cp[start - 1] == U'等';
  if (!ReadRelativeSuffix(s, &k) && !after_wait) return std::nullopt;
  e.begin = start;
  e.end = k;
  return e;
}

constexpr std::array<std::u32string_view, 8> kDays = {U"今天", U"今日", U"明天", U"明日",
                                                      U"后天", U"今晚", U"明早", U"明晚"};
constexpr int kDayOffset[] = {0, 0, 1, 1, 2, 0, 1, 1};
// Parts of the day, and the part a combined day word carries.
enum Part { kNoPart = -1, kDawn, kMorning1, kMorning2, kForenoon, kNoon, kAfternoon, kDusk,
            kEvening };
constexpr std::array<std::u32string_view, 8> kParts = {U"凌晨", U"早上", U"早晨", U"上午",
                                                       U"中午", U"下午", U"傍晚", U"晚上"};
constexpr int kDayPart[] = {kNoPart, kNoPart, kNoPart, kNoPart, kNoPart, kEvening, kMorning1,
                            kEvening};
// Where a part of the day ends (minutes after midnight).
constexpr int kPartEnd[] = {6 * 60, 9 * 60, 9 * 60, 12 * 60, 13 * 60, 18 * 60, 19 * 60, 22 * 60};

// The hour of a clock time in a part of the day (H as written).
int HourInPart(int h, int part) {
  if (part == kAfternoon || part == kDusk || part == kEvening) return h >= 1 && h <= 11 ? h + 12 : h;
  if (part == kNoon) return h >= 1 && h <= 2 ? h + 12 : h;
  return h;
}

// [day] [part] then a clock time, a part's end, today's end or closing.
std::optional<Expr> ReadDayed(const Chars& s, size_t start) {
  size_t k = start;
  Expr e;
  int part = kNoPart;
  const int day = s.OneOf(&k, kDays);
  if (day >= 0) {
    e.has_day = true;
    e.day_offset = kDayOffset[day];
    part = kDayPart[day];
  }
  if (part == kNoPart) part = s.OneOf(&k, kParts);
  e.part = part;
  const bool has_word = e.has_day || part != kNoPart;

  // Closing time: [day] 下班前.
  if (part == kNoPart && s.Is(k, U"下班")) {
    size_t j = k + 2;
    if (s.OneOf(&j, kBefore) >= 0) {
      e.kind = Expr::kClosing;
      e.begin = start;
      e.end = j;
      return e;
    }
  }
  // Today's end: 今天之内 / 今天内 / 今日内.
  if (e.has_day && part == kNoPart && e.day_offset == 0) {
    size_t j = k;
    if (s.OneOf(&j, kWithin) >= 0) {
      e.kind = Expr::kPartEnd;
      e.end_minutes = 24 * 60;
      e.begin = start;
      e.end = j;
      return e;
    }
  }

  // A clock time: H点 / H时 [M分 | M | 半 | 整], or H:MM.
  size_t j = k;
  std::optional<Number> h = ReadNumber(s, &j);
  if (h && h->value <= 24) {
    int minute = -1;
    bool marked = false;  // 点/时 followed by minutes, 半 or 整, or a colon
    if (j < s.size() && (s.cp[j] == U':' || s.cp[j] == U'：') && !h->chinese) {
      size_t m = j + 1;
      if (m + 1 < s.size() && s.cp[m] >= U'0' && s.cp[m] <= U'9' && s.cp[m + 1] >= U'0' &&
          s.cp[m + 1] <= U'9' && (m + 2 >= s.size() || s.cp[m + 2] < U'0' || s.cp[m + 2] > U'9')) {
        minute = static_cast<int>((s.cp[m] - U'0') * 10 + (s.cp[m + 1] - U'0'));
        j = m + 2;
        marked = true;
      }
    } else if (j < s.size() && (s.cp[j] == U'点' || s.cp[j] == U'时')) {
      ++j;
      minute = 0;
      if (s.Is(j, U"半")) {
        minute = 30;
        ++j;
        marked = true;
      } else if (s.Is(j, U"整")) {
        ++j;
        marked = true;
      } else {
        size_t m = j;
        std::optional<Number> mm = ReadNumber(s, &m);
        if (mm && mm->value < 60) {
          if (s.Is(m, U"分")) ++m;
          minute = mm->value;
          j = m;
          marked = true;
        }
      }
    }
    if (minute >= 0 && minute < 60 && (h->value < 24 || minute == 0)) {
      size_t end = j;
      const bool before = s.OneOf(&end, kBefore) >= 0;
      // "一点" is also "a little": a Chinese hour needs a day or part word,
      // minutes, or 前 after it.
      if (!h->chinese || has_word || marked || before) {
        e.kind = Expr::kClock;
        e.hour = h->value;
        e.minute = minute;
        e.begin = start;
        e.end = end;
        return e;
      }
    }
  }
  // A part's end: day + part [前 | 之前 | 以前 | 内 | 之内].
  if (e.has_day && part != kNoPart) {
    size_t end = k;
    if (s.OneOf(&end, kBefore) < 0) s.OneOf(&end, kWithin);
    e.kind = Expr::kPartEnd;
    e.end_minutes = kPartEnd[part];
    e.begin = start;
    e.end = end;
    return e;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Expr> FindTimeExpression(std::string_view reply) {
  const Chars s(reply);
  for (size_t k = 0; k < s.size(); ++k) {
    const char32_t c = s.cp[k];
    const bool may_start = (c >= U'0' && c <= U'9') || ChineseDigit(c) >= 0 || c == U'十' ||
                           c == U'半' || c == U'今' || c == U'明' || c == U'后' || c == U'凌' ||
                           c == U'早' || c == U'上' || c == U'中' || c == U'下' || c == U'傍' ||
                           c == U'晚';
    if (!may_start) continue;
    // A number glued to a digit before it is part of something else.
    if (k > 0 && s.cp[k - 1] >= U'0' && s.cp[k - 1] <= U'9') continue;
    std::optional<Expr> e = ReadRelative(s, k);
    if (!e) e = ReadDayed(s, k);
    if (e) {
      e->begin = s.at[e->begin];
      e->end = e->end > 0 ? s.ends[e->end - 1] : e->begin;
      return e;
    }
  }
  return std::nullopt;
}

std::optional<Timestamp> Resolve(const Expr& e, Timestamp now, const BusinessCalendar& calendar) {
  const LocalDay today = calendar.DayOf(now);
  switch (e.kind) {
    case Expr::kRelative:
      if (e.business_days > 0) {
        absl::StatusOr<Timestamp> t = calendar.AddBusinessDays(now, e.business_days);
        if (!t.ok()) return std::nullopt;
        return *t;
      }
      return now + absl::Minutes(e.minutes);
    case Expr::kPartEnd:
      return calendar.StartOfDay(today + e.day_offset) + absl::Minutes(e.end_minutes);
    case Expr::kClosing: {
      // That day's closing; a day off closes on the next working day.
      for (int d = 0; d < 14; ++d) {
        const LocalDay day = today + e.day_offset + d;
        if (std::optional<WorkingHours> h = calendar.HoursOn(day)) {
          return calendar.StartOfDay(day) + h->close;
        }
      }
      return std::nullopt;
    }
    case Expr::kClock: {
      auto at = [&](LocalDay day, int hour) {
        return calendar.StartOfDay(day) + absl::Hours(hour) + absl::Minutes(e.minute);
      };
      if (e.has_day) {
        int hour = e.hour;
        if (e.part != -1) {
          hour = HourInPart(hour, e.part);
        } else if (hour >= 1 && hour <= 6) {
          hour += 12;  // 明天3点: the afternoon
        }
        return at(today + e.day_offset, hour);
      }
      if (e.part != -1) {
        const int hour = HourInPart(e.hour, e.part);
        const Timestamp t = at(today, hour);
        return t > now ? t : at(today + 1, hour);
      }
      if (at(today, e.hour) > now) return at(today, e.hour);
      if (e.hour < 12 && at(today, e.hour + 12) > now) return at(today, e.hour + 12);
      return at(today + 1, e.hour);
    }
  }
  return std::nullopt;
}

}  // namespace text_internal

std::optional<TextSpan> FindDeferral(std::string_view reply, const CallbackRule& rule) {
  if (!rule.Validate().ok()) return std::nullopt;
  absl::StatusOr<text_internal::Deferrals> d = text_internal::Deferrals::Compile(rule);
  if (!d.ok()) return std::nullopt;
  return d->FindFirst(reply);
}

std::optional<PromisedTime> FindPromisedTime(std::string_view reply, Timestamp now,
                                             const BusinessCalendar& calendar) {
  std::optional<text_internal::Expr> e = text_internal::FindTimeExpression(reply);
  if (!e) return std::nullopt;
  std::optional<Timestamp> at = text_internal::Resolve(*e, now, calendar);
  if (!at) return std::nullopt;
  return PromisedTime{TextSpan{e->begin, e->end}, *at};
}

bool HasDefiniteTime(std::string_view reply) {
  return text_internal::FindTimeExpression(reply).has_value();
}

}  // namespace kefu
