// Includes the umbrella header as C++20 and uses the vocabulary types.
#include <cstdio>

#include "kefu/kefu.h"

#if __cplusplus < 202002L
#error "this consumer must compile as C++20"
#endif

int main() {
  kefu::Outcome out;
  kefu::Decision d;
  d.rule = "ORD-MALL-COMP";
  d.verdict = kefu::Verdict::kAdjusted;
  d.message = {"补偿{amount}", "compensation {amount}"};
  auto amount = kefu::PercentOf(kefu::Money::Yuan(200), kefu::Rate::Percent(5),
                                kefu::Money::Yuan(30));
  if (!amount.ok()) return 1;
  d.figures.push_back({"amount", *amount});
  out.Add(d);
  if (out.decisions[0].Reason() != "补偿10.00元") return 2;
  std::printf("add_subdirectory consumer (C++20): %s\n", out.decisions[0].Reason().c_str());
  return 0;
}
