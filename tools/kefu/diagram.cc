// kefu diagram: a machine's transition table as a Mermaid or DOT diagram.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "commands.h"
#include "kefu/machines/order.h"
#include "kefu/machines/review.h"
#include "kefu/machines/ticket.h"
#include "kefu/machines/transition_table.h"

namespace kefu::tool {
namespace {

constexpr char kAbout[] =
    "Writes the machine's transition table, as compiled into the library, to\n"
    "standard output: a Mermaid stateDiagram-v2 (the default, as in\n"
    "docs/order.md) or a Graphviz digraph (render it with `dot -Tsvg`).";

int Run(const std::string& machine, const std::string& format, Streams io) {
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

}  // namespace

Runner SetupDiagram(CLI::App& app, Streams io) {
  auto machine = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("mermaid");
  app.footer(kAbout);
  app.add_option("MACHINE", *machine, "order, ticket or review")
      ->type_name("order|ticket|review")
      ->required();
  app.add_option("--format", *format, "mermaid (default) or dot")->type_name("mermaid|dot");
  return [machine, format, io] { return Run(*machine, *format, io); };
}

}  // namespace kefu::tool
