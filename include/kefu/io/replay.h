// kefu/io/replay.h: replays a shop's events (JSON Lines, see
// docs/events.md) through a Shop and reports what happened and what is due.
//
// Replay() reads one event per line (kefu/io/line_reader.h: any stream, to
// its end), applies each to a Shop (kefu/engine/shop.h) in file order, and
// asks the shop's deadline queue what fell due as time moves on: before each
// event, everything due by that event's time (so a breach is reported even
// when the deadline was met late, after it), and at the end everything due
// by `until`. Time moves on only with applied events: what falls due after
// the latest applied event's time is reported once an applied event (or
// `until`) reaches it, so an event the shop refuses or rejects, however far
// off its date, moves neither the report's clock nor its default `until`.
// The report has:
//   - the line accounting: every line is counted exactly once, as blank,
//     bad (not a valid event, or longer than max_line_bytes), applied,
//     refused (a rule refused it), duplicate (its event id was applied
//     before) or rejected (the engine refused it: unknown entity, an event
//     the state does not accept...);
//   - entities by state;
//   - decisions by rule: counts per verdict and the totals of their money
//     figures (claimed, cap, amount...) for refusals and adjustments;
//   - actions due by `until`, grouped by who must act (calls, SMS,
//     finance notifications with their amounts);
//   - deadline warnings and breaches;
//   - the after-sales report (AS-WEEKLY) of the last report day within the
//     seven days ending on the day of `until`;
//   - reply findings per agent (PH-*);
//   - the team (ReplayTeam, from the shop's TeamLedger): order targets by
//     month, week and day, response times per agent and day with their
//     warnings, inquiry conversion, score cards, coverage gaps and shift
//     findings, and reports upward by kind.
//
// Thread safety: Replay() is a function of its arguments; it builds its own
// Shop and applies events from the calling thread only (with
// ReplayOptions::parse_ahead, a thread of its own reads `in` during the
// call).
#ifndef KEFU_IO_REPLAY_H_
#define KEFU_IO_REPLAY_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "kefu/core/export.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/core/time.h"
#include "kefu/engine/shop.h"
#include "kefu/engine/shop_event.h"
#include "kefu/engine/team_ledger.h"
#include "kefu/io/line_reader.h"
#include "kefu/machines/ticket_report.h"

namespace kefu {

struct ReplayOptions {
  // When to ask what is due; nullopt: the latest time of an event the shop
  // applied (not one it refused or rejected, nor a duplicate).
  std::optional<Timestamp> until;
  // Stop at the first bad or rejected line (the report says where).
  bool strict = false;
  // How many line errors the report keeps in full (all are counted).
  size_t max_errors_kept = 100;
  // How many items each list of the report keeps in full: actions per
  // agent, warnings, breaches (the earliest ones), and reply findings per
  // agent (the shop's max_findings_per_agent is set to it). Totals and
  // counts always cover everything. 0: keep all.
  size_t max_items_kept = 1000;
  // The shop's policies and calendar. Replay uses one shard: one thread.
  ShopOptions shop;
  // Called about every 64 KiB of input with the bytes read so far.
  std::function<void(int64_t bytes_read)> progress;
  // Replay(std::istream&): a longer line is a bad line, read without being
  // held. Replay(LineReader&) uses the reader's own limit instead.
  size_t max_line_bytes = LineReader::kDefaultMaxLineBytes;
  // Where to start: empty, a fresh shop; else the state an earlier replay
  // ended with (ReplayReport::state): its shop (Shop::Save) and the due
  // items it had taken and not yet reported, so that a week replayed in two
  // runs, split at any line, ends as one run over the whole week (the same
  // entities by state, the same pending deadlines, the same items due after
  // the split). Replay's errors for it: kInvalidArgument when it is not a
  // replay's state, kFailedPrecondition for a newer format, kDataLoss when
  // truncated or corrupted (see Shop::Load).
  std::string state_in;
  // Fill ReplayReport::state with the state after the last event.
  bool save_state = false;
  // Read and parse the lines on a second thread, at most a few thousand
  // lines ahead of the calling thread, which applies them in file order:
  // the report is the same, byte for byte, as without; parsing moves to
  // another core. With `strict`, a stop waits for the line being read (a
  // pipe that never ends: until it does).
  bool parse_ahead = false;
};

struct ReplayLineError {
  int64_t line = 0;
  std::string event_id;  // empty when the line did not parse
  std::string message;
};

struct ReplayRuleTally {
  std::string rule;
  int64_t allowed = 0;
  int64_t refused = 0;
  int64_t adjusted = 0;
  int64_t scheduled = 0;
  // Sums of the Money figures of refused and of adjusted decisions, by
  // figure name, sorted by name.
  std::vector<std::pair<std::string, Money>> refused_money;
  std::vector<std::pair<std::string, Money>> adjusted_money;
};

struct ReplayAction {
  EntityKind entity_kind = EntityKind::kOrder;
  std::string entity;
  std::string event_id;  // the event whose outcome asked for it
  Timestamp due;         // when it is due (the event's time when "now")
  Action action;
};

struct ReplayAgentActions {
  std::string agent;  // "(unassigned)" when nobody is named
  // Actions per kind name ("call", "sms", "notify_finance"...), sorted.
  std::vector<std::pair<std::string, int64_t>> by_kind;
  // Money figures of the agent's actions summed by figure name, sorted.
  std::vector<std::pair<std::string, Money>> money;
  int64_t total = 0;                  // actions of this agent, all counted
  std::vector<ReplayAction> actions;  // the first max_items_kept, in due order
};

// The team's sections of a report, as the shop's TeamLedger has them at
// the end (kefu/engine/team_ledger.h; empty lists when the events say
// nothing of the team).
struct ReplayTeam {
  // KPI-MONTH: every month whose targets are known, in order.
  std::vector<std::pair<absl::CivilMonth, TargetPolicy::Month>> months;
  // KPI-CARRY: every week with orders, by Monday (has_quota false before
  // a month's targets are known).
  std::vector<WeekTargets> weeks;
  // KPI-DAY-DONE: each day with an order counted or a round begun.
  struct Day {
    LocalDay day;
    int64_t orders = 0;
    std::optional<int64_t> quota;
    bool reached = false;  // the quota reached and announced
  };
  std::vector<Day> days;
  // Response times: the shop's rounds per day (`days` order), and each
  // agent's per day (by agent, then day); the warnings of every day (by
  // day, then agent).
  std::vector<std::pair<LocalDay, ResponseStats>> shop_responses;
  struct AgentDay {
    std::string agent;
    LocalDay day;
    ResponseStats stats;
  };
  std::vector<AgentDay> responses;
  std::vector<ResponseWarning> response_warnings;
  ResponsePolicy response_policy;  // what the rates were measured by
  // Inquiry conversion per agent (agents in name order).
  std::vector<std::pair<std::string, Conversion>> conversion;
  // KPI-SCORE, KPI-EXAM: every agent's card with something on it, by
  // agent, then month.
  std::vector<ScoreCard> cards;
  // SH-COVERAGE: the gaps of each day some channel was staffed; and the
  // SH-HANDOVER / SH-SHIFTS / SH-COVERAGE findings with their time, in order.
  std::vector<std::pair<LocalDay, std::vector<Decision>>> coverage_gaps;
  std::vector<std::pair<Timestamp, Decision>> shift_findings;
  // FB-REPORT: every report upward, by kind, then time.
  std::vector<TeamReport> reports;
};

struct ReplayReport {
  // Line accounting: every line read is counted once, so lines == blank +
  // bad + applied + refused + duplicates + rejected. With `strict`, reading
  // stops after the first bad or rejected line (stopped_early).
  int64_t lines = 0;
  int64_t blank = 0;
  int64_t bad = 0;
  int64_t applied = 0;
  int64_t refused = 0;
  int64_t duplicates = 0;
  int64_t rejected = 0;
  bool stopped_early = false;
  int64_t bytes = 0;
  std::vector<ReplayLineError> errors;  // the first max_errors_kept

