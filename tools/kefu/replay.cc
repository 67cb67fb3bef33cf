// kefu replay: applies a shop's events (JSON Lines) and reports what
// happened and what is due, as text or as one JSON document.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "CLI/CLI.hpp"
#include "commands.h"
#include "report_output.h"
#include "kefu/core/time.h"
#include "kefu/io/answer_json.h"
#include "kefu/io/line_reader.h"
#include "kefu/io/replay.h"

namespace kefu::tool {
namespace {

constexpr char kAbout[] =
    "Applies every event of EVENTS (JSON Lines, see docs/events.md; `-` for\n"
    "standard input; a pipe, a FIFO or /dev/stdin is read to its end) to a shop\n"
    "with the catalogue's default policies (or a policy pack's, --policy), then\n"
    "asks what is due at TIME (RFC 3339 with an offset; default: the latest time\n"
    "of an event the shop applied). The report: line totals, entities by state,\n"
    "decisions by rule, actions due by agent, deadline warnings and breaches, the\n"
    "week's after-sales report (AS-WEEKLY) and reply findings per agent.\n"
    "\n"
    "Bad lines (not an event, or longer than --max-line-bytes) are reported with\n"
    "their line number and counted; processing goes on unless --strict is given,\n"
    "which stops at the first bad or rejected line and exits 1. Exit codes: 0\n"
    "done, 1 input that cannot be opened or read (with the system's reason), a\n"
    "policy pack that is not valid, or a --strict stop, 2 usage error.";

// The command line as given; values are checked by RunReplay.
struct Args {
  std::string file;
  bool json = false;
  bool strict = false;
  bool no_progress = false;
  bool parse_ahead = false;
  std::optional<std::string> until, limit, keep, max_line_bytes;
  std::string lang = "zh";
  std::string state_in, state_out, policy;
  // --db FILE: into a store instead (serve.cc, docs/serve.md).
  StoreArgs store;
  RawStoreArgs store_raw;
};

std::string Time(Timestamp t) { return FormatTimestamp(t); }

// The whole of a file, or an error naming it and the system's reason.
bool ReadWhole(const std::string& path, std::string* out, std::ostream& err) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    err << "kefu replay: cannot open " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  std::ostringstream buf;
  buf << f.rdbuf();
  if (f.bad()) {
    err << "kefu replay: cannot read " << path << "\n";
    return false;
  }
  *out = std::move(buf).str();
  return true;
}

// Writes `data` to path.tmp, then renames it over `path`.
bool WriteWhole(const std::string& path, const std::string& data, std::ostream& err) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      err << "kefu replay: cannot write " << tmp << ": " << std::strerror(errno) << "\n";
      return false;
    }
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    f.flush();
    if (!f) {
      err << "kefu replay: cannot write " << tmp << ": " << std::strerror(errno) << "\n";
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    err << "kefu replay: cannot rename " << tmp << " to " << path << ": " << std::strerror(errno)
        << "\n";
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

// A decimal count >= 0, or nullopt.
std::optional<size_t> ParseCount(const std::string& v) {
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < 0) return std::nullopt;
  return static_cast<size_t>(n);
}

// "12.34元" or "12.34 yuan", as the reasons write amounts.
std::string Yuan(Money m, Language lang) { return Figure{"amount", m}.Render(lang); }

std::string MoneyList(const std::vector<std::pair<std::string, Money>>& money, Language lang) {
  std::string out;
  for (const auto& [name, m] : money) {
    if (!out.empty()) out += ", ";
    out += name + " " + Yuan(m, lang);
  }
  return out;
}

// The program exits after one replay: the report and its shop (millions of
// small blocks at shop scale) are kept instead of freed one by one, and the
// system takes the memory back at exit. Kept reachable, so leak checkers
// do not count them.
void KeepUntilExit(ReplayReport report) {
  static auto* const kept = new std::vector<ReplayReport>;
  kept->push_back(std::move(report));
}

std::string Day(LocalDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

}  // namespace

// ------------------------------------------------------------------ text

