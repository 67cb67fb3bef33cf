// The `kefu` command-line program: dispatches to a subcommand (CLI11).
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "commands.h"
#include "kefu/core/heap.h"
#include "kefu/core/version.h"

namespace kefu::tool {
namespace {

// The commands, in the order --help lists them. To add one: declare its
// Setup in commands.h and list it here.
constexpr Command kCommands[] = {
    {"check-replies", "check agents' replies (one per line) against the PH rules",
     SetupCheckReplies},
    {"replay", "apply a shop's events (JSON Lines) and report what is due", SetupReplay},
    {"diagram", "a machine's transition table as a Mermaid or DOT diagram", SetupDiagram},
    {"sample", "write a deterministic sample shop week as events (JSON Lines)", SetupSample},
    {"policy", "print, check and compare policy packs (a shop's rules as TOML)", SetupPolicy},
    {"serve", "keep a shop in a store and answer events on stdin (JSON Lines)",
     SetupServe},
    {"report", "the replay report of everything a store took", SetupReport},
    {"test", "run a shop's scenario files (TOML) against its pack; --coverage", SetupTest},
    {"worker", "run the shops of a PostgreSQL database from its inbox", SetupWorker},
    {"db", "a PostgreSQL database's kefu schema (migrate) and due items (claim)", SetupDb},
};

char** command_line = nullptr;

int Main(int argc, char** argv) {
  command_line = argv;
  const Streams io{std::cout, std::cerr};
  CLI::App app("kefu: customer-service rules and workflows for online shops", "kefu");
  app.require_subcommand(1);
  app.set_version_flag("--version", "kefu " + std::string(Version()));
  app.footer(
      "kefu <command> --help shows a command's options.\n"
      "The program builds its heap on transparent huge pages where it can; KEFU_HUGE_HEAP=0\n"
      "in the environment keeps it on normal pages (docs/engine.md).");
  Runner run;
  for (const Command& c : kCommands) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    Runner r = c.setup(*sub, io);
    sub->callback([&run, r] { run = r; });
  }
  // `kefu help` as `kefu --help`.
  if (argc == 2 && std::string(argv[1]) == "help") {
    io.out << app.help();
    return kExitOk;
  }
  auto known = [](const std::string& name) {
    for (const Command& c : kCommands) {
      if (name == c.name) return true;
    }
    return false;
  };
  if (argc >= 2 && argv[1][0] != '-' && !known(argv[1])) {
    io.err << "kefu: unknown command \"" << argv[1] << "\"\nRun with --help for the commands.\n";
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0 with their text on standard output; a
    // usage error prints one short message and exits 2.
    const int code = app.exit(e, std::cout, std::cerr);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return run ? run() : kExitUsage;
}

}  // namespace

char* const* CommandLine() { return command_line; }

}  // namespace kefu::tool

int main(int argc, char** argv) {
  // Huge pages for the heap, the main one and those of the threads kefu
  // starts (address space only; see kefu/core/heap.h), unless
  // KEFU_HUGE_HEAP=0 keeps the heap on normal pages.
  if (const char* e = std::getenv("KEFU_HUGE_HEAP"); e == nullptr || std::string_view(e) != "0") {
    kefu::PrepareHugePageHeap(size_t{1} << 30);
  }
  try {
    return kefu::tool::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "kefu: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "kefu: unexpected error\n";
  }
  return kefu::tool::kExitFailure;
}
