// kefu/io/policy_pack.h: a shop's rules as one TOML file, validated and
// turned into the options a Shop is created with (docs/policy_pack.md).
//
// A policy pack has one table per rule of the catalogue, named by the rule
// ID ([AS-POSTAGE-CAP], [RV-CONTACT-LIMIT], ...), holding that rule's
// parameters, plus [shop], [calendar], [couriers.NAME], [agents.NAME] (the
// roster of FB-ROLES: each agent's role and level) and [phrases]. Money is a
// decimal-yuan string ("10.00"), a rate a percentage string ("5%"), days
// and counts integers, local times "HH:MM", durations "30m". A pack may set
// only some keys; every other key keeps the catalogue's default, so the
// empty pack is the catalogue.
//
// Validation is strict: an unknown table or key, a value of the wrong type,
// a negative amount, a rate over 100%, a count out of range, an unknown
// time zone or name, a duplicate phrase: each is an error naming the file,
// line and key, and no pack is made. A pack that is valid but odd (an
// in-province postage cap above the out-of-province one) is made, with a
// warning.
//
// Thread safety: a PolicyPack is an immutable value once made; its const
// methods may be called from any number of threads.
#ifndef KEFU_IO_POLICY_PACK_H_
#define KEFU_IO_POLICY_PACK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/calendar.h"
#include "kefu/core/export.h"
#include "kefu/engine/shop.h"
#include "kefu/policies/order_policies.h"
#include "kefu/policies/review_policies.h"
#include "kefu/engine/team_ledger.h"
#include "kefu/policies/team_policies.h"
#include "kefu/policies/ticket_policies.h"
#include "kefu/text/meeting.h"
#include "kefu/text/phrase_matcher.h"
#include "kefu/text/reply_checker.h"

namespace kefu {

// One error or warning about a pack.
struct PackMessage {
  std::string file;
  int64_t line = 0;    // 1-based; 0 when the message is about the whole file
  int64_t column = 0;  // 1-based; 0 when unknown
  std::string key;     // "AS-POSTAGE-CAP.out_of_provence"; empty for a syntax error
  std::string message;
  // "pack.toml:3:1: AS-POSTAGE-CAP.out_of_provence: unknown key ..."
  KEFU_EXPORT std::string ToString() const;
};

// A courier of [couriers.NAME]: it delivers and collects cash everywhere
// except in its blind spots (kefu::CourierCoverage).
struct PackCourier {
  std::string name;
  // "province" or "province/city" where the courier does not deliver.
  std::vector<std::string> blind_spots;
  bool cash_on_delivery = true;  // false: collects cash nowhere
  // "province" or "province/city" where it delivers but collects no cash.
  std::vector<std::string> no_cash_on_delivery_in;
  // An express courier (快递); false: the post or freight, for which
  // ORD-PREPAY asks no payment in advance (CourierReach::IsExpress).
  bool express = true;
};

// The phrase lists of [phrases]: the shipped packs on or off, shipped
// phrases removed, the shop's own phrases added, allow words.
struct PackPhrases {
  bool seed = true;                 // the shipped seed pack (kefu::SeedPack)
  bool advertising_law = false;     // kefu::AdvertisingLawPack
  std::vector<std::string> remove;  // shipped phrases dropped
  std::vector<std::string> allow;   // cancel any hit they cover, in every list
  std::vector<PhraseEntry> add;     // the shop's own, in the list "shop"
};

// Everything a pack sets, as plain values.
struct PolicySettings {
  OrderPolicies order = OrderPolicies::Defaults();
  TicketPolicies ticket = TicketPolicies::Defaults();
  ReviewPolicies review = ReviewPolicies::Defaults();
  // KPI, SH and FB rules and the platforms' response times ([response]),
  // the roster of [agents.NAME] in team.roles.agents (sorted by name).
  // ShopOptions::team_policies: the Shop judges by FB-ROLES, orders its
  // work list by FB-TRIAGE and counts its team ledger by the rest.
  TeamPolicies team = TeamPolicies::Defaults();
  BusinessCalendar::Options calendar;
  std::string shop_province;  // [shop] province; empty: none
  // [shop] only_listed_couriers: a courier not in `couriers` reaches
  // nowhere (CourierCoverage::set_only_declared).
  bool only_listed_couriers = false;
  std::vector<PackCourier> couriers;
  PackPhrases phrases;
  ApologyRule apology;
  PrivacyRule privacy;
  CallbackRule callback;
  // PH-MEETING: not in ShopOptions (the Shop does not answer chats); a host
  // asks MeetingAutoReplyAt (kefu/text/meeting.h) with it.
  MeetingPolicy meeting;
};

class KEFU_EXPORT PolicyPack {
 public:
  // The catalogue's defaults: the pack of an empty file.
  static const PolicyPack& Defaults();

