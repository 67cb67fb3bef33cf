// TransitionTable queries and the Mermaid generator.
#include "kefu/machines/transition_table.h"

#include <string>

namespace kefu {

bool TransitionTable::Accepts(std::string_view state, std::string_view event) const {
  for (const Transition& r : rows) {
    if (r.source == state && r.event == event) return true;
  }
  return false;
}

std::vector<const Transition*> TransitionTable::RowsFor(std::string_view state,
                                                        std::string_view event) const {
  std::vector<const Transition*> out;
  for (const Transition& r : rows) {
    if (r.source == state && r.event == event) out.push_back(&r);
  }
  return out;
}

std::string ToMermaid(const TransitionTable& table) {
  std::string out = "stateDiagram-v2\n";
  if (!table.initial.empty()) {
    out.append("    [*] --> ").append(table.initial).append("\n");
  }
  for (const Transition& r : table.rows) {
    if (r.internal) continue;
    out.append("    ").append(r.source).append(" --> ").append(r.target).append(" : ");
    out.append(r.event);
    if (!r.guard.empty()) out.append(" [").append(r.guard).append("]");
    out.append("\n");
  }
  // Internal transitions (no state change) as one note per state.
  for (std::string_view state : table.states) {
    std::string note;
    for (const Transition& r : table.rows) {
      if (!r.internal || r.source != state) continue;
      note.append("        ").append(r.event);
      if (!r.guard.empty()) note.append(" [").append(r.guard).append("]");
      note.append("\n");
    }
    if (note.empty()) continue;
    out.append("    note right of ").append(state).append("\n");
    out.append(note);
    out.append("    end note\n");
  }
  return out;
}

namespace {

// A DOT string literal: quotes and backslashes escaped.
void AppendDotString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

std::string ToDot(const TransitionTable& table) {
  std::string out = "digraph ";
  AppendDotString(out, table.machine);
  out.append(" {\n    rankdir=LR;\n    node [shape=box, style=rounded];\n");
  if (!table.initial.empty()) {
    out.append("    __start [shape=point];\n    __start -> ");
    AppendDotString(out, table.initial);
    out.append(";\n");
  }
  for (std::string_view state : table.states) {
    out.append("    ");
    AppendDotString(out, state);
    out.append(";\n");
  }
  for (const Transition& r : table.rows) {
    std::string label(r.event);
    if (!r.guard.empty()) label.append(" [").append(r.guard).append("]");
    out.append("    ");
    AppendDotString(out, r.source);
    out.append(" -> ");
    AppendDotString(out, r.target);
    out.append(" [label=");
    AppendDotString(out, label);
    if (r.internal) out.append(", style=dashed");
    out.append("];\n");
  }
  out.append("}\n");
  return out;
}

}  // namespace kefu