namespace {

std::string Month(absl::CivilMonth m) { return absl::StrFormat("%04d-%02d", m.year(), m.month()); }

std::string RateText(const std::optional<Rate>& r) { return r ? r->ToString() : "-"; }

std::string Seconds(Duration d) { return absl::StrCat(absl::ToInt64Seconds(d), "s"); }

// The team's sections (ReplayTeam): targets, response times, conversion,
// score cards, shifts, reports upward.
void PrintTeam(std::ostream& os, const ReplayTeam& t, Language lang) {
  os << "\nTeam targets (KPI-MONTH, KPI-CARRY, KPI-DAY-DONE)\n";
  for (const auto& [month, m] : t.months) {
    os << "  month " << Month(month) << ": base " << m.base << ", stretch " << m.stretch
       << ", " << m.daily << " a day, " << m.weekly << " a week\n";
  }
  for (const WeekTargets& w : t.weeks) {
    os << "  week of " << Day(w.monday) << ": " << w.done << " orders";
    if (w.has_quota) {
      os << " of " << w.quota.quota << " (" << w.quota.daily << " a day, " << w.quota.carried
         << " carried)";
    } else {
      os << ", no quota yet";
    }
    os << "\n";
  }
  for (const ReplayTeam::Day& d : t.days) {
    os << "  " << Day(d.day) << ": " << d.orders << " orders";
    if (d.quota) os << " of " << *d.quota << (d.reached ? ", quota reached" : "");
    os << "\n";
  }

  const ResponsePolicy& p = t.response_policy;
  os << "\nTeam response times (answered within " << Seconds(p.within) << ", target "
     << p.target.ToString() << ")\n";
  for (const auto& [day, s] : t.shop_responses) {
    os << "  " << Day(day) << ": " << s.rounds << " rounds, " << s.answered << " answered, rate "
       << RateText(s.rate()) << ", mean first response " << Seconds(s.mean_first_response())
       << "\n";
  }
  for (const ReplayTeam::AgentDay& a : t.responses) {
    os << "  " << a.agent << " " << Day(a.day) << ": " << a.stats.rounds << " rounds, rate "
       << RateText(a.stats.rate()) << " (" << a.stats.in_time << " of " << a.stats.counted
       << "), mean first response " << Seconds(a.stats.mean_first_response()) << "\n";
  }
  for (const ResponseWarning& w : t.response_warnings) {
    os << "  ! " << w.agent << " " << Day(w.day) << ": " << w.rate.ToString() << " below "
       << w.target.ToString() << " (" << w.in_time << " of " << w.counted << " in time)\n";
  }

  os << "\nTeam inquiry conversion (buyers who ordered after asking)\n";
  for (const auto& [agent, c] : t.conversion) {
    os << "  " << agent << ": " << c.ordered << " of " << c.asked << " (" << RateText(c.rate())
       << ")\n";
  }

  os << "\nTeam score cards (KPI-SCORE, KPI-EXAM)\n";
  for (const ScoreCard& c : t.cards) {
    os << "  " << c.agent << " " << Month(c.month) << ": " << c.total << " of " << c.possible
       << " scored (full card " << c.full << ")";
    if (c.exam) os << ", exam " << *c.exam << (c.exam_passed ? " passed" : " failed");
    os << "\n   ";
    for (int i = 0; i < kScorePartCount; ++i) {
      os << " " << ScorePartName(static_cast<ScorePart>(i)) << " ";
      if (c.parts[i]) {
        os << *c.parts[i];
      } else {
        os << "-";
      }
    }
    os << "\n";
  }

  os << "\nTeam shifts (SH-SHIFTS, SH-COVERAGE, SH-HANDOVER)\n";
  for (const auto& [day, gaps] : t.coverage_gaps) {
    os << "  " << Day(day) << ": " << gaps.size() << " hours unstaffed\n";
    for (const Decision& d : gaps) os << "    " << d.Reason(lang) << "\n";
  }
  for (const auto& [at, d] : t.shift_findings) {
    os << "  " << Time(at) << "  " << d.rule << "  " << d.Reason(lang) << "\n";
  }

  os << "\nTeam reports upward (FB-REPORT)\n";
  for (const TeamReport& r : t.reports) {
    os << "  " << ReportKindName(r.kind) << "  " << Time(r.at) << "  " << r.from << ": "
       << r.summary << "\n";
  }
}

}  // namespace

