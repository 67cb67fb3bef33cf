// The store's commands (kefu/store/sqlite_store.h, docs/serve.md):
//   kefu serve --db FILE    JSON Lines in, one answer a line out, durably;
//   kefu report --db FILE   the replay report of everything the store took;
//   kefu replay EVENTS --db FILE   a file of events into the store, then
//                           its report (replay.cc hands it over).
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "commands.h"
#include "kefu/core/time.h"
#include "kefu/io/answer_json.h"
#include "kefu/io/events.h"
#include "kefu/io/host_line.h"
#include "kefu/io/line_reader.h"
#include "kefu/store/open.h"
#include "report_output.h"

namespace kefu::tool {
namespace {

constexpr char kServeHelp[] =
    "Keeps a shop in the store FILE (SQLite; created when absent), or in a\n"
    "PostgreSQL database (--db postgresql://... --shop ID), and answers\n"
    "JSON Lines on standard input, one answer a line on standard output,\n"
    "written and flushed once what it reports is durable (docs/serve.md):\n"
    "  an event (docs/events.md)   {\"line\":N,\"id\":...,\"result\":\"applied|refused|\n"
    "                              duplicate|rejected|bad\",...the outcome or error}\n"
    "  {\"tick\":\"TIME\"}             {\"line\":N,\"tick\":TIME,\"due\":[items with ids]}:\n"
    "                              every due item by TIME not yet confirmed\n"
    "  {\"done\":[ids]}              {\"line\":N,\"confirmed\":K}: never returned again\n"
    "  {\"work\":true}               {\"line\":N,\"work\":[items]}: the work list, highest\n"
    "                              priority first (FB-TRIAGE)\n"
    "  {\"work\":\"AGENT\"}            {\"line\":N,\"agent\":AGENT,\"work\":[its next item]}\n"
    "Lines that arrive together share one commit (at most --batch events).\n"
    "A blank line gets no answer. Exit codes: 0 at the end of the input, 1 when\n"
    "the store cannot be opened or written (the line it could not store gets\n"
    "no answer: send it again), 2 usage error.\n"
    "With --http ADDRESS:PORT (port 0: any free one, printed on standard\n"
    "error): POST /events (JSON Lines), GET /due?until=TIME, POST /done\n"
    "{\"done\":[ids]}, GET /work[?agent=AGENT], GET /report[?until=TIME], until\n"
    "SIGINT or SIGTERM.\n";

constexpr char kReportHelp[] =
    "The replay report (as kefu replay writes it) of every event the store FILE\n"
    "took: entities by state, decisions by rule, actions, warnings and breaches\n"
    "due by TIME (default: the latest time of an applied event), what is still\n"
    "pending. Opens the store read-only: works while kefu serve runs. Exit\n"
    "codes: 0 done, 1 no store, not a kefu store, a newer format, corrupted,\n"
    "2 usage error.\n";

std::unique_ptr<ReportingStore> OpenDb(const char* cmd, const StoreArgs& a, std::ostream& err) {
  absl::StatusOr<std::unique_ptr<ReportingStore>> s = OpenStore(a.db, a.store);
  if (!s.ok()) {
    err << "kefu " << cmd << ": " << s.status().message() << "\n";
    return nullptr;
  }
  return *std::move(s);
}

using Request = HostLine;

// Reads standard input's lines as they come: Next() blocks only when no
// whole line is buffered; Ready() says whether one is, or more input is
// waiting, so that lines that arrive together go into one commit.
class InputLines {
 public:
  explicit InputLines(size_t max_line_bytes) : max_(max_line_bytes) {}

  // false at the end of the input; `*error` set when reading failed.
  bool Next(std::string* line, bool* too_long, std::string* error) {
    for (;;) {
      const size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos) {
        *too_long = skipping_;
        skipping_ = false;
        line->assign(buf_, pos_, nl - pos_);
        pos_ = nl + 1;
        return true;
      }
      if (buf_.size() - pos_ > max_) {  // too long: dropped, not held
        skipping_ = true;
        buf_.clear();
        pos_ = 0;
      }
      if (eof_) {
        if (pos_ < buf_.size() || skipping_) {
          *too_long = skipping_;
          skipping_ = false;
          line->assign(buf_, pos_, std::string::npos);
          buf_.clear();
          pos_ = 0;
          return true;
        }
        return false;
      }
      if (!Fill(error)) return false;
    }
  }

