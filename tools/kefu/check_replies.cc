// kefu check-replies: checks replies, one per line, and writes one JSON object
// per finding (JSON Lines) to standard output and a summary to standard error.
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "commands.h"
#include "kefu/text/packs.h"
#include "kefu/text/reply_checker.h"
#include "nlohmann/json.hpp"

namespace kefu::tool {
namespace {

constexpr char kHelp[] =
    "usage: kefu check-replies [--pack NAMES] [--no-apology] [--no-privacy] [FILE]\n"
    "\n"
    "Reads UTF-8 replies, one per line, from FILE or standard input, and writes\n"
    "one JSON object per finding to standard output:\n"
    "  {\"line\":1,\"rule\":\"PH-NEGATION\",\"severity\":\"error\",\"start\":6,\"end\":12,\n"
    "   \"text\":\"不行\",\"suggestion\":\"无法帮到您\"}\n"
    "start and end are byte offsets into the line. A summary goes to standard\n"
    "error. The exit code is 0 whether or not anything was found, 1 when the\n"
    "input cannot be read, 2 on a usage error.\n"
    "\n"
    "options:\n"
    "  --pack NAMES   comma-separated phrase packs: seed, advertising-law,\n"
    "                 default (= seed), all. Default: seed\n"
    "  --no-apology   do not check PH-APOLOGY\n"
    "  --no-privacy   do not check PH-PRIVACY\n";

}  // namespace

int CheckReplies(const std::vector<std::string>& args, Streams io) {
  std::string packs = "default";
  std::string file;
  ReplyCheckerOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      io.out << kHelp;
      return kExitOk;
    } else if (a == "--pack" || a == "--packs") {
      if (i + 1 >= args.size()) {
        io.err << "kefu check-replies: " << a << " needs a value\n";
        return kExitUsage;
      }
      packs = args[++i];
    } else if (a.rfind("--pack=", 0) == 0) {
      packs = a.substr(7);
    } else if (a == "--no-apology") {
      options.apology.enabled = false;
    } else if (a == "--no-privacy") {
      options.privacy.enabled = false;
    } else if (a == "-") {
      file.clear();
    } else if (!a.empty() && a[0] == '-') {
      io.err << "kefu check-replies: unknown option " << a << "\n" << kHelp;
      return kExitUsage;
    } else if (file.empty()) {
      file = a;
    } else {
      io.err << "kefu check-replies: more than one FILE\n";
      return kExitUsage;
    }
  }
  auto lists = PacksByName(packs);
  if (!lists.ok()) {
    io.err << "kefu check-replies: " << lists.status().message() << "\n";
    return kExitUsage;
  }
  options.lists = *std::move(lists);
  auto checker = ReplyChecker::Create(std::move(options));
  if (!checker.ok()) {
    io.err << "kefu check-replies: " << checker.status().message() << "\n";
    return kExitFailure;
  }

  std::ifstream in_file;
  std::istream* in = &io.in;
  if (!file.empty()) {
    in_file.open(file, std::ios::binary);
    if (!in_file) {
      io.err << "kefu check-replies: cannot open " << file << "\n";
      return kExitFailure;
    }
    in = &in_file;
  }

  std::string line;
  std::vector<Finding> findings;
  std::map<std::string, size_t> by_rule;
  size_t lines = 0, total = 0, flagged = 0;
  while (std::getline(*in, line)) {
    ++lines;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    findings.clear();
    checker->Check(line, &findings);
    if (!findings.empty()) ++flagged;
    for (const Finding& f : findings) {
      nlohmann::ordered_json j;
      j["line"] = lines;
      j["rule"] = f.rule_id;
      j["severity"] = std::string(SeverityName(f.severity));
      j["start"] = f.begin;
      j["end"] = f.end;
      j["text"] = f.text;
      j["suggestion"] = f.suggestion;
      // Invalid UTF-8 in the input is written as U+FFFD, never as raw bytes.
      io.out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      ++by_rule[f.rule_id];
      ++total;
    }
  }
  if (in->bad()) {
    io.err << "kefu check-replies: read error\n";
    return kExitFailure;
  }
  io.out.flush();
  if (!io.out) {
    io.err << "kefu check-replies: write error\n";
    return kExitFailure;
  }
  io.err << "kefu check-replies: " << lines << " replies, " << flagged << " with findings, "
         << total << " findings";
  const char* sep = " (";
  for (const auto& [rule, n] : by_rule) {
    io.err << sep << rule << " " << n;
    sep = ", ";
  }
  io.err << (by_rule.empty() ? "" : ")") << "\n";
  return kExitOk;
}

}  // namespace kefu::tool
