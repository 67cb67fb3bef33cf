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

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "kefu/core/time.h"
#include "kefu/io/events.h"
#include "kefu/io/line_reader.h"
#include "kefu/store/sqlite_store.h"
#include "nlohmann/json.hpp"
#include "report_output.h"

namespace kefu::tool {
namespace {

constexpr char kServeHelp[] =
    "usage: kefu serve --db FILE [--durability full|normal] [--snapshot-every N]\n"
    "                  [--batch N] [--lang zh|en] [--http ADDRESS:PORT [--allow-remote]]\n"
    "\n"
    "Keeps a shop in the store FILE (SQLite; created when absent) and answers\n"
    "JSON Lines on standard input, one answer a line on standard output,\n"
    "written and flushed once what it reports is durable (docs/serve.md):\n"
    "  an event (docs/events.md)   {\"line\":N,\"id\":...,\"result\":\"applied|refused|\n"
    "                              duplicate|rejected|bad\",...the outcome or error}\n"
    "  {\"tick\":\"TIME\"}             {\"line\":N,\"tick\":TIME,\"due\":[items with ids]}:\n"
    "                              every due item by TIME not yet confirmed\n"
    "  {\"done\":[ids]}              {\"line\":N,\"confirmed\":K}: never returned again\n"
    "Lines that arrive together share one commit (at most --batch events).\n"
    "A blank line gets no answer. Exit codes: 0 at the end of the input, 1 when\n"
    "the store cannot be opened or written (the line it could not store gets\n"
    "no answer: send it again), 2 usage error.\n"
    "\n"
    "options:\n"
    "  --db FILE          the store\n"
    "  --durability full|normal  full (default): every commit synced to disk;\n"
    "                     normal: survives a crash of the process, a power loss\n"
    "                     may lose the last commits\n"
    "  --snapshot-every N a snapshot of the shop every N journal entries\n"
    "                     (default 100000)\n"
    "  --batch N          the most events one commit takes (default 10000)\n"
    "  --lang zh|en       the language of reasons and descriptions (default zh)\n"
    "  --http ADDRESS:PORT  serve HTTP instead of standard input (port 0: any free\n"
    "                     one; the address is printed on standard error):\n"
    "                     POST /events (JSON Lines), GET /due?until=TIME,\n"
    "                     POST /done {\"done\":[ids]}, GET /report[?until=TIME].\n"
    "                     Until SIGINT or SIGTERM\n"
    "  --allow-remote     let --http listen on an address that is not loopback\n";

constexpr char kReportHelp[] =
    "usage: kefu report --db FILE [--json] [--until TIME] [--limit N] [--lang zh|en]\n"
    "\n"
    "The replay report (as kefu replay writes it) of every event the store FILE\n"
    "took: entities by state, decisions by rule, actions, warnings and breaches\n"
    "due by TIME (default: the latest time of an applied event), what is still\n"
    "pending. Opens the store read-only: works while kefu serve runs. Exit\n"
    "codes: 0 done, 1 no store, not a kefu store, a newer format, corrupted,\n"
    "2 usage error.\n";

constexpr char kReplayDbHelp[] =
    "usage: kefu replay EVENTS.jsonl --db FILE [--until TIME] [--json] [--limit N]\n"
    "                   [--lang zh|en] [--durability full|normal] [--snapshot-every N]\n"
    "                   [--batch N] [--max-line-bytes N]\n"
    "\n"
    "Applies EVENTS.jsonl to the shop in the store FILE (created when absent),\n"
    "--batch events a commit (default 10000), then writes the store's report:\n"
    "that of one replay of every event the store has taken, this run's and\n"
    "earlier ones'. A nightly job continues where the last one stopped. Bad\n"
    "lines are counted on standard error. Exit codes: 0 done, 1 the input or\n"
    "the store cannot be read or written, 2 usage error.\n";

std::string Time(Timestamp t) { return FormatTimestamp(t); }

// Options the three commands share.
struct StoreArgs {
  std::string db;
  std::string file;  // replay: the events
  bool json = false;
  size_t limit = 10;
  size_t batch = 10000;
  size_t max_line_bytes = LineReader::kDefaultMaxLineBytes;
  Language lang = Language::kZh;
  std::optional<Timestamp> until;
  std::string http;  // serve: ADDRESS:PORT
  bool allow_remote = false;
  SqliteStoreOptions store;
};

// Parses `args`; `allowed` lists the options the command takes. Returns
// kExitOk to go on, kExitUsage after an error or --help (`*help` set).
int ParseArgs(const char* cmd, const char* usage, const std::vector<std::string>& args,
              std::vector<std::string_view> allowed, bool wants_file, StoreArgs* a,
              std::ostream& out, std::ostream& err, bool* help) {
  auto allows = [&](std::string_view o) {
    for (std::string_view x : allowed) {
      if (x == o) return true;
    }
    return false;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& o = args[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= args.size()) {
        err << "kefu " << cmd << ": " << o << " needs a value\n";
        return false;
      }
      *v = args[++i];
      return true;
    };
    auto count = [&](size_t* n, size_t min) {
      std::string v;
      if (!value(&v)) return false;
      char* end = nullptr;
      const long long x = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || x < static_cast<long long>(min)) {
        err << "kefu " << cmd << ": " << o << " needs a count >= " << min << ", got \"" << v
            << "\"\n";
        return false;
      }
      *n = static_cast<size_t>(x);
      return true;
    };
    std::string v;
    if (o == "-h" || o == "--help") {
      out << usage;
      *help = true;
      return kExitUsage;
    } else if (o == "--db") {
      if (!value(&a->db)) return kExitUsage;
    } else if (o == "--http" && allows(o)) {
      if (!value(&a->http)) return kExitUsage;
    } else if (o == "--allow-remote" && allows(o)) {
      a->allow_remote = true;
    } else if (o == "--no-progress" && allows(o)) {
      // kefu replay's option; the store's replay shows no progress bar
    } else if (o == "--json" && allows(o)) {
      a->json = true;
    } else if (o == "--limit" && allows(o)) {
      if (!count(&a->limit, 0)) return kExitUsage;
    } else if (o == "--batch" && allows(o)) {
      if (!count(&a->batch, 1)) return kExitUsage;
    } else if (o == "--max-line-bytes" && allows(o)) {
      if (!count(&a->max_line_bytes, 1)) return kExitUsage;
    } else if (o == "--snapshot-every" && allows(o)) {
      size_t n = 0;
      if (!count(&n, 1)) return kExitUsage;
      a->store.snapshot_every = static_cast<int64_t>(n);
    } else if (o == "--durability" && allows(o)) {
      if (!value(&v)) return kExitUsage;
      if (v == "full") {
        a->store.durability = Durability::kFull;
      } else if (v == "normal") {
        a->store.durability = Durability::kNormal;
      } else {
        err << "kefu " << cmd << ": --durability takes full or normal, got \"" << v << "\"\n";
        return kExitUsage;
      }
    } else if (o == "--lang") {
      if (!value(&v)) return kExitUsage;
      if (v != "zh" && v != "en") {
        err << "kefu " << cmd << ": --lang takes zh or en, got \"" << v << "\"\n";
        return kExitUsage;
      }
      a->lang = v == "zh" ? Language::kZh : Language::kEn;
    } else if (o == "--until" && allows(o)) {
      if (!value(&v)) return kExitUsage;
      absl::StatusOr<Timestamp> t = ParseTimestamp(v);
      if (!t.ok()) {
        err << "kefu " << cmd << ": --until: " << t.status().message() << "\n";
        return kExitUsage;
      }
      a->until = *t;
    } else if (wants_file && a->file.empty() && (o == "-" || (!o.empty() && o[0] != '-'))) {
      a->file = o;
    } else {
      err << "kefu " << cmd << ": unexpected argument " << o << "\n" << usage;
      return kExitUsage;
    }
  }
  if (a->db.empty()) {
    err << "kefu " << cmd << ": no --db FILE\n" << usage;
    return kExitUsage;
  }
  if (wants_file && a->file.empty()) {
    err << "kefu " << cmd << ": no EVENTS file (use - for standard input)\n" << usage;
    return kExitUsage;
  }
  // One shard, as kefu replay: due items of equal time come in one order.
  a->store.shop.shards = 1;
  return kExitOk;
}

