// The `kefu` command-line program: dispatches to a subcommand.
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "kefu/core/version.h"
#include "commands.h"
#include "huge_heap.h"

namespace kefu::tool {
namespace {

constexpr Command kCommands[] = {
    {"check-replies", "check agents' replies (one per line) against the PH rules", CheckReplies},
    {"replay", "apply a shop's events (JSON Lines) and report what is due", Replay},
    {"diagram", "a machine's transition table as a Mermaid or DOT diagram", Diagram},
    {"sample", "write a deterministic sample shop week as events (JSON Lines)", Sample},
    {"serve", "keep a shop in a store file and answer events on stdin (JSON Lines)", Serve},
    {"report", "the replay report of everything a store file took", Report},
};

void Usage(std::ostream& os) {
  os << "usage: kefu <command> [options]\n\ncommands:\n";
  for (const Command& c : kCommands) os << "  " << c.name << "  " << c.summary << "\n";
  os << "\nkefu <command> --help shows a command's options; kefu --version the version.\n"
        "The program builds its heap on transparent huge pages where it can; KEFU_HUGE_HEAP=0\n"
        "in the environment keeps it on normal pages (docs/engine.md).\n";
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    Usage(std::cerr);
    return kExitUsage;
  }
  const std::string_view name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    Usage(std::cout);
    return kExitOk;
  }
  if (name == "--version") {
    std::cout << "kefu " << Version() << "\n";
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (name == c.name) {
      std::vector<std::string> args(argv + 2, argv + argc);
      return c.run(args, Streams{std::cout, std::cerr});
    }
  }
  std::cerr << "kefu: unknown command \"" << name << "\"\n";
  Usage(std::cerr);
  return kExitUsage;
}

}  // namespace
}  // namespace kefu::tool

int main(int argc, char** argv) {
  // Address space only; see huge_heap.h.
  kefu::tool::PrepareHugePageHeap(size_t{1} << 30);
  try {
    return kefu::tool::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "kefu: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "kefu: unexpected error\n";
  }
  return kefu::tool::kExitFailure;
}