void PrintText(std::ostream& os, const std::string& file, const ReplayReport& r, size_t limit,
               Language lang) {
  auto shown = [limit](size_t n) { return limit == 0 ? n : std::min(n, limit); };
  os << "kefu replay " << file << "\n";
  os << "  " << r.lines << " lines: " << r.applied << " applied, " << r.refused
     << " refused by a rule, " << r.duplicates << " duplicates, " << r.rejected
     << " rejected, " << r.bad << " bad, " << r.blank << " blank"
     << (r.stopped_early ? " (stopped at the first error: --strict)" : "") << "\n";
  if (r.first_event) {
    os << "  events from " << Time(*r.first_event) << " to " << Time(*r.last_event) << "\n";
  }
  if (r.until != absl::InfinitePast()) os << "  due as of " << Time(r.until) << "\n";
  if (r.shop && !r.shop->policy_revision().empty()) {
    os << "  policy pack revision " << r.shop->policy_revision() << "\n";
  }
  for (size_t i = 0; i < shown(r.errors.size()); ++i) {
    os << "  ! " << r.errors[i].message << "\n";
  }
  if (r.errors.size() > shown(r.errors.size())) {
    os << "  ! ... " << (r.bad + r.rejected - static_cast<int64_t>(shown(r.errors.size())))
       << " more\n";
  }

  os << "\nEntities by state\n";
  for (const StateCounts& c : r.states) {
    os << "  " << (c.kind == EntityKind::kTeam ? std::string_view("team members")
                                               : EntityKindName(c.kind))
       << (c.kind == EntityKind::kTeam ? "" : "s") << " " << c.total << ":";
    const char* sep = " ";
    for (const auto& [state, n] : c.by_state) {
      os << sep << state << " " << n;
      sep = ", ";
    }
    os << "\n";
  }

  os << "\nDecisions by rule (allowed / refused / adjusted / scheduled)\n";
  for (const ReplayRuleTally& t : r.rules) {
    os << absl::StrFormat("  %-18s %7d %7d %7d %7d", t.rule, t.allowed, t.refused, t.adjusted,
                          t.scheduled);
    if (!t.refused_money.empty()) os << "  refused: " << MoneyList(t.refused_money, lang);
    if (!t.adjusted_money.empty()) os << "  adjusted: " << MoneyList(t.adjusted_money, lang);
    os << "\n";
  }

  os << "\nActions due, by agent (" << r.actions_total << " in all";
  if (r.until != absl::InfinitePast()) {
    os << "; " << r.pending_after_until << " deadlines and actions still pending after "
       << Time(r.until);
  }
  os << ")\n";
  for (const ReplayAgentActions& a : r.actions) {
    os << "  " << a.agent << ":";
    const char* sep = " ";
    for (const auto& [kind, n] : a.by_kind) {
      os << sep << kind << " " << n;
      sep = ", ";
    }
    if (!a.money.empty()) os << " (" << MoneyList(a.money, lang) << ")";
    os << "\n";
    for (size_t i = 0; i < shown(a.actions.size()); ++i) {
      const ReplayAction& x = a.actions[i];
      os << "    " << Time(x.due) << "  " << ActionKindName(x.action.kind) << "  "
         << x.action.rule << "  " << EntityKindName(x.entity_kind) << " " << x.entity;
      if (!x.action.subject.empty()) os << " → " << x.action.subject;
      os << "  " << x.action.Describe(lang) << "\n";
    }
    const int64_t listed = static_cast<int64_t>(shown(a.actions.size()));
    if (a.total > listed) os << "    ... " << a.total - listed << " more\n";
  }

  auto print_due = [&](const char* title, int64_t total,
                       const std::vector<std::pair<std::string, int64_t>>& by_rule,
                       const std::vector<DueItem>& items) {
    os << "\n" << title << " (" << total << ")";
    const char* sep = ": ";
    for (const auto& [rule, n] : by_rule) {
      os << sep << rule << " " << n;
      sep = ", ";
    }
    os << "\n";
    for (size_t i = 0; i < shown(items.size()); ++i) {
      const DueItem& d = items[i];
      os << "  " << Time(d.at) << "  " << d.rule << "  " << EntityKindName(d.entity_kind) << " "
         << d.entity << "  " << d.deadline.Describe(lang) << "\n";
    }
    const int64_t listed = static_cast<int64_t>(shown(items.size()));
    if (total > listed) os << "  ... " << total - listed << " more\n";
  };
  print_due("Deadline warnings", r.warnings_total, r.warnings_by_rule, r.warnings);
  print_due("Deadline breaches", r.breaches_total, r.breaches_by_rule, r.breaches);

  if (r.weekly) {
    const WeeklyReport& w = *r.weekly;
    os << "\nAfter-sales week " << Day(w.first_day) << " to " << Day(w.last_day)
       << " (AS-WEEKLY): " << w.tickets << " tickets";
    const char* sep = " (";
    for (const auto& [k, n] : w.by_kind) {
      os << sep << k << " " << n;
      sep = ", ";
    }
    os << (w.by_kind.empty() ? "" : ")") << "\n";
    os << "  cost " << Yuan(w.cost.total, lang) << ": postage " << Yuan(w.cost.postage, lang)
       << ", refunds " << Yuan(w.cost.refund, lang) << ", compensation "
       << Yuan(w.cost.compensation, lang) << ", cash in parcels "
       << Yuan(w.cost.cash_in_parcel, lang) << "\n";
    for (const auto& [agent, c] : w.cost_by_agent) {
      os << "  " << agent << ": " << Yuan(c.total, lang) << "\n";
    }
    os << "  deadlines breached in the week: " << w.breaches.size() << "\n";
  }

  os << "\nReply findings by agent (PH)\n";
  for (const AgentReplies& a : r.replies) {
    os << "  " << a.agent << ": " << a.replies << " replies, " << a.replies_with_findings
       << " with findings";
    const char* sep = " (";
    for (const auto& [rule, n] : a.by_rule) {
      os << sep << rule << " " << n;
      sep = ", ";
    }
    os << (a.by_rule.empty() ? "" : ")") << "\n";
    for (size_t i = 0; i < shown(a.findings.size()); ++i) {
      const AgentReplies::Item& f = a.findings[i];
      os << "    " << Time(f.at) << "  " << f.finding.rule_id << "  「" << f.finding.text
         << "」";
      if (!f.finding.suggestion.empty()) os << " → " << f.finding.suggestion;
      os << "  (" << f.conversation << ")\n";
    }
    int64_t findings = 0;
    for (const auto& [rule, n] : a.by_rule) findings += n;
    const int64_t listed = static_cast<int64_t>(shown(a.findings.size()));
    if (findings > listed) os << "    ... " << findings - listed << " more\n";
  }
  PrintTeam(os, r.team, lang);
}