std::unique_ptr<SqliteStore> OpenStore(const char* cmd, const StoreArgs& a, std::ostream& err) {
  absl::StatusOr<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(a.db, a.store);
  if (!s.ok()) {
    err << "kefu " << cmd << ": " << s.status().message() << "\n";
    return nullptr;
  }
  return *std::move(s);
}

nlohmann::ordered_json OutcomeJson(const Outcome& o, Language lang) {
  nlohmann::ordered_json j;
  j["state_before"] = std::string(o.audit.state_before);
  j["state_after"] = std::string(o.audit.state_after);
  j["decisions"] = nlohmann::ordered_json::array();
  for (const Decision& d : o.decisions) {
    j["decisions"].push_back({{"rule", std::string(d.rule)},
                              {"verdict", std::string(VerdictName(d.verdict))},
                              {"reason", d.Reason(lang)},
                              {"figures", FiguresJson(d.figures)}});
  }
  j["actions"] = nlohmann::ordered_json::array();
  for (const Action& a : o.actions) {
    nlohmann::ordered_json aj{{"kind", std::string(ActionKindName(a.kind))},
                              {"rule", std::string(a.rule)},
                              {"assignee", a.assignee},
                              {"subject", a.subject}};
    if (a.due) aj["due"] = Time(*a.due);
    aj["description"] = a.Describe(lang);
    aj["figures"] = FiguresJson(a.figures);
    j["actions"].push_back(std::move(aj));
  }
  j["deadlines"] = nlohmann::ordered_json::array();
  for (const Deadline& d : o.deadlines) {
    nlohmann::ordered_json dj{{"rule", std::string(d.rule)},
                              {"op", std::string(DeadlineOpName(d.op))},
                              {"due", Time(d.due)}};
    if (d.warn_at) dj["warn_at"] = Time(*d.warn_at);
    dj["description"] = d.Describe(lang);
    j["deadlines"].push_back(std::move(dj));
  }
  return j;
}

