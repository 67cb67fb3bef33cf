// kefu test: runs a shop's scenario files (kefu/io/scenario.h,
// docs/testing.md) and reports, one line per scenario, a diff per failing
// step and a closing count; --coverage adds which transitions and rules the
// scenarios exercised.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include "CLI/CLI.hpp"
#include "commands.h"
#include "kefu/io/scenario.h"

namespace kefu::tool {
namespace {

constexpr char kAbout[] =
    "Each FILE is a scenario file (TOML, docs/testing.md): the pack it runs with,\n"
    "then steps in the shop's own words: at a time, an event, what the shop must\n"
    "decide. A DIR is searched for *.toml files with a [scenario] table (a pack\n"
    "beside them is not one), in name order.\n"
    "Prints \"ok\" or \"FAIL\" per scenario, for each failing step its number, line and\n"
    "words with the expected (-) and actual (+) lines, then \"N passed, N failed\".\n"
    "--policy FILE: the pack for scenarios that name none (default: the catalogue's).\n"
    "--coverage: then which machine transitions and catalogue rules were exercised.\n"
    "Exit codes: 0 all passed, 1 a scenario failed or a file is not a valid\n"
    "scenario (its error names its line), 2 usage error.";

namespace fs = std::filesystem;

// The scenario files of `paths`: files as given, directories searched.
bool CollectFiles(const std::vector<std::string>& paths, Streams io,
                  std::vector<std::pair<std::string, bool>>* files) {
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".toml") {
          found.push_back(it->path().string());
        }
      }
      if (ec) {
        io.err << "kefu test: " << path << ": " << ec.message() << "\n";
        return false;
      }
      std::sort(found.begin(), found.end());
      for (std::string& f : found) files->emplace_back(std::move(f), true);
    } else {
      files->emplace_back(path, false);
    }
  }
  return true;
}

int Run(const std::vector<std::string>& paths, const std::string& policy, bool coverage,
        Streams io) {
  ScenarioOptions options;
  if (!policy.empty()) {
    options.policy = ReadPack(policy, "test --policy", io);
    if (!options.policy) return kExitFailure;
  }
  ScenarioCoverage cover;
  if (coverage) options.coverage = &cover;
  std::vector<std::pair<std::string, bool>> files;
  if (!CollectFiles(paths, io, &files)) return kExitFailure;
  int passed = 0, failed = 0;
  for (const auto& [file, from_dir] : files) {
    std::string text, error;
    if (!ReadInputText(file, &text, &error)) {
      io.err << "kefu test: " << error << "\n";
      ++failed;
      continue;
    }
    if (from_dir && !LooksLikeScenario(text)) continue;
    absl::StatusOr<ScenarioResult> r = RunScenario(text, file, options);
    if (!r.ok()) {
      io.out << "ERROR " << file << "\n";
      io.err << "kefu test: " << r.status().message() << "\n";
      ++failed;
      continue;
    }
    if (r->passed()) {
      io.out << "ok    " << file << ": " << r->name << " (" << r->steps
             << (r->steps == 1 ? " step" : " steps") << ")\n";
      ++passed;
      continue;
    }
    ++failed;
    io.out << "FAIL  " << file << ": " << r->name << "\n";
    for (const ScenarioFailure& f : r->failures) {
      io.out << "  step " << f.step << " (line " << f.line << ") " << f.title << "\n";
      for (const std::string& line : f.diff) io.out << "    " << line << "\n";
    }
  }
  if (files.empty() || passed + failed == 0) {
    io.err << "kefu test: no scenario files found\n";
    return kExitFailure;
  }
  io.out << passed << " passed, " << failed << " failed\n";
  if (coverage) io.out << "\ncoverage:\n" << cover.Report();
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace

Runner SetupTest(CLI::App& app, Streams io) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto policy = std::make_shared<std::string>();
  auto coverage = std::make_shared<bool>(false);
  app.footer(kAbout);
  app.add_option("FILE|DIR", *paths, "scenario files, or directories of them")->required();
  app.add_option("--policy", *policy, "the pack for scenarios that name none")->type_name("FILE");
  app.add_flag("--coverage", *coverage, "report the transitions and rules exercised");
  return [paths, policy, coverage, io] { return Run(*paths, *policy, *coverage, io); };
}

}  // namespace kefu::tool
