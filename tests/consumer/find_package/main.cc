// Uses kefu through an installed package: computes ORD-MALL-COMP's 5% capped
// compensation and a deadline on the business calendar, and checks both.
// The umbrella header proves every installed header compiles from the
// prefix alone (nothing it includes was left out of the install).
#include <cstdio>

#include "kefu/core/calendar.h"
#include "kefu/core/money.h"
#include "kefu/core/version.h"
#include "kefu/kefu.h"

#include <string>

int main() {
  auto comp = kefu::PercentOf(kefu::Money::Yuan(1000), kefu::Rate::Percent(5),
                              kefu::Money::Yuan(30));
  if (!comp.ok() || *comp != kefu::Money::Yuan(30)) return 1;
  const kefu::BusinessCalendar cal = kefu::BusinessCalendar::Default();
  auto start = kefu::ParseTimestamp("2026-10-02T15:00:00+08:00");  // a Friday
  if (!start.ok()) return 2;
  auto next = cal.AddBusinessDays(*start, 1);
  if (!next.ok() || kefu::FormatTimestamp(*next) != "2026-10-05T15:00:00+08:00") return 3;
  std::printf("find_package consumer: kefu %s OK\n", std::string(kefu::Version()).c_str());
  return 0;
}
