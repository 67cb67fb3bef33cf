// Every message a sample week makes (decisions, actions, deadlines and what
// falls due) renders wholly in one language: no English word in a Chinese
// rendering, no Chinese in an English one. Words of the rules' vocabulary
// are Terms rendered in the message's language (kefu/core/outcome.h); text
// the host or the customer wrote (a product, a courier, a reply quoted) is
// shown as written.
#include <cstdint>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kefu/engine/shop.h"
#include "sample/sample.h"

namespace kefu {
namespace {

// What may stay ASCII in a Chinese rendering: instants (RFC 3339), rule ids
// (AS-HANDOFF), the ERP's stage names F2/F3, the QC stamp, ids and codes
// (letters followed by digits: T000123, SF1234), and the data the sample
// writes in ASCII: the courier EMS, the product 纯棉T恤, e-mail addresses.
const std::regex& AllowedInZh() {
  static const std::regex* const re = new std::regex(
      R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z))"
      R"(|\b[A-Z]{2,}(-[A-Z0-9]+)+\b)"
      R"(|\bF[23]\b|QC|\bEMS\b|T恤)"
      R"(|[A-Za-z][A-Za-z_-]*\d[A-Za-z0-9_-]*)"
      R"(|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+)");
  return *re;
}

bool HasAsciiLetter(const std::string& s) {
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  }
  return false;
}

// A code point of the CJK blocks or CJK punctuation (U+3000..U+9FFF,
// U+FF00..U+FFEF full-width forms).
bool HasCjk(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    const int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    uint32_t cp = c & (0x3F >> (n - 1));
    for (int k = 1; k < n && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    if ((cp >= 0x3000 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFFEF)) return true;
    i += n;
  }
  return false;
}

// The figures with every piece of text the host or customer wrote blanked:
// what is left is the rules' own words.
Figures WithoutHostText(Figures figures) {
  for (Figure& f : figures) {
    if (std::holds_alternative<std::string>(f.value)) f.value = std::string("#");
  }
  return figures;
}

struct Checker {
  std::map<std::string, std::string> bad_zh;  // message template -> a rendering
  std::map<std::string, std::string> bad_en;
  std::set<std::string> seen_zh;
  int64_t rendered = 0;

  void Check(const Message& m, const Figures& figures) {
    ++rendered;
    const std::string zh = RenderMessage(m, figures, Language::kZh);
    if (HasAsciiLetter(std::regex_replace(zh, AllowedInZh(), ""))) {
      bad_zh.emplace(m.zh == nullptr ? "" : m.zh, zh);
    }
    seen_zh.insert(m.zh == nullptr ? "" : m.zh);
    const std::string en = RenderMessage(m, WithoutHostText(figures), Language::kEn);
    if (HasCjk(en)) bad_en.emplace(m.en == nullptr ? "" : m.en, en);
  }
  void Check(const Outcome& o) {
    for (const Decision& d : o.decisions) Check(d.message, d.figures);
    for (const Action& a : o.actions) Check(a.message, a.figures);
    for (const Deadline& d : o.deadlines) {
      if (d.message.zh != nullptr) Check(d.message, d.figures);
    }
  }
};

TEST(MessageLanguage, EverySampleWeekMessageIsWhollyChineseOrWhollyEnglish) {
  Checker checker;
  for (uint64_t seed : {1, 2, 3}) {
    auto shop = Shop::Create();
    ASSERT_TRUE(shop.ok()) << shop.status();
    SampleOptions options;
    options.orders_per_day = 60;
    options.seed = seed;
    Timestamp last = options.start;
    ASSERT_TRUE(GenerateSample(options, [&](const ShopEvent& e) {
                  // What fell due before this event, as a host would ask.
                  for (const DueItem& due : (*shop)->Due(MetaOf(e).at)) {
                    if (due.kind == DueItem::Kind::kAction) {
                      checker.Check(due.action.message, due.action.figures);
                    } else {
                      checker.Check(due.deadline.message, due.deadline.figures);
                    }
                  }
                  absl::StatusOr<Outcome> o = (*shop)->Apply(e);
                  if (o.ok()) checker.Check(*o);
                  last = MetaOf(e).at;
                }).ok());
    for (const DueItem& due : (*shop)->Due(last + absl::Hours(24 * 30))) {
      if (due.kind == DueItem::Kind::kAction) {
        checker.Check(due.action.message, due.action.figures);
      } else {
        checker.Check(due.deadline.message, due.deadline.figures);
      }
    }
  }
  EXPECT_GT(checker.rendered, 1000);
  EXPECT_GT(checker.seen_zh.size(), 40u);  // the week reaches many messages
  for (const auto& [tmpl, text] : checker.bad_zh) {
    ADD_FAILURE() << "English in a Chinese message: " << text << "\n  template: " << tmpl;
  }
  for (const auto& [tmpl, text] : checker.bad_en) {
    ADD_FAILURE() << "Chinese in an English message: " << text << "\n  template: " << tmpl;
  }
}

// The messages the issue found, and the term figures that fix them.
TEST(MessageLanguage, TermFiguresRenderInTheMessagesLanguage) {
  const Message m{"可提供{remedies}，付款方式{payment}", "offer {remedies}; payment {payment}"};
  const Figures f = {
      Figure{"remedies", TermList{Term{"return", "退货", "return"},
                                  Term{"exchange", "换货", "exchange"}}},
      Figure{"payment", Term{"cash_on_delivery", "货到付款", "cash on delivery"}}};
  EXPECT_EQ(RenderMessage(m, f, Language::kZh), "可提供退货、换货，付款方式货到付款");
  EXPECT_EQ(RenderMessage(m, f, Language::kEn),
            "offer return, exchange; payment cash on delivery");
  EXPECT_EQ((Figure{"x", TermList{}}).Render(Language::kZh), "—");
}

}  // namespace
}  // namespace kefu