  bool Ready() const {
    if (buf_.find('\n', pos_) != std::string::npos) return true;
    if (eof_) return pos_ < buf_.size();
    pollfd p{STDIN_FILENO, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
  }

 private:
  bool Fill(std::string* error) {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    char chunk[65536];
    for (;;) {
      const ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
      if (n > 0) {
        buf_.append(chunk, static_cast<size_t>(n));
        return true;
      }
      if (n == 0) {
        eof_ = true;
        return true;
      }
      if (errno == EINTR) continue;
      *error = absl::StrCat("cannot read standard input: ", std::strerror(errno));
      return false;
    }
  }

  size_t max_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool skipping_ = false;
};

int RunServe(const StoreArgs& a, Streams io) {
  if (!a.http.empty()) {
    if (const int rc = ServeHttpElsewhere(io.err); rc >= 0) return rc;
  }
  std::unique_ptr<ReportingStore> store = OpenDb("serve", a, io.err);
  if (!store) return kExitFailure;
  if (!a.http.empty()) return ServeHttp(*store, a.db, a.http, a.allow_remote, a.lang, io.err);

  InputLines input(a.max_line_bytes);
  std::vector<Request> pending;
  std::string text, error;
  int64_t line_no = 0;
  bool more = true;
  std::vector<ShopEvent> events;
  auto fail = [&](int64_t line, const absl::Status& s) {
    io.err << "kefu serve: line " << line << " not stored: " << s.message() << "\n";
    return kExitFailure;
  };
  while (more) {
    // Gather what has arrived (blocking for the first line only).
    pending.clear();
    size_t n_events = 0;
    do {
      bool too_long = false;
      if (!input.Next(&text, &too_long, &error)) {
        more = false;
        break;
      }
      ++line_no;
      if (!too_long && IsBlankLine(text)) continue;
      if (too_long) {
        Request r;
        r.line = line_no;
        r.error = absl::StrCat("line ", line_no, ": longer than the limit of ", a.max_line_bytes,
                               " bytes a line");
        pending.push_back(std::move(r));
      } else {
        pending.push_back(ParseHostLine(text, line_no));
        if (pending.back().kind == HostLine::kEvent) ++n_events;
      }
    } while (n_events < a.batch && input.Ready());
    if (!error.empty()) {
      io.err << "kefu serve: " << error << "\n";
      return kExitFailure;
    }
    // Answer them in order; consecutive events share one commit.
    for (size_t i = 0; i < pending.size();) {
      const Request& r = pending[i];
      if (r.kind == HostLine::kEvent) {
        size_t j = i;
        events.clear();
        while (j < pending.size() && pending[j].kind == HostLine::kEvent) {
          events.push_back(pending[j++].event);
        }
        absl::StatusOr<std::vector<StoredResult>> results = store->ApplyBatch(events);
        if (!results.ok()) return fail(r.line, results.status());
        for (size_t k = 0; k < results->size(); ++k) {
          const StoredResult& sr = (*results)[k];
          const ShopEvent& e = events[k];
          io.out << EventAnswerJson(e, sr, a.lang, pending[i + k].line) << "\n";
        }
        i = j;
        continue;
      }
      if (r.kind == HostLine::kBad) {
        io.out << BadLineJson(r.line, r.error) << "\n";
      } else if (r.kind == HostLine::kTick) {
        absl::StatusOr<std::vector<StoredDueItem>> due = store->Due(r.tick);
        if (!due.ok()) return fail(r.line, due.status());
        io.out << TickAnswerJson(r.line, r.tick, *due, a.lang) << "\n";
      } else if (r.kind == HostLine::kWork) {
        io.out << ShopWorkAnswerJson(store->shop(), r.line, r.work_agent) << "\n";
      } else {
        absl::StatusOr<size_t> n = store->Confirm(r.done);
        if (!n.ok()) return fail(r.line, n.status());
        io.out << ConfirmAnswerJson(r.line, *n) << "\n";
      }
      ++i;
    }
    io.out.flush();
    if (!io.out) {
      io.err << "kefu serve: cannot write standard output\n";
      return kExitFailure;
    }
  }
  return kExitOk;
}

// The store's report on standard output, as `kefu <cmd>` prints it: JSON,
// or the text report titled with the command. False when it cannot be
// built (the reason on io.err) or written. The last use of `store` (its
// FinalReport: no copy of the shop).
bool PrintStoreReport(std::string_view cmd, ReportingStore& store, const StoreArgs& a, Streams io) {
  absl::StatusOr<ReplayReport> report = store.FinalReport(a.until);
  if (!report.ok()) {
    io.err << "kefu " << cmd << ": " << report.status().message() << "\n";
    return false;
  }
  if (a.json) {
    io.out << ReportJson(a.db, *report, a.lang, 2) << "\n";
  } else {
    std::ostringstream text;
    PrintText(text, a.db, *report, a.limit, a.lang);
    std::string t = std::move(text).str();
    constexpr std::string_view kTitle = "kefu replay ";
    if (t.rfind(kTitle, 0) == 0) t.replace(0, kTitle.size(), "kefu " + std::string(cmd) + " ");
    io.out << t;
  }
  io.out.flush();
  return static_cast<bool>(io.out);
}

int RunReport(StoreArgs a, Streams io) {
  a.store.read_only = true;
  std::unique_ptr<ReportingStore> store = OpenDb("report", a, io.err);
  if (!store) return kExitFailure;
  return PrintStoreReport("report", *store, a, io) ? kExitOk : kExitFailure;
}

}  // namespace

int ReplayIntoStore(const StoreArgs& a, Streams io) {
  absl::StatusOr<std::unique_ptr<LineReader>> in = LineReader::Open(a.file, a.max_line_bytes);
  if (!in.ok()) {
    io.err << "kefu replay: " << in.status().message() << "\n";
    return kExitFailure;
  }
  std::unique_ptr<ReportingStore> store = OpenDb("replay", a, io.err);
  if (!store) return kExitFailure;
  std::vector<ShopEvent> batch;
  int64_t bad = 0, blank = 0, taken = 0;
  auto flush = [&]() {
    if (batch.empty()) return true;
    absl::StatusOr<std::vector<StoredResult>> r = store->ApplyBatch(batch);
    if (!r.ok()) {
      io.err << "kefu replay: " << r.status().message() << " (" << taken
             << " events of this run are stored; run again to continue)\n";
      return false;
    }
    taken += static_cast<int64_t>(batch.size());
    batch.clear();
    return true;
  };
  LineReader::Line line;
  for (;;) {
    absl::StatusOr<bool> more = (*in)->Next(&line);
    if (!more.ok()) {
      flush();
      io.err << "kefu replay: " << more.status().message() << "\n";
      return kExitFailure;
    }
    if (!*more) break;
    if (!line.too_long && IsBlankLine(line.text)) {
      ++blank;
      continue;
    }
    absl::StatusOr<ShopEvent> e =
        line.too_long ? absl::InvalidArgumentError(absl::StrCat(
                            "line ", line.number, ": longer than the limit of ",
                            a.max_line_bytes, " bytes a line"))
                      : ParseEvent(line.text, line.number);
    if (!e.ok()) {
      if (bad < 10) io.err << "kefu replay: " << e.status().message() << "\n";
      ++bad;
      continue;
    }
    batch.push_back(*std::move(e));
    if (batch.size() >= a.batch && !flush()) return kExitFailure;
  }
  if (!flush()) return kExitFailure;
  const bool printed = PrintStoreReport("replay", *store, a, io);
  io.err << "kefu replay: " << taken << " events into " << a.db << " (journal entry "
         << store->journal_seq() << "), " << bad << " bad lines, " << blank << " blank\n";
  return printed ? kExitOk : kExitFailure;
}


// --db FILE, required by every store command.
void AddDb(CLI::App& app, StoreArgs* a) {
  app.add_option("--db", a->db,
                 "the store: a file (SQLite; created by serve and replay when absent) or a "
                 "postgresql:// URI (docs/worker.md)")
      ->type_name("FILE|URI")
      ->required();
  app.add_option("--shop", a->store.shop_id,
                 "with a postgresql:// --db: the shop's id in the database (default \"default\")")
      ->type_name("ID");
}
void AddLang(CLI::App& app, RawStoreArgs* raw) {
  app.add_option("--lang", raw->lang, "the language of reasons and descriptions: zh (default) or en")
      ->type_name("zh|en")
      ->check(CLI::IsMember({"zh", "en"}));
}
void AddUntil(CLI::App& app, RawStoreArgs* raw) {
  app.add_option("--until", raw->until,
                 "when to ask what is due (RFC 3339 with an offset; default: the latest time of "
                 "an applied event)")
      ->type_name("TIME");
}
void AddLimit(CLI::App& app, StoreArgs* a) {
  app.add_option("--limit", a->limit, "text report: items listed per section (default 10)")
      ->type_name("N");
}
void AddWriting(CLI::App& app, StoreArgs* a, RawStoreArgs* raw) {
  app.add_option("--durability", raw->durability,
                 "full (default: fsync on every commit) or normal (survives a process crash, "
                 "may lose the last commits on power loss)")
      ->type_name("full|normal")
      ->check(CLI::IsMember({"full", "normal"}));
  app.add_option("--snapshot-every", raw->snapshot_every,
                 "snapshot the whole shop every N events (older journal rows dropped)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  app.add_option("--snapshot-part-bytes", raw->snapshot_part_bytes,
                 "SQLite: a snapshot's rows at most N bytes (default 1048576), written a few "
                 "with each commit")
      ->type_name("N")
      ->check(CLI::Range(size_t{1}, size_t{1} << 30));
  app.add_option("--batch", a->batch, "events a commit at most (default 10000)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-line-bytes", a->max_line_bytes,
                 "the longest line read, in bytes (default 1048576)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
}

// The checks CLI11 cannot make. Returns kExitOk, or kExitUsage after a
// message.
void AddPolicy(CLI::App& app, RawStoreArgs* raw) {
  app.add_option("--policy", raw->policy,
                 "the shop's policy pack (TOML, docs/policy_pack.md); open a store with the "
                 "pack it was written with")
      ->type_name("FILE");
}

int Finish(const char* cmd, const RawStoreArgs& raw, StoreArgs* a, Streams io) {
  std::ostream& err = io.err;
  a->lang = raw.lang == "en" ? Language::kEn : Language::kZh;
  a->store.durability = raw.durability == "normal" ? Durability::kNormal : Durability::kFull;
  if (raw.snapshot_every) a->store.snapshot_every = static_cast<int64_t>(*raw.snapshot_every);
  if (raw.snapshot_part_bytes) {
    a->store.snapshot_part_bytes = static_cast<int64_t>(*raw.snapshot_part_bytes);
  }
  if (raw.until) {
    absl::StatusOr<Timestamp> t = ParseTimestamp(*raw.until);
    if (!t.ok()) {
      err << "kefu " << cmd << ": --until: " << t.status().message() << "\n";
      return kExitUsage;
    }
    a->until = *t;
  }
  if (!raw.policy.empty() && !LoadPolicyOption(raw.policy, cmd, io, &a->store.shop)) {
    return kExitFailure;
  }
  // One shard, as kefu replay: due items of equal time come in one order.
  a->store.shop.shards = 1;
  return kExitOk;
}


// ------------------------------------------------------------ the commands

Runner SetupServe(CLI::App& app, Streams io) {
  auto a = std::make_shared<StoreArgs>();
  auto raw = std::make_shared<RawStoreArgs>();
  app.footer(kServeHelp);
  AddDb(app, a.get());
  AddWriting(app, a.get(), raw.get());
  AddLang(app, raw.get());
  AddPolicy(app, raw.get());
  app.add_option("--http", a->http,
                 "serve over HTTP on ADDRESS:PORT instead of standard input (docs/serve.md)")
      ->type_name("ADDRESS:PORT");
  app.add_flag("--allow-remote", a->allow_remote,
               "let --http listen on an address that is not loopback");
  return [a, raw, io] {
    if (int rc = Finish("serve", *raw, a.get(), io); rc != kExitOk) return rc;
    return RunServe(*a, io);
  };
}

Runner SetupReport(CLI::App& app, Streams io) {
  auto a = std::make_shared<StoreArgs>();
  auto raw = std::make_shared<RawStoreArgs>();
  app.footer(kReportHelp);
  AddDb(app, a.get());
  app.add_flag("--json", a->json, "the whole report as one JSON document");
  AddUntil(app, raw.get());
  AddLimit(app, a.get());
  AddLang(app, raw.get());
  AddPolicy(app, raw.get());
  return [a, raw, io] {
    if (int rc = Finish("report", *raw, a.get(), io); rc != kExitOk) return rc;
    return RunReport(*a, io);
  };
}

}  // namespace kefu::tool
