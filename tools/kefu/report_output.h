// tools/kefu/report_output.h: the replay report as text and as JSON, written
// by `kefu replay` (replay.cc) and by the store's commands (`kefu report`,
// `kefu replay --db`, `kefu serve`: serve.cc, serve_http.cc), and serve's
// answers.
#ifndef KEFU_TOOLS_KEFU_REPORT_OUTPUT_H_
#define KEFU_TOOLS_KEFU_REPORT_OUTPUT_H_

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/engine/deadline_queue.h"
#include "kefu/engine/store.h"
#include "kefu/io/answer_json.h"
#include "kefu/io/line_reader.h"
#include "kefu/io/replay.h"
#include "kefu/store/open.h"

namespace kefu::tool {

// The JSON (the report, serve's answers) is the library's:
// kefu/io/answer_json.h.
// The text report, `limit` items listed per section and agent (0: all).
void PrintText(std::ostream& os, const std::string& file, const ReplayReport& r, size_t limit,
               Language lang);

// `kefu serve --http ADDRESS:PORT` (serve_http.cc): serves `store` over
// HTTP until SIGINT or SIGTERM. Loopback addresses only unless
// `allow_remote`. Returns the exit code.
int ServeHttp(ReportingStore& store, const std::string& db, const std::string& address,
              bool allow_remote, Language lang, std::ostream& err);

// The `kefu` program does not link cpp-httplib (nor, through it, OpenSSL:
// about 4 MB of every run's resident pages): `kefu-http`, the same program
// with HTTP, is built beside it and serves --http. Called before the store
// is opened: runs the same command line in kefu-http (exec: no return when
// it starts), or returns kExitFailure, having said why. -1: this program
// serves HTTP itself (or was built without it; ServeHttp says so).
int ServeHttpElsewhere(std::ostream& err);

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
  StoreOptions store;  // --db FILE or URI (kefu/store/open.h), --shop ID
};

// What CLI11 reads as text and Finish() checks: the choices and times.
struct RawStoreArgs {
  std::string durability = "full";
  std::string lang = "zh";
  std::optional<std::string> until;
  std::optional<size_t> snapshot_every;
  std::optional<size_t> snapshot_part_bytes;
  std::string policy;  // --policy FILE
};

// The store options on a command's CLI::App (serve.cc): --db (required),
// --durability/--snapshot-every/--snapshot-part-bytes/--batch/
// --max-line-bytes, --lang, --until,
// --limit.
void AddDb(CLI::App& app, StoreArgs* a);
void AddWriting(CLI::App& app, StoreArgs* a, RawStoreArgs* raw);
void AddLang(CLI::App& app, RawStoreArgs* raw);
void AddUntil(CLI::App& app, RawStoreArgs* raw);
void AddLimit(CLI::App& app, StoreArgs* a);
// --policy FILE on a store command: the pack's rules for the shop. Open a
// store with the pack it was written with: a journal whose outcomes the
// pack would not reproduce is refused (kDataLoss).
void AddPolicy(CLI::App& app, RawStoreArgs* raw);
// The checks CLI11 cannot make (--until's time) and the policy pack:
// kExitOk, kExitUsage after a usage message, kExitFailure when the pack
// cannot be loaded (its errors on io.err).
int Finish(const char* cmd, const RawStoreArgs& raw, StoreArgs* a, Streams io);

// `kefu replay EVENTS --db FILE ...`: replay.cc hands the command to
// ReplayIntoStore (serve.cc) when --db names a store.
int ReplayIntoStore(const StoreArgs& a, Streams io);

}  // namespace kefu::tool

#endif  // KEFU_TOOLS_KEFU_REPORT_OUTPUT_H_