namespace {

// kefu replay EVENTS --db FILE: the events into the store, then its report.
int RunReplayIntoStore(const Args& args, Streams io) {
  if (!args.state_in.empty() || !args.state_out.empty() || args.strict || args.keep ||
      args.parse_ahead) {
    io.err << "kefu replay: --db keeps the shop in the store: --state-in, --state-out, "
              "--strict, --keep and --parse-ahead do not apply to it\n";
    return kExitUsage;
  }
  StoreArgs a = args.store;
  RawStoreArgs raw = args.store_raw;
  a.file = args.file;
  a.json = args.json;
  raw.lang = args.lang;
  raw.until = args.until;
  raw.policy = args.policy;
  if (args.limit || args.max_line_bytes) {
    auto count = [&](const std::optional<std::string>& text, const char* name, size_t min,
                     size_t* into) {
      if (!text) return true;
      char* end = nullptr;
      const long long x = std::strtoll(text->c_str(), &end, 10);
      if (text->empty() || *end != '\0' || x < static_cast<long long>(min)) {
        io.err << "kefu replay: " << name << " needs a count >= " << min << ", got \"" << *text
               << "\"\n";
        return false;
      }
      *into = static_cast<size_t>(x);
      return true;
    };
    if (!count(args.limit, "--limit", 0, &a.limit) ||
        !count(args.max_line_bytes, "--max-line-bytes", 1, &a.max_line_bytes)) {
      return kExitUsage;
    }
  }
  if (int rc = Finish("replay", raw, &a, io); rc != kExitOk) return rc;
  return ReplayIntoStore(a, io);
}

int RunReplay(const Args& args, Streams io) {
  if (!args.store.db.empty()) return RunReplayIntoStore(args, io);
  const std::string& file = args.file;
  const bool json = args.json;
  const bool progress = !args.no_progress;
  size_t limit = 10;
  size_t max_line_bytes = LineReader::kDefaultMaxLineBytes;
  Language lang = Language::kZh;
  const std::string& state_in_path = args.state_in;
  const std::string& state_out_path = args.state_out;
  const std::string& policy_path = args.policy;
  ReplayOptions options;
  options.strict = args.strict;
  options.parse_ahead = args.parse_ahead;
  if (args.until) {
    absl::StatusOr<Timestamp> t = ParseTimestamp(*args.until);
    if (!t.ok()) {
      io.err << "kefu replay: --until: " << t.status().message() << "\n";
      return kExitUsage;
    }
    options.until = *t;
  }
  if (args.lang == "en") {
    lang = Language::kEn;
  } else if (args.lang != "zh") {
    io.err << "kefu replay: --lang takes zh or en, got \"" << args.lang << "\"\n";
    return kExitUsage;
  }
  for (const auto& [name, value] : {std::pair{"--limit", args.limit}, std::pair{"--keep", args.keep},
                                    std::pair{"--max-line-bytes", args.max_line_bytes}}) {
    if (!value) continue;
    const std::string a = name;
    const std::string& v = *value;
    std::optional<size_t> n = ParseCount(v);
    if (a == "--max-line-bytes" && (!n || *n == 0)) {
      io.err << "kefu replay: --max-line-bytes needs a count >= 1, got \"" << v << "\"\n";
      return kExitUsage;
    }
    if (!n) {
      io.err << "kefu replay: " << a << " needs a count >= 0, got \"" << v << "\"\n";
      return kExitUsage;
    }
    if (a == "--limit") {
      limit = *n;
    } else if (a == "--keep") {
      options.max_items_kept = *n;
    } else {
      max_line_bytes = *n;
    }
  }
  if (!policy_path.empty()) {
    if (policy_path == "-" && file == "-") {
      io.err << "kefu replay: the events and the policy pack cannot both be standard input\n";
      return kExitUsage;
    }
    if (!LoadPolicyOption(policy_path, "replay", io, &options.shop)) return kExitFailure;
  }
  if (!state_in_path.empty() && !ReadWhole(state_in_path, &options.state_in, io.err)) {
    return kExitFailure;
  }
  options.save_state = !state_out_path.empty();
  absl::StatusOr<std::unique_ptr<LineReader>> in = LineReader::Open(file, max_line_bytes);
  if (!in.ok()) {
    io.err << "kefu replay: " << in.status().message() << "\n";
    return kExitFailure;
  }
  // A progress bar only when standard error is a terminal and the size is
  // known (a regular file), and not for tiny files.
  const int64_t total_bytes = (*in)->size_hint();
  const bool show_progress = progress && &io.err == &std::cerr && isatty(STDERR_FILENO) &&
                             total_bytes > (1 << 20);
  if (show_progress) {
    options.progress = [&](int64_t bytes) {
      const int percent = static_cast<int>(100 * bytes / std::max<int64_t>(total_bytes, 1));
      const int bar = percent * 30 / 100;
      io.err << "\r[" << std::string(bar, '#') << std::string(30 - bar, ' ') << "] "
             << percent << "% " << bytes / (1 << 20) << " MiB" << std::flush;
    };
  }
  absl::StatusOr<ReplayReport> report = kefu::Replay(**in, options);
  if (show_progress) io.err << "\r" << std::string(60, ' ') << "\r" << std::flush;
  if (!report.ok()) {
    io.err << "kefu replay: " << report.status().message() << "\n";
    return kExitFailure;
  }
  if (!state_out_path.empty() && !WriteWhole(state_out_path, report->state, io.err)) {
    return kExitFailure;
  }
  if (json) {
    io.out << ReportJson(file, *report, lang, 2) << "\n";
  } else {
    PrintText(io.out, file, *report, limit, lang);
  }
  io.out.flush();
  if (!io.out) {
    io.err << "kefu replay: write error\n";
    return kExitFailure;
  }
  io.err << "kefu replay: " << report->lines << " lines, " << report->applied << " applied, "
         << report->refused << " refused, " << report->duplicates << " duplicates, "
         << report->rejected << " rejected, " << report->bad << " bad, " << report->blank
         << " blank\n";
  const int rc = report->stopped_early ? kExitFailure : kExitOk;
  KeepUntilExit(*std::move(report));
  return rc;
}

}  // namespace