std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

nlohmann::ordered_json EventAnswer(int64_t line, const ShopEvent& e, const StoredResult& sr,
                                   Language lang) {
  nlohmann::ordered_json out;
  out["line"] = line;
  out["id"] = MetaOf(e).id;
  out["result"] = StoredResultName(sr);
  out["seq"] = sr.seq;
  out["entity"] = std::string(EntityKindName(e.kind()));
  out["key"] = e.key;
  if (sr.outcome.ok()) {
    const nlohmann::ordered_json outcome = OutcomeJson(*sr.outcome, lang);
    for (auto& [k, v] : outcome.items()) out[k] = v;
  } else {
    out["error"] = std::string(sr.outcome.status().message());
  }
  return out;
}

nlohmann::ordered_json DueAnswer(const StoredDueItem& d, Language lang) {
  nlohmann::ordered_json dj;
  dj["id"] = d.id;
  const nlohmann::ordered_json item = DueJson(d.item, lang);
  for (auto& [k, v] : item.items()) dj[k] = v;
  return dj;
}

namespace {

// One line of serve's input, as understood.
struct Request {
  enum Kind { kEvent, kTick, kDone, kBad } kind = kBad;
  int64_t line = 0;
  ShopEvent event;
  Timestamp tick;
  std::vector<int64_t> done;
  std::string error;
};

Request Understand(std::string_view text, int64_t line) {
  Request r;
  r.line = line;
  absl::StatusOr<ShopEvent> event = ParseEvent(text, line);
  if (event.ok()) {
    r.kind = Request::kEvent;
    r.event = *std::move(event);
    return r;
  }
  r.error = std::string(event.status().message());
  // Not an event: maybe {"tick": TIME} or {"done": [ids]}.
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!j.is_object() || j.size() != 1) return r;
  if (auto t = j.find("tick"); t != j.end()) {
    if (!t->is_string()) {
      r.error = absl::StrCat("line ", line, ": tick: expected a time (RFC 3339)");
      return r;
    }
    absl::StatusOr<Timestamp> at = ParseTimestamp(t->get<std::string>());
    if (!at.ok()) {
      r.error = absl::StrCat("line ", line, ": tick: ", at.status().message());
      return r;
    }
    r.kind = Request::kTick;
    r.tick = *at;
  } else if (auto d = j.find("done"); d != j.end()) {
    if (!d->is_array()) {
      r.error = absl::StrCat("line ", line, ": done: expected an array of due item ids");
      return r;
    }
    for (const nlohmann::json& id : *d) {
      if (!id.is_number_integer()) {
        r.error = absl::StrCat("line ", line, ": done: expected an array of due item ids");
        return r;
      }
      r.done.push_back(id.get<int64_t>());
    }
    r.kind = Request::kDone;
  }
  return r;
}

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

}  // namespace

