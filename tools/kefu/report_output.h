// tools/kefu/report_output.h: the replay report as text and as JSON, written
// by `kefu replay` (replay.cc) and by the store's commands (`kefu report`,
// `kefu replay --db`, `kefu serve`: serve.cc).
#ifndef KEFU_TOOLS_KEFU_REPORT_OUTPUT_H_
#define KEFU_TOOLS_KEFU_REPORT_OUTPUT_H_

#include <cstddef>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "kefu/core/money.h"
#include "kefu/core/outcome.h"
#include "kefu/engine/deadline_queue.h"
#include "kefu/io/replay.h"
#include "nlohmann/json.hpp"

namespace kefu::tool {

nlohmann::ordered_json MoneyJson(const std::vector<std::pair<std::string, Money>>& money);
// Each figure by name: money as a decimal string, times in RFC 3339, terms
// by key.
nlohmann::ordered_json FiguresJson(const Figures& figures);
// A due item: at, kind, entity, rule, the event that set it, description...
nlohmann::ordered_json DueJson(const DueItem& d, Language lang);
// The whole report; `file` names where the events came from.
nlohmann::ordered_json ReportJson(const std::string& file, const ReplayReport& r, Language lang);
// The text report, `limit` items listed per section and agent (0: all).
void PrintText(std::ostream& os, const std::string& file, const ReplayReport& r, size_t limit,
               Language lang);

// `kefu replay EVENTS --db FILE ...`: replay.cc hands the command to
// ReplayIntoStore (serve.cc) when its arguments name a store.
bool WantsStore(const std::vector<std::string>& args);
int ReplayIntoStore(const std::vector<std::string>& args, Streams io);

}  // namespace kefu::tool

#endif  // KEFU_TOOLS_KEFU_REPORT_OUTPUT_H_
