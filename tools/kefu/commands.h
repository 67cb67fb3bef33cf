// tools/kefu/commands.h: the subcommands of the `kefu` program.
//
// Each subcommand is a function that takes its own arguments (without the
// program and subcommand names) and the output streams, and returns the
// process exit code: 0 on success (whatever was found), 1 when the work
// failed (an unreadable file), 2 on a usage error. Input is read with
// kefu::LineReader (kefu/io/line_reader.h), from a path or, for "-", from
// standard input's file descriptor: never through std::cin, which cannot
// tell a closed or unreadable standard input from an empty one. To add one,
// declare it here and list it in kCommands in main.cc.
#ifndef KEFU_TOOLS_KEFU_COMMANDS_H_
#define KEFU_TOOLS_KEFU_COMMANDS_H_

#include <iosfwd>
#include <string>
#include <vector>

namespace kefu::tool {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Streams {
  std::ostream& out;
  std::ostream& err;
};

using CommandFn = int (*)(const std::vector<std::string>& args, Streams io);

struct Command {
  const char* name;
  const char* summary;
  CommandFn run;
};

// kefu check-replies [--pack NAMES] [--no-apology] [--no-privacy] [--max-line-bytes N] [FILE]
int CheckReplies(const std::vector<std::string>& args, Streams io);

// kefu replay EVENTS.jsonl [--until TIME] [--json] [--strict] [--limit N] [--keep N]
//                          [--lang zh|en] [--max-line-bytes N]
int Replay(const std::vector<std::string>& args, Streams io);

// kefu diagram order|ticket|review [--format mermaid|dot]
int Diagram(const std::vector<std::string>& args, Streams io);

// kefu sample [--days N] [--orders-per-day N] [--seed S] [--start TIME] [-o FILE]
int Sample(const std::vector<std::string>& args, Streams io);

// kefu serve --db FILE [--durability full|normal] [--snapshot-every N] [--batch N] (serve.cc)
int Serve(const std::vector<std::string>& args, Streams io);

// kefu report --db FILE [--json] [--until TIME] [--limit N] (serve.cc)
int Report(const std::vector<std::string>& args, Streams io);

}  // namespace kefu::tool

#endif  // KEFU_TOOLS_KEFU_COMMANDS_H_
