// The reply checker; see kefu/text/reply_checker.h.
#include "kefu/text/reply_checker.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "kefu/text/packs.h"
#include "text/callback_internal.h"
#include "text/fold.h"
#include "text/phrase_matcher_impl.h"
#include "text/privacy_internal.h"
#include "text/utf8.h"
#include "text/work_count.h"

namespace kefu {

using text_internal::DecodeUtf8;

struct ReplyChecker::Impl {
  ReplyCheckerOptions options;
  std::vector<PhraseMatcher> matchers;
  // The lists as scanned: one per rule of each list (see Create).
  std::vector<PhraseMatcher> rule_matchers;
  // Per phrase list of at most kMaxPrototypes entries (empty for longer
  // lists): each entry's finding with rule, severity, suggestion and list
  // filled in. Check copies it into the caller's vector: a copy does not
  // zero the Finding first as emplace_back() does, nor assign its strings
  // one by one.
  static constexpr size_t kMaxPrototypes = 4096;
  std::vector<std::vector<Finding>> prototypes;
  // PH-APOLOGY helpers: refusal markers; greetings (rule "greeting") and the
  // apology (rule "apology") in one list.
  std::optional<PhraseMatcher> refusals;
  std::optional<PhraseMatcher> opening;
  std::vector<char32_t> sentence_ends;
  std::string apology_suggestion;
  // All lists scanned in one pass: the phrase lists, then the refusal
  // markers (when PH-APOLOGY is on); the union of their start filters.
  std::vector<const PhraseMatcher::Impl*> scan;
  std::vector<uint64_t> any_start;
  // PH-CALLBACK's deferral markers (exact), scanned in the same pass; their
  // index in `scan` (SIZE_MAX when the rule is off).
  std::optional<text_internal::Deferrals> deferrals;
  size_t deferral_scan = SIZE_MAX;
  // PH-PRIVACY: the characters the privacy pre-check needs besides digits
  // (Chinese numerals, units of a house; privacy_internal.h), in the union
  // of start filters so that the one pass counts them (empty when off).
  std::vector<uint64_t> privacy_bits;

  bool AnyMayStart(char32_t cp) const {
    for (const auto* m : scan) {
      if (m->StartBit(cp)) return true;
    }
    return false;
  }

  // `marker` is the first refusal marker in `reply`.
  void CheckApology(std::string_view reply, const PhraseMatch& marker,
                    std::vector<Finding>* out) const {
    // The first sentence.
    size_t sentence_end = reply.size();
    for (size_t p = 0; p < reply.size();) {
      char32_t cp;
      const size_t len = DecodeUtf8(reply, p, &cp);
      if (std::find(sentence_ends.begin(), sentence_ends.end(), cp) != sentence_ends.end()) {
        sentence_end = p;
        break;
      }
      p += len;
    }
    const std::string_view first = reply.substr(0, sentence_end);
    // Greetings, then the apology, each preceded by noise only: the opening
    // list's hits in order, without collecting them.
    const PhraseMatcher::Impl& open = *opening->impl_;
    size_t cursor = 0;
    for (size_t pos = open.NextCandidate(first, 0); pos < first.size();) {
      PhraseMatch m;
      const size_t next = open.TryAt(first, pos, &m);
      if (m.end != 0) {
        if (!OnlyNoise(first, cursor, m.begin)) break;
        if (m.entry == 0) return;  // entry 0 is the apology
        cursor = m.end;            // a greeting
      }
      pos = open.NextCandidate(first, next);
    }
    const PhraseMatch& h = marker;
    Finding f;
    f.rule_id = "PH-APOLOGY";
    f.severity = options.apology.severity;
    f.begin = h.begin;
    f.end = h.end;
    f.text.assign(reply.substr(h.begin, h.end - h.begin));
    f.suggestion = apology_suggestion;
    out->push_back(std::move(f));
  }

