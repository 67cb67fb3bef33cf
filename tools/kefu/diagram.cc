// kefu diagram: a machine's transition table as a Mermaid or DOT diagram.
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"
#include "kefu/machines/transition_table.h"

namespace kefu::tool {
namespace {

constexpr char kHelp[] =
    "usage: kefu diagram order|ticket|review [--format mermaid|dot]\n"
    "\n"
    "Writes the machine's transition table, as compiled into the library, to\n"
    "standard output: a Mermaid stateDiagram-v2 (the default, as in\n"
    "docs/order.md) or a Graphviz digraph (render it with `dot -Tsvg`).\n";

}  // namespace

int Diagram(const std::vector<std::string>& args, Streams io) {
  std::string machine;
  std::string format = "mermaid";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      io.out << kHelp;
      return kExitOk;
    } else if (a == "--format") {
      if (i + 1 >= args.size()) {
        io.err << "kefu diagram: --format needs a value\n";
        return kExitUsage;
      }
      format = args[++i];
    } else if (a.rfind("--format=", 0) == 0) {
      format = a.substr(9);
    } else if (!a.empty() && a[0] == '-') {
      io.err << "kefu diagram: unknown option " << a << "\n" << kHelp;
      return kExitUsage;
    } else if (machine.empty()) {
      machine = a;
    } else {
      io.err << "kefu diagram: more than one machine\n";
      return kExitUsage;
    }
  }
  const TransitionTable* table = nullptr;
  if (machine == "order") {
    table = &Order::Table();
  } else if (machine == "ticket") {
    table = &Ticket::Table();
  } else if (machine == "review") {
    table = &Review::Table();
  } else {
    io.err << "kefu diagram: " << (machine.empty() ? "no machine given" : "unknown machine \"" + machine + "\"")
           << " (order, ticket or review)\n";
    return kExitUsage;
  }
  if (format == "mermaid") {
    io.out << ToMermaid(*table);
  } else if (format == "dot") {
    io.out << ToDot(*table);
  } else {
    io.err << "kefu diagram: unknown format \"" << format << "\" (mermaid or dot)\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace kefu::tool
