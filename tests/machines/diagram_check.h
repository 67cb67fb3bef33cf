// Shared by the machines' tests: the Mermaid diagram committed in a doc must
// be the one generated from the machine's transition table.
#ifndef KEFU_TESTS_MACHINES_DIAGRAM_CHECK_H_
#define KEFU_TESTS_MACHINES_DIAGRAM_CHECK_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "kefu/machines/transition_table.h"

namespace kefu::testing {

// Checks that `doc` (relative to the source tree, e.g. "docs/order.md")
// holds, between "<!-- BEGIN GENERATED: <marker> -->" and
// "<!-- END GENERATED -->", exactly ToMermaid(table). With KEFU_UPDATE_DOCS
// set in the environment it rewrites a stale diagram and skips the test.
inline void ExpectCommittedDiagramIsCurrent(const std::string& doc_path, const std::string& marker,
                                            const TransitionTable& table) {
  const std::string path = std::string(KEFU_SOURCE_DIR) + "/" + doc_path;
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string doc = buf.str();
  const std::string begin = "<!-- BEGIN GENERATED: " + marker + " -->\n```mermaid\n";
  const std::string end = "```\n<!-- END GENERATED -->";
  const size_t b = doc.find(begin);
  const size_t e = doc.find(end);
  ASSERT_NE(b, std::string::npos) << "missing " << begin;
  ASSERT_NE(e, std::string::npos) << "missing " << end;
  const std::string committed = doc.substr(b + begin.size(), e - b - begin.size());
  const std::string generated = ToMermaid(table);
  if (committed != generated && std::getenv("KEFU_UPDATE_DOCS") != nullptr) {
    doc.replace(b + begin.size(), e - b - begin.size(), generated);
    std::ofstream(path) << doc;
    GTEST_SKIP() << "rewrote " << path;
  }
  EXPECT_EQ(committed, generated) << doc_path << " is stale: rerun this test with KEFU_UPDATE_DOCS=1";
}

}  // namespace kefu::testing

#endif  // KEFU_TESTS_MACHINES_DIAGRAM_CHECK_H_
