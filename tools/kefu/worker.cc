// The PostgreSQL commands (kefu/store/pg_worker.h, kefu/store/pg_store.h,
// docs/worker.md):
//   kefu worker --db URI [--shops PATTERN]   runs shops from the inbox;
//   kefu db migrate --db URI                 brings the schema up to date;
//   kefu db claim --db URI                   delivers due items as JSON Lines.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "commands.h"
#include "kefu/io/answer_json.h"
#include "kefu/store/open.h"
#include "kefu/store/pg_store.h"
#include "kefu/store/pg_worker.h"
#include "nlohmann/json.hpp"
#include "report_output.h"

namespace kefu::tool {
namespace {

constexpr char kWorkerHelp[] =
    "Runs the shops of a PostgreSQL database from its inbox: the host inserts\n"
    "lines (events, {\"tick\":TIME}, {\"done\":[ids]}, as kefu serve reads them)\n"
    "into kefu_inbox(shop_id, line); the worker applies each shop's lines in\n"
    "order and deletes them in the transaction that stores what they did\n"
    "(kefu_journal, kefu_event, kefu_due; kefu_inbox_bad for lines not\n"
    "understood). Any number of workers share a database; each shop is run by\n"
    "one at a time, under a lease renewed every lease/4. A worker that cannot\n"
    "renew stops applying before its lease runs out; then another takes over.\n"
    "What it does goes to standard error, a line each. SIGINT or SIGTERM: the\n"
    "leases are released, exit 0. Exit codes: 1 the schema is missing, older\n"
    "or newer than this kefu's (kefu db migrate), 2 usage error.\n"
    "docs/worker.md describes the tables.\n";

constexpr char kMigrateHelp[] =
    "Creates kefu's tables in a PostgreSQL database, or brings them to this\n"
    "kefu's schema version, each version in one transaction (several may run\n"
    "at once: they take turns). A database migrated by a newer kefu is left\n"
    "as it is: exit 1 with the versions. Exit codes: 0 done (or up to date),\n"
    "1 the database cannot be reached or is newer, 2 usage error.\n";

constexpr char kClaimHelp[] =
    "Claims the due items by TIME (default: now) of the shops matching PATTERN,\n"
    "earliest first, at most N (SELECT ... FOR UPDATE SKIP LOCKED: claims running\n"
    "at once get disjoint items), writes them on standard output, one JSON line\n"
    "each ({\"shop\":...,\"id\":...,the item}), and deletes them in the same\n"
    "transaction once the output is flushed. Items of a claim that fails stay\n"
    "for the next one. Exit codes: 0 done, 1 the database cannot be reached or\n"
    "the output written, 2 usage error.\n";

struct WorkerArgs {
  std::string db;
  std::string shops = "%";
  std::string name;
  double lease_seconds = 30;
  size_t batch = 1000;
  int partitions = 16;
  size_t limit = 1000;
  bool quiet = false;
};

// SIGINT and SIGTERM set `stop` (a thread waits for them, blocked
// elsewhere).
class StopOnSignal {
 public:
  explicit StopOnSignal(std::atomic<bool>& stop) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    thread_ = std::thread([this, &stop] {
      int sig = 0;
      sigwait(&signals_, &sig);
      stop = true;
    });
  }
  ~StopOnSignal() {
    // Wake the waiting thread if no signal came.
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }

