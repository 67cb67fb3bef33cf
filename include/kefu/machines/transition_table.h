// kefu/machines/transition_table.h: a machine's transition table as data.
//
// Each kefu machine (order, ticket, review) exports the rows of its private
// Boost.MSM table: source state, event, target state (the source again for
// an internal transition), and the names of the guard and action. The table
// is derived from the compiled machine, so it cannot drift from it. Hosts use
// it to list what a state accepts; docs use ToMermaid() for their diagrams;
// ToDot() gives the same for Graphviz.
//
// Thread safety: immutable values; the tables machines return are built once
// and safe to read from any number of threads.
#ifndef KEFU_MACHINES_TRANSITION_TABLE_H_
#define KEFU_MACHINES_TRANSITION_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

#include "kefu/core/export.h"

namespace kefu {

struct Transition {
  std::string_view source;  // stable state name
  std::string_view event;   // stable event name
  std::string_view target;  // == source for an internal transition
  std::string_view guard;   // "" when the row has no guard
  std::string_view action;  // "" when the row has no action
  bool internal = false;    // true: no state change (no exit/entry)
};

struct KEFU_EXPORT TransitionTable {
  std::string_view machine;               // "order", "ticket", "review"
  std::string_view initial;               // the state of a fresh entity
  std::vector<std::string_view> states;   // in the machine's id order
  std::vector<std::string_view> events;   // sorted by name
  std::vector<Transition> rows;           // in the machine's table order

  // True when some row leaves `state` on `event` (guards may still refuse).
  bool Accepts(std::string_view state, std::string_view event) const;
  // The rows leaving `state` on `event`, in table order.
  std::vector<const Transition*> RowsFor(std::string_view state, std::string_view event) const;
};

// A Mermaid stateDiagram-v2 of `table`: one line per row, guards shown as
// "event [guard]"; internal transitions are listed as notes of their state.
// Deterministic: the same table gives the same text.
KEFU_EXPORT std::string ToMermaid(const TransitionTable& table);

// A Graphviz DOT digraph of `table`: one node per state (the initial one
// marked by an arrow from a point), one edge per row labelled
// "event [guard]"; internal transitions are self-loops drawn dashed.
// Deterministic: the same table gives the same text.
KEFU_EXPORT std::string ToDot(const TransitionTable& table);

}  // namespace kefu

#endif  // KEFU_MACHINES_TRANSITION_TABLE_H_