  const PolicySettings& settings() const { return *settings_; }
  // A hash of the pack's canonical form (ToToml without comments): 16 hex
  // digits. Two files that set the same values have the same revision,
  // whatever their comments, layout or order of keys.
  const std::string& revision() const { return revision_; }
  // Warnings found when the pack was made (valid but odd values).
  const std::vector<PackMessage>& warnings() const { return warnings_; }

  // The options a Shop is created with: the policies (the team's with the
  // roster included), the calendar, the
  // couriers (null when the pack names none: every courier reaches
  // everywhere), the reply checker, compiled, the shop's province and the
  // revision. The other ShopOptions fields keep their defaults.
  ShopOptions shop_options() const;
  // The same fields set in *options, its other fields (shards, limits)
  // kept: how a host with options of its own takes a pack (kefu serve,
  // replay and report --policy). shop_options() is this on defaults, so
  // every host that takes a pack takes all of it.
  void ApplyTo(ShopOptions* options) const;
  std::shared_ptr<const BusinessCalendar> calendar() const { return calendar_; }
  std::shared_ptr<const ReplyChecker> reply_checker() const { return checker_; }

  // The complete pack as TOML: every table and key in a fixed order, each
  // key after a one-line comment naming its rule (and the seed's words)
  // when `comments`. Reading it back gives the same pack; printing that
  // gives the same text.
  std::string ToToml(bool comments = true) const;

  // What this pack changes against `base`, one line per key:
  // "AS-POSTAGE-CAP.out_of_province = \"12.00\" (was \"10.00\")". Couriers,
  // agents and added phrases are compared as whole lists.
  std::vector<std::string> Diff(const PolicyPack& base = Defaults()) const;

 private:
  friend struct PackBuilder;
  PolicyPack() = default;
  std::shared_ptr<const PolicySettings> settings_;
  std::shared_ptr<const BusinessCalendar> calendar_;
  std::shared_ptr<const CourierReach> couriers_;
  std::shared_ptr<const ReplyChecker> checker_;
  std::string revision_;
  std::vector<PackMessage> warnings_;
};

// The result of reading a pack: a pack and its warnings, or the errors
// (then no pack). Errors are in file order.
struct PackReading {
  std::optional<PolicyPack> pack;
  std::vector<PackMessage> errors;
  std::vector<PackMessage> warnings;
};

// One key of a pack, in the order `kefu policy defaults` prints them.
struct PackKeyInfo {
  std::string table;    // "AS-POSTAGE-CAP", "calendar", "phrases"
  std::string name;     // "out_of_province"
  std::string comment;  // what it is, with the seed's words where it has them
  std::string example;  // a valid TOML value other than the default ("" for booleans)
};
KEFU_EXPORT std::vector<PackKeyInfo> PolicyPackKeys();

// Reads the TOML text of a pack; `file` names it in messages.
KEFU_EXPORT PackReading ReadPolicyPack(std::string_view toml, std::string_view file);

// Same, as a status: kInvalidArgument whose message is every error, one per
// line ("file:line:column: key: message").
KEFU_EXPORT absl::StatusOr<PolicyPack> ParsePolicyPack(std::string_view toml,
                                                       std::string_view file);

// Reads the file at `path` and parses it; kNotFound / kPermissionDenied /
// kDataLoss with the system's reason when it cannot be read.
KEFU_EXPORT absl::StatusOr<PolicyPack> LoadPolicyPack(const std::string& path);

}  // namespace kefu

#endif  // KEFU_IO_POLICY_PACK_H_