 private:
  sigset_t signals_;
  std::thread thread_;
};

void AddDbUri(CLI::App& app, WorkerArgs* w) {
  app.add_option("--db", w->db, "the database: a postgresql:// URI (or libpq key=value pairs)")
      ->type_name("URI")
      ->required();
}

int RunWorker(const WorkerArgs& w, const StoreArgs& a, Streams io) {
  PgWorkerOptions o;
  o.conninfo = w.db;
  o.shops = w.shops;
  o.name = w.name;
  o.batch = w.batch;
  o.store.shop = a.store.shop;
  o.store.durability = a.store.durability;
  o.store.snapshot_every = a.store.snapshot_every;
  o.store.lease = absl::Seconds(w.lease_seconds);
  if (!w.quiet) {
    o.log = [&io](std::string_view line) { io.err << line << std::endl; };
  }
  std::atomic<bool> stop{false};
  absl::Status s;
  {
    StopOnSignal on_signal(stop);
    s = RunPgWorker(o, stop);
  }
  if (!s.ok()) {
    io.err << "kefu worker: " << s.message() << "\n";
    return absl::IsInvalidArgument(s) ? kExitUsage : kExitFailure;
  }
  return kExitOk;
}

int RunMigrate(const WorkerArgs& w, Streams io) {
  absl::StatusOr<std::vector<int>> applied = PgMigrate(w.db, w.partitions);
  if (!applied.ok()) {
    io.err << "kefu db migrate: " << applied.status().message() << "\n";
    return absl::IsInvalidArgument(applied.status()) ? kExitUsage : kExitFailure;
  }
  if (applied->empty()) {
    io.out << "kefu db migrate: up to date (schema version " << PgStore::SchemaVersion() << ")\n";
  } else {
    io.out << "kefu db migrate: applied schema version" << (applied->size() > 1 ? "s " : " ")
           << absl::StrJoin(*applied, ", ") << "\n";
  }
  return kExitOk;
}

int RunClaim(const WorkerArgs& w, const StoreArgs& a, Streams io) {
  absl::StatusOr<std::unique_ptr<PgDueConsumer>> c = PgDueConsumer::Open(w.db);
  if (!c.ok()) {
    io.err << "kefu db claim: " << c.status().message() << "\n";
    return kExitFailure;
  }
  const Timestamp until = a.until ? *a.until : absl::Now();
  absl::StatusOr<size_t> n =
      (*c)->Claim(until, w.limit, w.shops, [&](const std::vector<PgClaimedDue>& items) {
        for (const PgClaimedDue& d : items) {
          // serve's due item (kefu/io/answer_json.h) with the shop first.
          const std::string item = DueItemJson(StoredDueItem{d.id, d.item}, a.lang);
          io.out << "{\"shop\":"
                 << nlohmann::json(d.shop_id).dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace)
                 << "," << std::string_view(item).substr(1) << "\n";
        }
        io.out.flush();
        return io.out ? absl::OkStatus()
                      : absl::UnavailableError("cannot write standard output");
      });
  if (!n.ok()) {
    io.err << "kefu db claim: " << n.status().message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

Runner SetupWorker(CLI::App& app, Streams io) {
  auto w = std::make_shared<WorkerArgs>();
  auto a = std::make_shared<StoreArgs>();
  auto raw = std::make_shared<RawStoreArgs>();
  app.footer(kWorkerHelp);
  AddDbUri(app, w.get());
  app.add_option("--shops", w->shops, "run only the shops whose id matches (SQL LIKE; default %)")
      ->type_name("PATTERN");
  app.add_option("--name", w->name, "the worker's name in kefu_shop.owner (default HOST:PID)")
      ->type_name("NAME");
  app.add_option("--lease", w->lease_seconds, "seconds a lease lasts unrenewed (default 30)")
      ->type_name("SECONDS")
      ->check(CLI::Range(1.0, 3600.0));
  app.add_option("--batch", w->batch, "inbox lines a commit at most (default 1000)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  app.add_option("--durability", raw->durability,
                 "full (default: synchronous_commit=on) or normal (synchronous_commit=off)")
      ->type_name("full|normal")
      ->check(CLI::IsMember({"full", "normal"}));
  app.add_option("--snapshot-every", raw->snapshot_every,
                 "snapshot a shop every N journal entries (older rows dropped)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  app.add_flag("--quiet", w->quiet, "say nothing on standard error but errors");
  AddPolicy(app, raw.get());
  return [w, a, raw, io] {
    if (int rc = Finish("worker", *raw, a.get(), io); rc != kExitOk) return rc;
    return RunWorker(*w, *a, io);
  };
}

Runner SetupDb(CLI::App& app, Streams io) {
  app.require_subcommand(1);
  auto w = std::make_shared<WorkerArgs>();
  auto a = std::make_shared<StoreArgs>();
  auto raw = std::make_shared<RawStoreArgs>();
  auto which = std::make_shared<std::string>();

  CLI::App* migrate = app.add_subcommand("migrate", "create or update kefu's tables");
  migrate->footer(kMigrateHelp);
  AddDbUri(*migrate, w.get());
  migrate->add_option("--partitions", w->partitions,
                      "hash partitions of each per-shop table, when they are created "
                      "(default 16)")
      ->type_name("N")
      ->check(CLI::Range(1, 1024));
  migrate->callback([which] { *which = "migrate"; });

  CLI::App* claim = app.add_subcommand("claim", "deliver due items as JSON Lines");
  claim->footer(kClaimHelp);
  AddDbUri(*claim, w.get());
  claim->add_option("--shops", w->shops, "the shops whose id matches (SQL LIKE; default %)")
      ->type_name("PATTERN");
  claim->add_option("--limit", w->limit, "items at most (default 1000)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  AddUntil(*claim, raw.get());
  AddLang(*claim, raw.get());
  claim->callback([which] { *which = "claim"; });

  return [w, a, raw, which, io] {
    if (*which == "migrate") return RunMigrate(*w, io);
    if (int rc = Finish("db claim", *raw, a.get(), io); rc != kExitOk) return rc;
    return RunClaim(*w, *a, io);
  };
}

}  // namespace kefu::tool
