// kefu/io/scenario.h: scenario files, a shop's own tests of its rules in
// its own words, and the coverage of the machines and rules they exercise
// (docs/testing.md has the format; `kefu test` runs them).
//
// A scenario file is TOML: a [scenario] table (its name, the policy pack it
// runs with, the first day of its calendar), optional [pack.RULE-ID] tables
// overriding keys of that pack, and [[step]] tables in order. A step happens
// at a time; it may give one event (an order, ticket, review or reply
// event, its fields as docs/events.md names them) and expect what the shop
// decides: the decisions, actions and deadlines of the outcome, the
// refusing rule or the error, the entity's state afterwards, and the
// deadlines and scheduled actions that fell due by the step's time.
//
//   [scenario]
//   name = "A neutral review gets at most two calls"
//   start = "2026-11-02"
//
//   [[step]]
//   say = "第3次电话"
//   at = "day 1 15:00"
//   review = "R1"
//   event = "contact_attempted"
//   fields = { channel = "phone", result = "unreachable" }
//   expect.refused = "RV-CONTACT-LIMIT"
//
// Reading is strict: an unknown table or key, a value of the wrong type, a
// time or event that does not parse is an error naming the file, the line
// and the key, and nothing runs. A scenario that runs and does not get what
// it expects fails, with a diff per step of what it expected ("- ") and what
// the shop did ("+ ").
//
// Thread safety: pure functions; a ScenarioCoverage is a value, not
// synchronized.
#ifndef KEFU_IO_SCENARIO_H_
#define KEFU_IO_SCENARIO_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"
#include "kefu/core/outcome.h"
#include "kefu/engine/shop_event.h"
#include "kefu/io/policy_pack.h"
#include "kefu/machines/transition_table.h"

namespace kefu {

// A rule of the catalogue (docs/rules.md), for the coverage report.
struct CatalogueRule {
  std::string_view id;  // "AS-POSTAGE-CAP"
  // False for the rules no Shop event is judged by today: the targets
  // (KPI-MONTH, KPI-CARRY, KPI-DAY-DONE, counted from orders), SH-SHIFTS
  // (a team event's shift template, no decision of its own) and FB-TRIAGE
  // (the work list). The team entity's events (issue 20) are judged by
  // KPI-SCORE, KPI-EXAM, SH-COVERAGE, SH-HANDOVER, FB-REPORT and FB-ROLES.
  bool judged_on_events = true;
};
// Every rule ID of the catalogue, in the catalogue's order (57 rules).
KEFU_EXPORT const std::vector<CatalogueRule>& CatalogueRules();

// Which rows of the machines' transition tables and which rules of the
// catalogue a run exercised.
//
// A row is exercised by an applied event (not refused, not a duplicate)
// whose audit record's (state before, event, state after) is the row's
// (source, event, target); rows that differ only by their guard are
// exercised together. A rule is exercised by any decision, action or
// deadline naming it, refusals included.
class KEFU_EXPORT ScenarioCoverage {
 public:
  ScenarioCoverage();

  // Records the outcome of an event for an entity of `kind`.
  void Record(EntityKind kind, const Outcome& outcome);

  struct Row {
    const Transition* transition = nullptr;  // a row of the machine's Table()
    int64_t hits = 0;
  };
  struct Machine {
    const TransitionTable* table = nullptr;  // Order::Table(), ...
    std::vector<Row> rows;                   // in table order
  };
  // Order, ticket, review and reply conversation, in that order.
  const std::vector<Machine>& machines() const { return machines_; }
  // Decisions, actions and deadlines seen per rule ID (catalogue rules and
  // any other, such as a shop's own phrase list's).
  const std::map<std::string, int64_t, std::less<>>& rules() const { return rules_; }

  // The report `kefu test --coverage` prints: per machine, its rows
  // exercised and never exercised ("source --event--> target [guard]"),
  // then the catalogue's rules exercised and never, the rules no event
  // judges listed apart.
  std::string Report() const;

 private:
  std::vector<Machine> machines_;
  std::map<std::string, int64_t, std::less<>> rules_;
};

// A step that did not get what it expected.
struct ScenarioFailure {
  int step = 0;       // 1-based
  int64_t line = 0;   // the step's line in the file
  std::string title;  // the step's `say`, else its event ("contact_attempted review R1")
  // "- <expected>" and "+ <actual>" lines.
  std::vector<std::string> diff;
};

struct ScenarioResult {
  std::string file;
  std::string name;  // [scenario] name, else the file name
  int steps = 0;
  std::vector<ScenarioFailure> failures;
  bool passed() const { return failures.empty(); }
};

struct ScenarioOptions {
  // The pack a scenario runs with when it names none (--policy); nullopt:
  // the catalogue's defaults. A scenario's own `policy` replaces it; its
  // [pack.*] tables override keys of whichever applies.
  std::optional<PolicyPack> policy;
  // When given, every outcome of the run is recorded here.
  ScenarioCoverage* coverage = nullptr;
};

// True when `toml` has a [scenario] table (a TOML file in a directory of
// scenarios that has none, such as the pack, is not a scenario). Text that
// is not TOML counts as a scenario, so that its error is reported.
KEFU_EXPORT bool LooksLikeScenario(std::string_view toml);

// Reads and runs the scenario in `toml`; `file` names it in messages and
// locates its `policy` file (a relative path is relative to the directory
// of `file`). kInvalidArgument "file:line:column: key: message" for a file
// that is not a valid scenario (nothing runs); the pack's own errors for a
// pack that does not read. Otherwise the result, passed or failed.
KEFU_EXPORT absl::StatusOr<ScenarioResult> RunScenario(std::string_view toml,
                                                       const std::string& file,
                                                       const ScenarioOptions& options = {});

// The same for the file at `path`; kNotFound and the like when it cannot be
// read.
KEFU_EXPORT absl::StatusOr<ScenarioResult> RunScenarioFile(const std::string& path,
                                                           const ScenarioOptions& options = {});

}  // namespace kefu

#endif  // KEFU_IO_SCENARIO_H_
