// tools/kefu/commands.h: the subcommands of the `kefu` program.
//
// Each subcommand has a Setup function that declares its options and
// arguments on its own CLI::App (main.cc parses the command line with
// CLI11: --help for every command, a short message for a usage error) and
// returns the Runner that does the work once they are parsed. A Runner
// returns the process exit code: 0 on success (whatever was found), 1 when
// the work failed (an unreadable file), 2 on a usage error that only the
// command can see (a value out of range). Input is read with
// kefu::LineReader (kefu/io/line_reader.h), from a path or, for "-", from
// standard input's file descriptor: never through std::cin, which cannot
// tell a closed or unreadable standard input from an empty one. To add one,
// declare its Setup function here and list it in kCommands in main.cc.
#ifndef KEFU_TOOLS_KEFU_COMMANDS_H_
#define KEFU_TOOLS_KEFU_COMMANDS_H_

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kefu/engine/shop.h"
#include "kefu/io/policy_pack.h"

namespace CLI {
class App;
}  // namespace CLI

namespace kefu::tool {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Streams {
  std::ostream& out;
  std::ostream& err;
};

// A command on CLI11: Setup adds the command's options and subcommands to
// `app` (its own CLI::App, named and described already) and returns what
// runs it once the command line parsed. `--help` and usage errors are
// handled in main.cc.
using Runner = std::function<int()>;
using SetupFn = Runner (*)(CLI::App& app, Streams io);

struct Command {
  const char* name;
  const char* summary;
  SetupFn setup;
};

// The program's command line as main() received it (argv, null-terminated).
char* const* CommandLine();

// The whole of `path` ("-": standard input, read to its end) in *out, or
// false with the reason in *error.
bool ReadInputText(const std::string& path, std::string* out, std::string* error);

// --policy FILE: the pack into *options (PolicyPack::ApplyTo: everything a
// pack decides; the other fields kept). False, with the errors written to
// io.err ("file:line:column: key: message"), when the pack cannot be read or
// is not valid; warnings are written too.
bool LoadPolicyOption(const std::string& path, std::string_view command, Streams io,
                      ShopOptions* options);

// The pack in `path` ("-": standard input), its errors and warnings written
// to `io.err` prefixed with `command`; nullopt when it cannot be read or is
// not valid (policy.cc).
std::optional<PolicyPack> ReadPack(const std::string& path, std::string_view command, Streams io);

// kefu policy defaults | check FILE | diff FILE | print FILE
Runner SetupPolicy(CLI::App& app, Streams io);

// kefu check-replies [--pack NAMES | --policy FILE] [--no-apology] [--no-privacy]
//                    [--max-line-bytes N] [FILE]
Runner SetupCheckReplies(CLI::App& app, Streams io);

// kefu replay EVENTS [--until TIME] [--json] [--strict] [--limit N] [--keep N]
//                    [--lang zh|en] [--max-line-bytes N] [--no-progress]
//                    [--state-in FILE] [--state-out FILE] [--policy FILE]
Runner SetupReplay(CLI::App& app, Streams io);

// kefu diagram order|ticket|review [--format mermaid|dot]
Runner SetupDiagram(CLI::App& app, Streams io);

// kefu sample [--days N] [--orders-per-day N] [--seed S] [--start TIME] [-o FILE]
Runner SetupSample(CLI::App& app, Streams io);

// kefu serve --db FILE|URI [--shop ID] [--durability full|normal] [--snapshot-every N] [--batch N]
//            [--max-line-bytes N] [--lang zh|en] [--http ADDRESS:PORT [--allow-remote]]
//            (serve.cc)
Runner SetupServe(CLI::App& app, Streams io);

// kefu test FILE|DIR... [--policy FILE] [--coverage] (test.cc)
Runner SetupTest(CLI::App& app, Streams io);

// kefu report --db FILE|URI [--shop ID] [--json] [--until TIME] [--limit N]
//             [--lang zh|en] (serve.cc)
Runner SetupReport(CLI::App& app, Streams io);

// kefu worker --db URI [--shops PATTERN] [--name NAME] [--lease SECONDS] [--batch N]
//             [--durability full|normal] [--snapshot-every N] [--policy FILE] [--quiet]
//             (worker.cc)
Runner SetupWorker(CLI::App& app, Streams io);

// kefu db migrate --db URI [--partitions N]
// kefu db claim --db URI [--shops PATTERN] [--limit N] [--until TIME] [--lang zh|en]
//             (worker.cc)
Runner SetupDb(CLI::App& app, Streams io);

}  // namespace kefu::tool

#endif  // KEFU_TOOLS_KEFU_COMMANDS_H_