Runner SetupReplay(CLI::App& app, Streams io) {
  auto args = std::make_shared<Args>();
  app.footer(kAbout);
  app.add_option("EVENTS", args->file, "the events, JSON Lines (- for standard input)")
      ->type_name("FILE")
      ->required();
  app.add_option("--until", args->until, "when to ask what is due (RFC 3339 with an offset)")
      ->type_name("TIME");
  app.add_flag("--json", args->json, "the whole report as one JSON document on standard output");
  app.add_flag("--strict", args->strict, "stop at the first bad or rejected line (exit 1)");
  app.add_option("--limit", args->limit,
                 "text report: items listed per section and agent (default 10; 0 = all kept). "
                 "Totals always count everything")
      ->type_name("N");
  app.add_option("--keep", args->keep,
                 "items the report keeps per list (default 1000; 0 = all): what --json lists "
                 "in full")
      ->type_name("N");
  app.add_option("--lang", args->lang,
                 "the language of the reasons and descriptions: zh (default) or en")
      ->type_name("zh|en");
  app.add_option("--max-line-bytes", args->max_line_bytes,
                 "the longest line read, in bytes (default 1048576); a longer one is a bad "
                 "line, never held in memory")
      ->type_name("N");
  app.add_flag("--no-progress", args->no_progress, "no progress bar on standard error");
  app.add_flag("--parse-ahead", args->parse_ahead,
               "read and parse the events on a second thread, ahead of the one applying them "
               "(the same report; uses a second core)");
  app.add_option("--state-in", args->state_in,
                 "start from the state an earlier replay wrote with --state-out instead of an "
                 "empty shop; a file that is not such a state, of a newer format, truncated or "
                 "corrupted: exit 1")
      ->type_name("FILE");
  app.add_option("--state-out", args->state_out,
                 "write the state after the last event to FILE (written beside it, then "
                 "renamed: whole or untouched); a week replayed in two runs, split at any "
                 "line, ends as one run over the whole week")
      ->type_name("FILE");
  app.add_option("--policy", args->policy,
                 "the shop's policy pack (TOML, docs/policy_pack.md; - for standard input): "
                 "its rules, calendar, couriers and phrases; not valid: its errors, exit 1")
      ->type_name("FILE");
  app.add_option("--db", args->store.db,
                 "apply the events to the shop kept in the store FILE (created when absent) and "
                 "report everything it has taken, this run's events and earlier ones' "
                 "(docs/serve.md)")
      ->type_name("FILE");
  args->store.max_line_bytes = LineReader::kDefaultMaxLineBytes;
  app.add_option("--durability", args->store_raw.durability,
                 "with --db: full (default) or normal (docs/store.md)")
      ->type_name("full|normal")
      ->check(CLI::IsMember({"full", "normal"}));
  app.add_option("--snapshot-every", args->store_raw.snapshot_every,
                 "with --db: a snapshot of the shop every N journal entries")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  app.add_option("--batch", args->store.batch, "with --db: events a commit (default 10000)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  return [args, io] { return RunReplay(*args, io); };
}

}  // namespace kefu::tool
