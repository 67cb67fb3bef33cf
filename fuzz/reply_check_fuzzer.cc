// libFuzzer target: the reply checker over arbitrary bytes.
//
// Checks that nothing crashes or reads out of bounds (ASan, UBSan), and that
// the results keep their promises: offsets within the text and on its byte
// range, phrase hits ordered and non-overlapping, privacy hits masked,
// PH-CALLBACK's promised times within the text, Check's deferral the same
// as FindDeferral's, findings ordered. The
// first byte picks normalization switches; when the input holds a 0x00 byte,
// the part before it also becomes a phrase list (one phrase a line), so that
// Compile sees arbitrary phrases too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kefu/core/calendar.h"
#include "kefu/text/callback.h"
#include "kefu/text/packs.h"
#include "kefu/text/phrase_matcher.h"
#include "kefu/text/privacy.h"
#include "kefu/text/reply_checker.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

void CheckHits(const std::vector<kefu::PhraseMatch>& hits, size_t size, size_t entries) {
  size_t last_end = 0;
  for (const auto& h : hits) {
    Require(h.begin < h.end && h.end <= size);
    Require(h.begin >= last_end);
    Require(h.entry < entries);
    last_end = h.end;
  }
}

void AppendUtf8(char32_t cp, std::string* out) {  // cp in the BMP, not a surrogate
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kefu::ReplyChecker* checker = [] {
    kefu::ReplyCheckerOptions o;
    o.lists = {kefu::SeedPack(), kefu::AdvertisingLawPack()};
    return new kefu::ReplyChecker(*kefu::ReplyChecker::Create(o));
  }();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::vector<kefu::Finding> findings = checker->Check(input);
  bool callback = false;
  for (size_t i = 0; i < findings.size(); ++i) {
    const kefu::Finding& f = findings[i];
    Require(f.begin <= f.end && f.end <= size);
    if (f.rule_id != "PH-PRIVACY" && f.rule_id != "PH-APOLOGY") {
      Require(f.text == input.substr(f.begin, f.end - f.begin));
    }
    // Ordered by begin, end, rule (merged in linear time, issue 16).
    if (i > 0) {
      const kefu::Finding& p = findings[i - 1];
      Require(p.begin < f.begin || (p.begin == f.begin && (p.end < f.end ||
                                                           (p.end == f.end && p.rule_id <= f.rule_id))));
    }
    callback |= f.rule_id == "PH-CALLBACK";
  }
  // PH-CALLBACK: Check's one-pass deferral and FindDeferral agree.
  const std::optional<kefu::TextSpan> deferral = checker->FindDeferral(input);
  if (deferral) Require(deferral->begin < deferral->end && deferral->end <= size);
  Require(callback == (deferral.has_value() && !kefu::HasDefiniteTime(input)));
  // PH-PRIVACY: ordered, not overlapping, masked; Check (whose one pass
  // counts the numerals and house numbers for the pre-check) finds the same.
  size_t privacy_end = 0;
  size_t privacy_findings = 0;
  for (const kefu::Finding& f : findings) privacy_findings += f.rule_id == "PH-PRIVACY" ? 1 : 0;
  const std::vector<kefu::PersonalDataHit> personal = kefu::FindPersonalData(input);
  Require(personal.size() == privacy_findings);
  for (const auto& h : personal) {
    Require(h.begin < h.end && h.end <= size);
    Require(h.begin >= privacy_end);
    privacy_end = h.end;
    Require(h.masked.find('*') != std::string::npos);
  }
  // PH-CALLBACK's time parser: spans within the input, and the same answer
  // with or without a calendar.
  static const kefu::BusinessCalendar* calendar =
      new kefu::BusinessCalendar(kefu::BusinessCalendar::Default());
  const std::optional<kefu::PromisedTime> promised =
      kefu::FindPromisedTime(input, absl::FromUnixSeconds(1793584800), *calendar);
  Require(promised.has_value() == kefu::HasDefiniteTime(input));
  if (promised) Require(promised->span.begin < promised->span.end && promised->span.end <= size);

  if (size == 0) return 0;
  kefu::Normalization n;
  const uint8_t sw = data[0];
  n.fold_width = sw & 1;
  n.fold_case = sw & 2;
  n.traditional_to_simplified = sw & 4;
  n.skip_noise = sw & 8;
  n.word_boundaries = sw & 16;
  n.max_noise_run = (sw >> 5) & 7;
  // The rest of the input against 2,400 synthetic phrases that start with
  // as many characters (U+4E00 on; some allowed, some of one or three
  // characters), so that the matcher takes its scan for lists with many
  // start characters (batched candidates) too. Compiled once per switch
  // byte.
  static std::unique_ptr<kefu::PhraseMatcher> dense[256];
  if (dense[sw] == nullptr) {
    kefu::PhraseList d;
    d.normalization = n;
    for (char32_t c = 0x4E00; c < 0x4E00 + 2400; ++c) {
      kefu::PhraseEntry e;
      e.rule_id = "DENSE";
      const char32_t len = c % 50 == 0 ? 1 : c % 3 == 0 ? 3 : 2;
      for (char32_t k = 0; k < len; ++k) AppendUtf8(c + k, &e.phrase);
      e.allow = c % 40 == 1;
      d.entries.push_back(std::move(e));
    }
    dense[sw] = std::make_unique<kefu::PhraseMatcher>(*kefu::PhraseMatcher::Compile(std::move(d)));
  }
  const auto dense_hits = dense[sw]->FindAll(input.substr(1));
  CheckHits(dense_hits, size - 1, dense[sw]->list().entries.size());
  for (const auto& h : dense_hits) Require(!dense[sw]->entry(h.entry).allow);
  const size_t nul = input.find('\0');
  if (nul == std::string_view::npos) return 0;
  kefu::PhraseList list;
  list.normalization = n;
  const std::string_view phrases = input.substr(1, nul - 1);
  for (size_t at = 0; at <= phrases.size() && list.entries.size() < 64;) {
    size_t nl = phrases.find('\n', at);
    if (nl == std::string_view::npos) nl = phrases.size();
    kefu::PhraseEntry e;
    e.phrase = std::string(phrases.substr(at, nl - at));
    e.rule_id = "FUZZ";
    e.allow = !e.phrase.empty() && (e.phrase[0] & 1);
    e.standalone = !e.phrase.empty() && (e.phrase[0] & 2);
    list.entries.push_back(std::move(e));
    at = nl + 1;
  }
  const std::string_view text = input.substr(nul + 1);
  {
    const size_t entries = list.entries.size();
    auto m = kefu::PhraseMatcher::Compile(std::move(list));
    if (!m.ok()) return 0;
    const auto hits = m->FindAll(text);
    CheckHits(hits, text.size(), entries);
    for (const auto& h : hits) Require(!m->entry(h.entry).allow);
    (void)m->Normalize(text);
  }
  return 0;
}
