// kefu check-replies: checks replies, one per line, and writes one JSON object
// per finding (JSON Lines) to standard output and a summary to standard error.
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "kefu/io/line_reader.h"
#include "kefu/text/packs.h"
#include "kefu/text/reply_checker.h"
#include "nlohmann/json.hpp"

namespace kefu::tool {
namespace {

constexpr char kHelp[] =
    "usage: kefu check-replies [--pack NAMES | --policy FILE] [--no-apology]\n"
    "                          [--no-privacy] [--max-line-bytes N] [FILE]\n"
    "\n"
    "Reads UTF-8 replies, one per line, from FILE or standard input (also `-`;\n"
    "a pipe, a FIFO or /dev/stdin is read to its end), and writes one JSON\n"
    "object per finding to standard output:\n"
    "  {\"line\":1,\"rule\":\"PH-NEGATION\",\"severity\":\"error\",\"start\":6,\"end\":12,\n"
    "   \"text\":\"不行\",\"suggestion\":\"无法帮到您\"}\n"
    "start and end are byte offsets into the line. A line longer than\n"
    "--max-line-bytes is not checked: standard error names it. A summary goes\n"
    "to standard error. The exit code is 0 whether or not anything was found,\n"
    "1 when the input cannot be opened or read (with the system's reason), 2 on\n"
    "a usage error.\n"
    "\n"
    "options:\n"
    "  --pack NAMES   comma-separated phrase packs: seed, advertising-law,\n"
    "                 default (= seed), all. Default: seed\n"
    "  --policy FILE  the phrase lists and PH rules of a policy pack (TOML,\n"
    "                 docs/policy_pack.md); a pack that is not valid: exit 1\n"
    "  --no-apology   do not check PH-APOLOGY\n"
    "  --no-privacy   do not check PH-PRIVACY\n"
    "  --max-line-bytes N  the longest reply read, in bytes (default 1048576)\n";

}  // namespace

int CheckReplies(const std::vector<std::string>& args, Streams io) {
  std::string packs = "default";
  std::string file = "-";
  size_t max_line_bytes = LineReader::kDefaultMaxLineBytes;
  bool file_given = false;
  bool packs_given = false;
  std::string policy;
  bool no_apology = false, no_privacy = false;
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
      packs_given = true;
    } else if (a.rfind("--pack=", 0) == 0) {
      packs = a.substr(7);
      packs_given = true;
    } else if (a == "--policy") {
      if (i + 1 >= args.size()) {
        io.err << "kefu check-replies: --policy needs a value\n";
        return kExitUsage;
      }
      policy = args[++i];
    } else if (a == "--no-apology") {
      no_apology = true;
    } else if (a == "--no-privacy") {
      no_privacy = true;
    } else if (a == "--max-line-bytes") {
      const std::string v = i + 1 < args.size() ? args[++i] : std::string();
      char* end = nullptr;
      const long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 1) {
        io.err << "kefu check-replies: --max-line-bytes needs a count >= 1, got \"" << v
               << "\"\n";
        return kExitUsage;
      }
      max_line_bytes = static_cast<size_t>(n);
    } else if (a == "-") {
      if (file_given) {
        io.err << "kefu check-replies: more than one FILE\n";
        return kExitUsage;
      }
      file_given = true;
    } else if (!a.empty() && a[0] == '-') {
      io.err << "kefu check-replies: unknown option " << a << "\n" << kHelp;
      return kExitUsage;
    } else if (!file_given) {
      file = a;
      file_given = true;
    } else {
      io.err << "kefu check-replies: more than one FILE\n";
      return kExitUsage;
    }
  }
  if (packs_given && !policy.empty()) {
    io.err << "kefu check-replies: --pack and --policy both choose the phrase lists: give one\n";
    return kExitUsage;
  }
  if (!policy.empty()) {
    if (policy == "-" && file == "-") {
      io.err << "kefu check-replies: the replies and the policy pack cannot both be standard "
                "input\n";
      return kExitUsage;
    }
    ShopOptions shop;
    if (!LoadPolicyOption(policy, "check-replies", io, &shop)) return kExitFailure;
    options = shop.reply_checker->options();
  } else {
    auto lists = PacksByName(packs);
    if (!lists.ok()) {
      io.err << "kefu check-replies: " << lists.status().message() << "\n";
      return kExitUsage;
    }
    options.lists = *std::move(lists);
  }
  if (no_apology) options.apology.enabled = false;
  if (no_privacy) options.privacy.enabled = false;
  auto checker = ReplyChecker::Create(std::move(options));
  if (!checker.ok()) {
    io.err << "kefu check-replies: " << checker.status().message() << "\n";
    return kExitFailure;
  }

  absl::StatusOr<std::unique_ptr<LineReader>> in = LineReader::Open(file, max_line_bytes);
  if (!in.ok()) {
    io.err << "kefu check-replies: " << in.status().message() << "\n";
    return kExitFailure;
  }

  LineReader::Line line;
  std::vector<Finding> findings;
  std::map<std::string, size_t> by_rule;
  size_t lines = 0, total = 0, flagged = 0, too_long = 0;
  for (;;) {
    absl::StatusOr<bool> more = (*in)->Next(&line);
    if (!more.ok()) {
      io.err << "kefu check-replies: " << more.status().message() << "\n";
      return kExitFailure;
    }
    if (!*more) break;
    ++lines;
    if (line.too_long) {
      ++too_long;
      io.err << "kefu check-replies: line " << line.number << ": " << line.bytes
             << " bytes, longer than the limit of " << max_line_bytes
             << " bytes a line: not checked\n";
      continue;
    }
    std::string_view text = line.text;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    findings.clear();
    checker->Check(text, &findings);
    if (!findings.empty()) ++flagged;
    for (const Finding& f : findings) {
      nlohmann::ordered_json j;
      j["line"] = line.number;
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
  io.err << (by_rule.empty() ? "" : ")");
  if (too_long > 0) io.err << "; " << too_long << " longer than the limit, not checked";
  io.err << "\n";
  return kExitOk;
}

}  // namespace kefu::tool
