// kefu sample: writes a deterministic sample shop week (tools/sample/sample.h) as
// JSON Lines (kefu/io/events.h), one event per line, to standard output or
// a file, and a one-line summary to standard error.
#include <charconv>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include "commands.h"
#include "kefu/core/time.h"
#include "kefu/io/events.h"
#include "sample/sample.h"

namespace kefu::tool {
namespace {

constexpr char kHelp[] =
    "usage: kefu sample [--days N] [--orders-per-day N] [--seed S] [--start TIME] [-o FILE]\n"
    "\n"
    "Writes a realistic, deterministic shop week as events, one JSON object per\n"
    "line (the format of docs/events.md), in time order: orders on Taobao, Tmall\n"
    "and the website (cash on delivery, transfers awaiting finance, out of\n"
    "stock, near-duplicates, cancellations), after-sales tickets, neutral and\n"
    "negative reviews with their follow-up, and agents' replies. The same\n"
    "options always give the same bytes. A summary goes to standard error.\n"
    "The exit code is 0 on success, 1 when the output cannot be written, 2 on\n"
    "a usage error.\n"
    "\n"
    "options:\n"
    "  --days N             days to generate, 1..366 (default 7)\n"
    "  --orders-per-day N   orders placed per day, 1..10000000 (default 200;\n"
    "                       about 11000 gives a million events in 7 days)\n"
    "  --seed S             unsigned 64-bit seed (default 1)\n"
    "  --start TIME         local midnight of the first day, RFC 3339 with offset\n"
    "                       (default 2026-11-02T00:00:00+08:00, a Monday)\n"
    "  -o, --output FILE    write to FILE instead of standard output\n";

template <class T>
bool ParseNumber(const std::string& text, T* out) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

int Sample(const std::vector<std::string>& args, Streams io) {
  SampleOptions options;
  std::string output;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      io.out << kHelp;
      return kExitOk;
    }
    std::string name = a, value;
    bool has_value = false;
    if (const size_t eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    }
    const bool known = name == "--days" || name == "--orders-per-day" || name == "--seed" ||
                       name == "--start" || name == "-o" || name == "--output";
    if (!known) {
      io.err << "kefu sample: unknown " << (a.rfind("-", 0) == 0 ? "option " : "argument ") << a
             << "\n"
             << kHelp;
      return kExitUsage;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        io.err << "kefu sample: " << name << " needs a value\n";
        return kExitUsage;
      }
      value = args[++i];
    }
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

  size_t by_kind[4] = {0, 0, 0, 0};  // by EntityKind
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
  for (size_t k = 0; k < 4; ++k) {
    io.err << sep << EntityKindName(static_cast<EntityKind>(k)) << " " << by_kind[k];
    sep = ", ";
  }
  io.err << ")\n";
  return kExitOk;
}

}  // namespace kefu::tool