int Serve(const std::vector<std::string>& args, Streams io) {
  StoreArgs a;
  bool help = false;
  if (int rc = ParseArgs("serve", kServeHelp, args,
                         {"--durability", "--snapshot-every", "--batch", "--max-line-bytes",
                          "--http", "--allow-remote"},
                         false, &a, io.out, io.err, &help);
      rc != kExitOk) {
    return help ? kExitOk : rc;
  }
  std::unique_ptr<SqliteStore> store = OpenStore("serve", a, io.err);
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
        pending.push_back(Understand(text, line_no));
        if (pending.back().kind == Request::kEvent) ++n_events;
      }
    } while (n_events < a.batch && input.Ready());
    if (!error.empty()) {
      io.err << "kefu serve: " << error << "\n";
      return kExitFailure;
    }
    // Answer them in order; consecutive events share one commit.
    for (size_t i = 0; i < pending.size();) {
      const Request& r = pending[i];
      if (r.kind == Request::kEvent) {
        size_t j = i;
        events.clear();
        while (j < pending.size() && pending[j].kind == Request::kEvent) {
          events.push_back(pending[j++].event);
        }
        absl::StatusOr<std::vector<StoredResult>> results = store->ApplyBatch(events);
        if (!results.ok()) return fail(r.line, results.status());
        for (size_t k = 0; k < results->size(); ++k) {
          const StoredResult& sr = (*results)[k];
          const ShopEvent& e = events[k];
          const nlohmann::ordered_json out = EventAnswer(pending[i + k].line, e, sr, a.lang);
          io.out << Dump(out) << "\n";
        }
        i = j;
        continue;
      }
      nlohmann::ordered_json out;
      out["line"] = r.line;
      if (r.kind == Request::kBad) {
        out["result"] = "bad";
        out["error"] = r.error;
      } else if (r.kind == Request::kTick) {
        absl::StatusOr<std::vector<StoredDueItem>> due = store->Due(r.tick);
        if (!due.ok()) return fail(r.line, due.status());
        out["tick"] = Time(r.tick);
        out["due"] = nlohmann::ordered_json::array();
        for (const StoredDueItem& d : *due) out["due"].push_back(DueAnswer(d, a.lang));
      } else {
        absl::StatusOr<size_t> n = store->Confirm(r.done);
        if (!n.ok()) return fail(r.line, n.status());
        out["confirmed"] = *n;
      }
      io.out << Dump(out) << "\n";
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

int Report(const std::vector<std::string>& args, Streams io) {
  StoreArgs a;
  bool help = false;
  if (int rc = ParseArgs("report", kReportHelp, args, {"--json", "--until", "--limit"}, false, &a,
                         io.out, io.err, &help);
      rc != kExitOk) {
    return help ? kExitOk : rc;
  }
  a.store.read_only = true;
  std::unique_ptr<SqliteStore> store = OpenStore("report", a, io.err);
  if (!store) return kExitFailure;
  absl::StatusOr<ReplayReport> report = store->Report(a.until);
  if (!report.ok()) {
    io.err << "kefu report: " << report.status().message() << "\n";
    return kExitFailure;
  }
  if (a.json) {
    io.out << ReportJson(a.db, *report, a.lang)
                  .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
           << "\n";
  } else {
    std::ostringstream text;
    PrintText(text, a.db, *report, a.limit, a.lang);
    std::string t = std::move(text).str();
    if (t.rfind("kefu replay ", 0) == 0) t.replace(0, 12, "kefu report ");  // the title
    io.out << t;
  }
  io.out.flush();
  return io.out ? kExitOk : kExitFailure;
}

bool WantsStore(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--db") return true;
  }
  return false;
}

int ReplayIntoStore(const std::vector<std::string>& args, Streams io) {
  StoreArgs a;
  bool help = false;
  if (int rc = ParseArgs("replay", kReplayDbHelp, args,
                         {"--json", "--until", "--limit", "--durability", "--snapshot-every",
                          "--batch", "--max-line-bytes", "--no-progress"},
                         true, &a, io.out, io.err, &help);
      rc != kExitOk) {
    return help ? kExitOk : rc;
  }
  absl::StatusOr<std::unique_ptr<LineReader>> in = LineReader::Open(a.file, a.max_line_bytes);
  if (!in.ok()) {
    io.err << "kefu replay: " << in.status().message() << "\n";
    return kExitFailure;
  }
  std::unique_ptr<SqliteStore> store = OpenStore("replay", a, io.err);
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
        line.too_long ? absl::InvalidArgumentError(absl::StrCat("line ", line.number,
                                                                ": longer than the limit of ",
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
  absl::StatusOr<ReplayReport> report = store->Report(a.until);
  if (!report.ok()) {
    io.err << "kefu replay: " << report.status().message() << "\n";
    return kExitFailure;
  }
  if (a.json) {
    io.out << ReportJson(a.db, *report, a.lang)
                  .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
           << "\n";
  } else {
    PrintText(io.out, a.db, *report, a.limit, a.lang);
  }
  io.out.flush();
  io.err << "kefu replay: " << taken << " events into " << a.db << " (journal entry "
         << store->journal_seq() << "), " << bad << " bad lines, " << blank << " blank\n";
  return io.out ? kExitOk : kExitFailure;
}

}  // namespace kefu::tool
