// TransitionTable queries and the Mermaid generator, on a hand-made table.
#include "kefu/machines/transition_table.h"

#include "gtest/gtest.h"

namespace kefu {
namespace {

TransitionTable Door() {
  TransitionTable t;
  t.machine = "door";
  t.initial = "closed";
  t.states = {"closed", "open"};
  t.events = {"knock", "open", "shut"};
  t.rows = {{"closed", "open", "open", "unlocked", "commit", false},
            {"open", "shut", "closed", "", "commit", false},
            {"closed", "knock", "closed", "", "commit", true}};
  return t;
}

TEST(TransitionTable, AcceptsAndRowsForFollowTheRows) {
  const TransitionTable t = Door();
  EXPECT_TRUE(t.Accepts("closed", "open"));
  EXPECT_FALSE(t.Accepts("open", "open"));
  ASSERT_EQ(t.RowsFor("closed", "knock").size(), 1u);
  EXPECT_TRUE(t.RowsFor("closed", "knock")[0]->internal);
}

TEST(TransitionTable, MermaidListsTransitionsWithGuardsAndInternalOnesAsNotes) {
  EXPECT_EQ(ToMermaid(Door()),
            "stateDiagram-v2\n"
            "    [*] --> closed\n"
            "    closed --> open : open [unlocked]\n"
            "    open --> closed : shut\n"
            "    note right of closed\n"
            "        knock\n"
            "    end note\n");
}

TEST(TransitionTable, DotDrawsEveryRowWithInternalOnesDashed) {
  EXPECT_EQ(ToDot(Door()),
            "digraph \"door\" {\n"
            "    rankdir=LR;\n"
            "    node [shape=box, style=rounded];\n"
            "    __start [shape=point];\n"
            "    __start -> \"closed\";\n"
            "    \"closed\";\n"
            "    \"open\";\n"
            "    \"closed\" -> \"open\" [label=\"open [unlocked]\"];\n"
            "    \"open\" -> \"closed\" [label=\"shut\"];\n"
            "    \"closed\" -> \"closed\" [label=\"knock\", style=dashed];\n"
            "}\n");
}

TEST(TransitionTable, DotEscapesQuotesInNames) {
  TransitionTable t;
  t.machine = "a\"b";
  t.states = {"x"};
  EXPECT_EQ(ToDot(t), "digraph \"a\\\"b\" {\n    rankdir=LR;\n    node [shape=box, style=rounded];\n"
                      "    \"x\";\n}\n");
}

}  // namespace
}  // namespace kefu
