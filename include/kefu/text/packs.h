// kefu/text/packs.h: the phrase lists kefu ships.
//
//   "seed"            (tag "default") the rules of seeds 001/002: PH-NEGATION
//                     with the seed's four replacement pairs, PH-INTERJECTION
//                     (哦, 恩, 嗯; 恩 standalone only, and 感恩 and similar
//                     words allowed), PH-IGNORANCE and PH-ADDRESS (你 -> 您;
//                     迷你 allowed).
//   "advertising-law" (tag "optional") the absolute terms China's
//                     Advertising Law (Art. 9) forbids in selling: 国家级,
//                     最高级, 最佳 and the like, rule PH-ADLAW. Off unless a
//                     shop asks for it.
//
// Thread safety: pure functions returning fresh values.
#ifndef KEFU_TEXT_PACKS_H_
#define KEFU_TEXT_PACKS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"
#include "kefu/text/phrase_matcher.h"

namespace kefu {

// The generic suggestion of a PH-NEGATION hit that is not one of the seed's
// four pairs.
KEFU_EXPORT std::string_view GenericNegationSuggestion();

KEFU_EXPORT PhraseList SeedPack();
KEFU_EXPORT PhraseList AdvertisingLawPack();

// The names of all shipped packs, and of those on by default ({"seed"}).
KEFU_EXPORT std::vector<std::string> PackNames();
KEFU_EXPORT std::vector<std::string> DefaultPackNames();

// The packs named in `names` (a comma-separated list such as
// "seed,advertising-law"; "all" means every pack, "default" the default
// ones). kInvalidArgument for an unknown name or an empty list.
KEFU_EXPORT absl::StatusOr<std::vector<PhraseList>> PacksByName(std::string_view names);

}  // namespace kefu

#endif  // KEFU_TEXT_PACKS_H_