  // The earliest and latest times of the lines that parsed as events,
  // whatever became of them.
  std::optional<Timestamp> first_event;
  std::optional<Timestamp> last_event;
  // When what is due was asked; InfinitePast when nothing was applied and
  // no `until` was given (then nothing is asked).
  Timestamp until = absl::InfinitePast();

  std::vector<StateCounts> states;            // orders, tickets, reviews[, team]
  std::vector<ReplayRuleTally> rules;         // sorted by rule
  std::vector<ReplayAgentActions> actions;    // sorted by agent
  int64_t actions_total = 0;
  // Deadlines and scheduled actions still open after `until` (those taken
  // from the shop because of a refused or rejected event's time included).
  int64_t pending_after_until = 0;
  // Deadline warnings and breaches: all counted, by rule (sorted), and the
  // first max_items_kept of each listed in time order.
  int64_t warnings_total = 0;
  int64_t breaches_total = 0;
  std::vector<std::pair<std::string, int64_t>> warnings_by_rule;
  std::vector<std::pair<std::string, int64_t>> breaches_by_rule;
  std::vector<DueItem> warnings;
  std::vector<DueItem> breaches;
  std::optional<WeeklyReport> weekly;         // absent before any ticket
  std::vector<AgentReplies> replies;          // sorted by agent
  ReplayTeam team;

  // With ReplayOptions::save_state: the state after the last event, to
  // start a later replay from (ReplayOptions::state_in).
  std::string state;

  // The shop as the replay left it, for further queries. The report's own
  // items do not need it: their rule IDs and texts live as long as the
  // process.
  std::shared_ptr<const Shop> shop;
};

// Replays what `in` reads, to the end of the input. Errors only when the
// input cannot be read (the reader's error, "cannot read ...: <system
// message>"; no report then) or the shop cannot be built; bad lines are
// counted in the report, not returned.
KEFU_EXPORT absl::StatusOr<ReplayReport> Replay(LineReader& in,
                                               const ReplayOptions& options = {});
// Same, reading `in` through a LineReader of options.max_line_bytes; a read
// error (badbit) is kDataLoss "cannot read the events".
KEFU_EXPORT absl::StatusOr<ReplayReport> Replay(std::istream& in,
                                               const ReplayOptions& options = {});

}  // namespace kefu

#endif  // KEFU_IO_REPLAY_H_
