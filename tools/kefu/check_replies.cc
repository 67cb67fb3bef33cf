// kefu check-replies: checks replies, one per line, and writes one JSON object
// per finding (JSON Lines) to standard output and a summary to standard error.
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "commands.h"
#include "kefu/io/line_reader.h"
#include "kefu/text/packs.h"
#include "kefu/text/reply_checker.h"
#include "kefu/io/answer_json.h"

namespace kefu::tool {
namespace {

constexpr char kAbout[] =
    "Reads UTF-8 replies, one per line, from FILE or standard input (also `-`;\n"
    "a pipe, a FIFO or /dev/stdin is read to its end), and writes one JSON\n"
    "object per finding to standard output:\n"
    "  {\"line\":1,\"rule\":\"PH-NEGATION\",\"severity\":\"error\",\"start\":6,\"end\":12,\n"
    "   \"text\":\"不行\",\"suggestion\":\"无法帮到您\"}\n"
    "start and end are byte offsets into the line. A line longer than\n"
    "--max-line-bytes is not checked: standard error names it. A summary goes\n"
    "to standard error. The exit code is 0 whether or not anything was found,\n"
    "1 when the input cannot be opened or read (with the system's reason) or\n"
    "the policy pack is not valid, 2 on a usage error.";

struct Args {
  std::string packs = "default";
  std::string policy;
  bool no_apology = false;
  bool no_privacy = false;
  std::string max_line_bytes;
  std::string file = "-";
};

// `max_line_bytes_given`: --max-line-bytes was on the command line (an
// empty value is an error, not the default).
int Run(const Args& args, bool packs_given, bool max_line_bytes_given, Streams io) {
  const std::string& packs = args.packs;
  const std::string& policy = args.policy;
  const std::string& file = args.file;
  const bool no_apology = args.no_apology, no_privacy = args.no_privacy;
  size_t max_line_bytes = LineReader::kDefaultMaxLineBytes;
  if (max_line_bytes_given) {
    const std::string& v = args.max_line_bytes;
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < 1) {
      io.err << "kefu check-replies: --max-line-bytes needs a count >= 1, got \"" << v << "\"\n";
      return kExitUsage;
    }
    max_line_bytes = static_cast<size_t>(n);
  }
  ReplyCheckerOptions options;
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
      // Invalid UTF-8 in the input is written as U+FFFD, never as raw bytes.
      io.out << FindingJson(f, line.number) << '\n';
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

}  // namespace

Runner SetupCheckReplies(CLI::App& app, Streams io) {
  auto args = std::make_shared<Args>();
  app.footer(kAbout);
  CLI::Option* pack =
      app.add_option("--pack,--packs", args->packs,
                     "comma-separated phrase packs: seed, advertising-law, default (= seed), all. "
                     "Default: seed")
          ->type_name("NAMES");
  app.add_option("--policy", args->policy,
                 "the phrase lists and PH rules of a policy pack (TOML, docs/policy_pack.md)")
      ->type_name("FILE");
  app.add_flag("--no-apology", args->no_apology, "do not check PH-APOLOGY");
  app.add_flag("--no-privacy", args->no_privacy, "do not check PH-PRIVACY");
  CLI::Option* max_line_bytes = app.add_option("--max-line-bytes", args->max_line_bytes,
                                               "the longest reply read, in bytes (default 1048576)")
                                    ->type_name("N");
  app.add_option("FILE", args->file, "the replies, one per line (default, or -: standard input)")
      ->type_name("FILE");
  return [args, pack, max_line_bytes, io] {
    return Run(*args, pack->count() > 0, max_line_bytes->count() > 0, io);
  };
}

}  // namespace kefu::tool
