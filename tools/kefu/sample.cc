// kefu sample: writes a deterministic sample shop week (tools/sample/sample.h) as
// JSON Lines (kefu/io/events.h), one event per line, to standard output or
// a file, and a one-line summary to standard error.
#include <charconv>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <utility>
#include <string>
#include <system_error>
#include <vector>

#include "CLI/CLI.hpp"
#include "commands.h"
#include "kefu/core/time.h"
#include "kefu/io/events.h"
#include "sample/sample.h"

namespace kefu::tool {
namespace {

constexpr char kAbout[] =
    "Writes a realistic, deterministic shop week as events, one JSON object per\n"
    "line (the format of docs/events.md), in time order: orders on Taobao, Tmall\n"
    "and the website (cash on delivery, transfers awaiting finance, out of\n"
    "stock, near-duplicates, cancellations), after-sales tickets, neutral and\n"
    "negative reviews with their follow-up, agents' replies, and the team's\n"
    "shifts, breaks, a shift swap, tickets raised during a handover, exams,\n"
    "reports upward and the supervisor's scores. The same options always give\n"
    "the same bytes. A summary goes to standard error.\n"
    "The exit code is 0 on success, 1 when the output cannot be written, 2 on\n"
    "a usage error.";

// The options as given: checked by Run, as the program always did.
struct Args {
  std::vector<std::pair<std::string, std::string>> given;  // (--name, value)
};

template <class T>
bool ParseNumber(const std::string& text, T* out) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

int Run(const Args& args, Streams io) {
  SampleOptions options;
  std::string output;
  for (const auto& [name, value] : args.given) {
    bool ok = true;
    if (name == "--days") {
      ok = ParseNumber(value, &options.days);
    } else if (name == "--orders-per-day") {
      ok = ParseNumber(value, &options.orders_per_day);
    } else if (name == "--seed") {
      ok = ParseNumber(value, &options.seed);
    } else if (name == "--start") {
      auto t = ParseTimestamp(value);
      ok = t.ok();
      if (ok) options.start = *t;
    } else {
      output = value;
      ok = !value.empty();
    }
    if (!ok) {
      io.err << "kefu sample: bad value for " << name << ": \"" << value << "\"\n";
      return kExitUsage;
    }
  }
  if (options.days <= 0 || options.days > 366 || options.orders_per_day <= 0 ||
      options.orders_per_day > 10'000'000) {
    io.err << "kefu sample: --days must be 1..366 and --orders-per-day 1..10000000\n";
    return kExitUsage;
  }

  std::ofstream file;
  std::ostream* out = &io.out;
  if (!output.empty() && output != "-") {
    file.open(output, std::ios::binary | std::ios::trunc);
    if (!file) {
      io.err << "kefu sample: cannot open " << output << " for writing\n";
      return kExitFailure;
    }
    out = &file;
  }

  size_t by_kind[kEntityKindCount] = {};  // by EntityKind
  size_t total = 0;
  std::string buffer;
  buffer.reserve(1 << 20);
  const absl::Status status = GenerateSample(options, [&](const ShopEvent& event) {
    AppendEvent(event, &buffer);
    buffer.push_back('\n');
    if (buffer.size() >= (1 << 20) - 4096) {
      out->write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
    ++by_kind[static_cast<size_t>(event.kind())];
    ++total;
  });
  if (!status.ok()) {  // options were checked above; kept for safety
    io.err << "kefu sample: " << status.message() << "\n";
    return kExitUsage;
  }
  out->write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out->flush();
  if (!*out) {
    io.err << "kefu sample: write error\n";
    return kExitFailure;
  }
  io.err << "kefu sample: " << total << " events";
  const char* sep = " (";
  for (size_t k = 0; k < static_cast<size_t>(kEntityKindCount); ++k) {
    io.err << sep << EntityKindName(static_cast<EntityKind>(k)) << " " << by_kind[k];
    sep = ", ";
  }
  io.err << ")\n";
  return kExitOk;
}

}  // namespace

Runner SetupSample(CLI::App& app, Streams io) {
  auto args = std::make_shared<Args>();
  app.footer(kAbout);
  // Values are taken as text and checked by Run (an unsigned --seed of -3 is
  // a usage error, not a wrapped number).
  auto option = [&](const char* names, const char* name, const char* help) {
    const std::string type = std::string(name) == "--output" ? "FILE"
                             : std::string(name) == "--start" ? "TIME"
                                                               : "N";
    app.add_option_function<std::string>(
           names, [args, name](const std::string& v) { args->given.emplace_back(name, v); }, help)
        ->type_name(type);
  };
  option("--days", "--days", "days to generate, 1..366 (default 7)");
  option("--orders-per-day", "--orders-per-day",
         "orders placed per day, 1..10000000 (default 200; about 11000 gives a million "
         "events in 7 days)");
  option("--seed", "--seed", "unsigned 64-bit seed (default 1)");
  option("--start", "--start",
         "local midnight of the first day, RFC 3339 with offset (default "
         "2026-11-02T00:00:00+08:00, a Monday)");
  option("-o,--output", "--output", "write to FILE instead of standard output (- : standard output)");
  return [args, io] { return Run(*args, io); };
}

}  // namespace kefu::tool