  static bool OnlyNoise(std::string_view s, size_t from, size_t to) {
    for (size_t p = from; p < to;) {
      char32_t cp;
      const size_t len = DecodeUtf8(s, p, &cp);
      if (!text_internal::IsNoiseCodePoint(cp)) return false;
      p += len;
    }
    return true;
  }
};

absl::StatusOr<ReplyChecker> ReplyChecker::Create(ReplyCheckerOptions options) {
  auto impl = std::make_shared<Impl>();
  if (options.lists.empty() && options.use_default_lists) options.lists.push_back(SeedPack());
  for (const PhraseList& list : options.lists) {
    auto m = PhraseMatcher::Compile(list);
    if (!m.ok()) return m.status();
    impl->matchers.push_back(*std::move(m));
  }
  if (absl::Status s = options.callback.Validate(); !s.ok()) return s;
  if (options.callback.enabled) {
    auto d = text_internal::Deferrals::Compile(options.callback);
    if (!d.ok()) return d.status();
    impl->deferrals = *std::move(d);
  }
  const ApologyRule& a = options.apology;
  if (a.enabled) {
    if (a.apology.empty() || a.refusal_markers.empty()) {
      return absl::InvalidArgumentError("PH-APOLOGY: the apology and the refusal markers must not be empty");
    }
    PhraseList refusals;
    refusals.name = "PH-APOLOGY refusal markers";
    for (const auto& m : a.refusal_markers) {
      PhraseEntry e;
      e.phrase = m;
      e.rule_id = "PH-APOLOGY";
      refusals.entries.push_back(std::move(e));
    }
    auto r = PhraseMatcher::Compile(std::move(refusals));
    if (!r.ok()) return r.status();
    impl->refusals = *std::move(r);
    PhraseList opening;
    opening.name = "PH-APOLOGY opening";
    PhraseEntry apology;
    apology.phrase = a.apology;
    apology.rule_id = "apology";
    opening.entries.push_back(std::move(apology));
    for (const auto& g : a.greetings) {
      PhraseEntry e;
      e.phrase = g;
      e.rule_id = "greeting";
      opening.entries.push_back(std::move(e));
    }
    auto o = PhraseMatcher::Compile(std::move(opening));
    if (!o.ok()) return o.status();
    impl->opening = *std::move(o);
    for (size_t p = 0; p < a.sentence_ends.size();) {
      char32_t cp;
      p += DecodeUtf8(a.sentence_ends, p, &cp);
      impl->sentence_ends.push_back(cp);
    }
  }
  // Each rule of a list is judged on its own: a list whose entries belong
  // to several rules is scanned as one list per rule (that rule's entries
  // and all the list's allow entries; rules that cannot overlap share one),
  // so that a hit of one rule never hides a shorter one of another (the 不
  // of PH-NEGATION inside the PH-IGNORANCE phrase 我不知道). Within a rule,
  // leftmost-longest.
  for (const PhraseMatcher& m : impl->matchers) {
    std::vector<std::string> rules;
    for (const PhraseEntry& e : m.list().entries) {
      if (!e.allow && std::find(rules.begin(), rules.end(), e.rule_id) == rules.end()) {
        rules.push_back(e.rule_id);
      }
    }
    if (rules.size() <= 1) {
      impl->rule_matchers.push_back(m);
      continue;
    }
    // Rules none of whose phrases overlap another's (one inside the other,
    // or the end of one the start of the other) cannot hide each other's
    // hits and share a scan list: fewer lists to try at each candidate (the
    // seed pack is scanned as two lists, not four). Lists of more than 512
    // entries are not compared pairwise: one scan list per rule.
    std::vector<std::vector<std::string>> groups;
    if (m.list().entries.size() <= 512) {
      std::vector<std::vector<std::string>> folded(rules.size());
      for (const PhraseEntry& e : m.list().entries) {
        if (e.allow) continue;
        const size_t r = static_cast<size_t>(
            std::find(rules.begin(), rules.end(), e.rule_id) - rules.begin());
        folded[r].push_back(m.Normalize(e.phrase));
      }
      const auto overlap = [](const std::string& x, const std::string& y) {
        if (x.find(y) != std::string::npos || y.find(x) != std::string::npos) return true;
        for (size_t k = 1; k < x.size() && k < y.size(); ++k) {
          if (x.compare(x.size() - k, k, y, 0, k) == 0 ||
              y.compare(y.size() - k, k, x, 0, k) == 0) {
            return true;
          }
        }
        return false;
      };
      std::vector<std::vector<size_t>> members;
      for (size_t r = 0; r < rules.size(); ++r) {
        size_t g = 0;
        for (; g < members.size(); ++g) {
          bool clash = false;
          for (size_t o : members[g]) {
            for (const std::string& x : folded[r]) {
              for (const std::string& y : folded[o]) clash = clash || overlap(x, y);
            }
          }
          if (!clash) break;
        }
        if (g == members.size()) members.emplace_back();
        members[g].push_back(r);
      }
      for (const auto& g : members) {
        groups.emplace_back();
        for (size_t r : g) groups.back().push_back(rules[r]);
      }
    } else {
      for (const std::string& rule : rules) groups.push_back({rule});
    }
    for (const std::vector<std::string>& group : groups) {
      PhraseList part;
      part.name = m.list().name;
      part.tags = m.list().tags;
      part.normalization = m.list().normalization;
      for (const PhraseEntry& e : m.list().entries) {
        if (e.allow || std::find(group.begin(), group.end(), e.rule_id) != group.end()) {
          part.entries.push_back(e);
        }
      }
      auto pm = PhraseMatcher::Compile(std::move(part));
      if (!pm.ok()) return pm.status();
      impl->rule_matchers.push_back(*std::move(pm));
    }
  }
  for (const PhraseMatcher& m : impl->rule_matchers) {
    impl->scan.push_back(m.impl_.get());
    std::vector<Finding>& protos = impl->prototypes.emplace_back();
    if (m.list().entries.size() > Impl::kMaxPrototypes) continue;
    for (const PhraseEntry& e : m.list().entries) {
      Finding& f = protos.emplace_back();
      f.rule_id = e.rule_id;
      f.severity = e.severity;
      f.suggestion = e.suggestion;
      f.list = m.list().name;
    }
  }
  if (impl->refusals.has_value()) impl->scan.push_back(impl->refusals->impl_.get());
  if (impl->deferrals.has_value()) {
    impl->deferral_scan = impl->scan.size();
    impl->scan.push_back(impl->deferrals->anchors().impl_.get());
  }
  impl->any_start.assign(1024, 0);
  for (const auto* m : impl->scan) {
    for (size_t w = 0; w < 1024; ++w) impl->any_start[w] |= m->start_bits[w];
  }
  if (options.privacy.enabled) {
    impl->privacy_bits.assign(1024, 0);
    for (char32_t cp = 0x3000; cp < 0x10000; ++cp) {
      if (text_internal::PrivacyCharOf(cp) != text_internal::PrivacyChar::kNone) {
        impl->privacy_bits[cp >> 6] |= uint64_t{1} << (cp & 63);
        impl->any_start[cp >> 6] |= uint64_t{1} << (cp & 63);
      }
    }
  }
  impl->apology_suggestion = "拒绝客户的要求时,第一句话以“" + options.apology.apology + "”开头";
  impl->options = std::move(options);
  return ReplyChecker(std::move(impl));
}

absl::StatusOr<ReplyChecker> ReplyChecker::Default() { return Create(ReplyCheckerOptions{}); }

ReplyChecker::ReplyChecker(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
ReplyChecker::ReplyChecker(const ReplyChecker&) = default;
ReplyChecker& ReplyChecker::operator=(const ReplyChecker&) = default;
ReplyChecker::ReplyChecker(ReplyChecker&&) noexcept = default;
ReplyChecker& ReplyChecker::operator=(ReplyChecker&&) noexcept = default;
ReplyChecker::~ReplyChecker() = default;

const ReplyCheckerOptions& ReplyChecker::options() const { return impl_->options; }
const std::vector<PhraseMatcher>& ReplyChecker::matchers() const { return impl_->matchers; }

std::optional<TextSpan> ReplyChecker::FindDeferral(std::string_view reply) const {
  if (!impl_->deferrals.has_value()) return std::nullopt;
  return impl_->deferrals->FindFirst(reply);
}

std::vector<Finding> ReplyChecker::Check(std::string_view reply) const {
  std::vector<Finding> out;
  Check(reply, &out);
  return out;
}

void ReplyChecker::Check(std::string_view reply, std::vector<Finding>* out) const {
  const size_t first = out->size();
  const Impl& im = *impl_;
  const size_t lists = im.rule_matchers.size();
  const size_t k = im.scan.size();
  // One pass over the text for every list: at each candidate position, each
  // list whose filter accepts it and whose own scan has reached it tries a
  // match there; this gives each list exactly the hits of its own scan.
  size_t resume_small[8] = {};
  std::vector<size_t> resume_big(k > 8 ? k : 0, 0);
  size_t* resume = k > 8 ? resume_big.data() : resume_small;
  // The first PH-APOLOGY refusal marker and PH-CALLBACK deferral.
  std::optional<PhraseMatch> first_marker;
  std::optional<TextSpan> first_deferral;
  const auto may_start = [&im](char32_t cp) { return im.AnyMayStart(cp); };
  const auto* base = reinterpret_cast<const unsigned char*>(reply.data());
  const size_t n = reply.size();
  // Each list tries the candidate at `pos` (character `cp`, `len` bytes).
  uint64_t steps = 0;  // candidates and blocks visited (work_count.h)
  text_internal::PrivacyHint privacy;
  const uint64_t* privacy_bits = im.privacy_bits.empty() ? nullptr : im.privacy_bits.data();
  const auto candidate = [&](size_t pos, char32_t cp, size_t len) {
    ++steps;
    if (privacy_bits != nullptr && cp < 0x10000 && ((privacy_bits[cp >> 6] >> (cp & 63)) & 1)) {
      const text_internal::PrivacyChar pc = text_internal::PrivacyCharOf(cp);
      privacy.numerals += pc == text_internal::PrivacyChar::kNumeral ? 1 : 0;
      privacy.house_number |= pc == text_internal::PrivacyChar::kHouseUnit &&
                              text_internal::NumberEndsAt(reply, pos);
    }
    for (size_t i = 0; i < k; ++i) {
      if (pos < resume[i] || !im.scan[i]->StartBit(cp)) continue;
      // One marker of each kind is enough.
      if (i >= lists && (i == im.deferral_scan ? first_deferral.has_value()
                                               : first_marker.has_value())) {
        continue;
      }
      PhraseMatch h;
      resume[i] = im.scan[i]->TryAtDecoded(reply, pos, cp, len, &h);
      if (h.end == 0) continue;
      if (i == im.deferral_scan) {
        // An anchor of the deferral grammar: a deferral when the grammar
        // around it says so.
        first_deferral = im.deferrals->Confirm(reply, h);
        continue;
      }
      if (i >= lists) {
        first_marker = h;
        continue;
      }
      if (!im.prototypes[i].empty()) {
        Finding& f = out->emplace_back(im.prototypes[i][h.entry]);
        f.begin = h.begin;
        f.end = h.end;
        f.text.assign(reply.substr(h.begin, h.end - h.begin));
        continue;
      }
      const PhraseMatcher& m = im.rule_matchers[i];
      const PhraseEntry& e = m.entry(h.entry);
      Finding& f = out->emplace_back();  // filled in place: no moves
      f.rule_id = e.rule_id;
      f.severity = e.severity;
      f.begin = h.begin;
      f.end = h.end;
      f.text.assign(reply.substr(h.begin, h.end - h.begin));
      f.suggestion = e.suggestion;
      f.list = m.list().name;
    }
  };
  // Every candidate of the union filter is visited, in order, whatever the
  // hits: 64 bytes of ASCII and three-byte characters at a time give a mask
  // of candidates (no stop and restart of the scan per candidate); anything
  // else goes through NextCandidate for the next 64 bytes.
  size_t pos = 0;
  size_t slow_until = 0;
  while (pos < n) {
    ++steps;
    uint64_t mask = 0;
    const size_t covered =
        pos >= slow_until ? text_internal::CandidateMask64(reply, pos, im.any_start.data(), &mask) : 0;
    if (covered != 0) {
      for (; mask != 0; mask &= mask - 1) {
        const size_t p = pos + static_cast<size_t>(__builtin_ctzll(mask));
        char32_t cp;
        const size_t len = text_internal::DecodeFast(base, p, n, &cp);
        candidate(p, cp, len);
      }
      pos += covered;
      continue;
    }
    if (pos >= slow_until) slow_until = pos + 64;
    pos = text_internal::NextCandidate(reply, pos, im.any_start.data(), may_start);
    if (pos >= n) break;
    char32_t cp;
    const size_t len = text_internal::DecodeFast(base, pos, n, &cp);
    candidate(pos, cp, len);
    pos += len;
  }
  const size_t tail = out->size();  // phrase findings end here
  if (first_marker.has_value()) im.CheckApology(reply, *first_marker, out);
  const size_t privacy_begin = out->size();
  if (impl_->options.privacy.enabled) {
    for (PersonalDataHit& h :
         text_internal::FindPersonalData(reply, impl_->options.privacy.kinds, &privacy)) {
      Finding f;
      f.rule_id = "PH-PRIVACY";
      f.severity = impl_->options.privacy.severity;
      f.begin = h.begin;
      f.end = h.end;
      f.text = std::move(h.masked);
      const char* what = "";
      switch (h.kind) {
        case PersonalDataKind::kMobilePhone: what = "手机号码"; break;
        case PersonalDataKind::kIdNumber: what = "身份证号码"; break;
        case PersonalDataKind::kBankCard: what = "银行卡号"; break;
        case PersonalDataKind::kEmail: what = "电子邮箱"; break;
        case PersonalDataKind::kLandline: what = "固定电话号码"; break;
        case PersonalDataKind::kAddress: what = "地址"; break;
      }
      f.suggestion = std::string("不要在回复中写出客户的") + what;
      out->push_back(std::move(f));
    }
  }
  const size_t privacy_count = out->size() - privacy_begin;
  // PH-CALLBACK: an answer put off without a definite time.
  if (first_deferral.has_value() && !text_internal::FindTimeExpression(reply).has_value()) {
    const TextSpan& d = *first_deferral;
    Finding& f = out->emplace_back();
    f.rule_id = CallbackRule::kRule;
    f.severity = impl_->options.callback.severity;
    f.begin = d.begin;
    f.end = d.end;
    f.text.assign(reply.substr(d.begin, d.end - d.begin));
    f.suggestion = impl_->options.callback.suggestion;
  }
  // Order the findings by begin, end, rule (stably), in time linear in their
  // number. The phrase findings [first, tail) come in order of begin (the
  // scan visits positions in order), those of one position in list order:
  // each such group (at most one finding per list) is sorted on its own.
  // The rest [tail, end) is the PH-APOLOGY finding, the PH-PRIVACY ones (in
  // order) and the PH-CALLBACK one; the two runs are then merged.
  const auto less = [](const Finding& a, const Finding& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end < b.end;
    return a.rule_id < b.rule_id;
  };
  Finding* const v = out->data();
  const auto insertion_sort = [&](size_t from, size_t to) {
    for (size_t i = from + 1; i < to; ++i) {
      for (size_t j = i; j > from && less(v[j], v[j - 1]); --j) {
        std::swap(v[j], v[j - 1]);
        ++steps;
      }
    }
  };
  for (size_t g = first; g < tail;) {
    size_t e = g + 1;
    while (e < tail && v[e].begin == v[g].begin) ++e;
    if (e - g > 1) insertion_sort(g, e);
    steps += e - g;
    g = e;
  }
  const size_t end = out->size();
  if (end - tail <= 2) {
    insertion_sort(tail, end);
  } else {
    // Stable: PH-PRIVACY findings are ordered; the one or two others are
    // few. std::stable_sort would also do, but not in linear time.
    const size_t privacy_end = privacy_begin + privacy_count;
    std::inplace_merge(out->begin() + static_cast<std::ptrdiff_t>(tail),
                       out->begin() + static_cast<std::ptrdiff_t>(privacy_begin),
                       out->begin() + static_cast<std::ptrdiff_t>(privacy_end), less);
    std::inplace_merge(out->begin() + static_cast<std::ptrdiff_t>(tail),
                       out->begin() + static_cast<std::ptrdiff_t>(privacy_end),
                       out->end(), less);
    steps += end - tail;
  }
  if (tail > first && end > tail) {
    if (end - tail <= 4) {
      // A few findings of the other rules (the common case): each is moved
      // to its place, without the buffer inplace_merge allocates.
      for (size_t i = tail; i < end; ++i) {
        for (size_t j = i; j > first && less(v[j], v[j - 1]); --j) {
          std::swap(v[j], v[j - 1]);
          ++steps;
        }
      }
    } else {
      std::inplace_merge(out->begin() + static_cast<std::ptrdiff_t>(first),
                         out->begin() + static_cast<std::ptrdiff_t>(tail), out->end(), less);
      steps += end - first;
    }
  }
  text_internal::CountWork(steps);
}

ReplyCheckerSlot::ReplyCheckerSlot(std::shared_ptr<const ReplyChecker> initial)
    : current_(std::move(initial)) {}

std::shared_ptr<const ReplyChecker> ReplyCheckerSlot::Load() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void ReplyCheckerSlot::Store(std::shared_ptr<const ReplyChecker> next) {
  std::shared_ptr<const ReplyChecker> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::exchange(current_, std::move(next));
  }
  // `old` is released outside the lock.
}

}  // namespace kefu
