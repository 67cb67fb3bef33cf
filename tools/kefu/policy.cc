// kefu policy: a shop's policy pack (kefu/io/policy_pack.h) printed,
// checked, compared with the defaults; and --policy FILE for the other
// commands.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "commands.h"
#include "kefu/io/policy_pack.h"

namespace kefu::tool {

bool ReadInputText(const std::string& path, std::string* out, std::string* error) {
  if (path == "-") {
    std::string data;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) continue;
        *error = std::string("cannot read standard input: ") + std::strerror(errno);
        return false;
      }
      data.append(buf, static_cast<size_t>(n));
    }
    *out = std::move(data);
    return true;
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream buf;
  buf << f.rdbuf();
  if (f.bad()) {
    *error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  *out = std::move(buf).str();
  return true;
}

std::optional<PolicyPack> ReadPack(const std::string& path, std::string_view command, Streams io) {
  std::string text, error;
  if (!ReadInputText(path, &text, &error)) {
    io.err << "kefu " << command << ": " << error << "\n";
    return std::nullopt;
  }
  PackReading r = ReadPolicyPack(text, path == "-" ? "<stdin>" : path);
  for (const PackMessage& m : r.errors) io.err << m.ToString() << "\n";
  for (const PackMessage& m : r.warnings) {
    PackMessage w = m;
    w.message = "warning: " + w.message;
    io.err << w.ToString() << "\n";
  }
  if (!r.pack) {
    io.err << "kefu " << command << ": " << path << ": " << r.errors.size()
           << (r.errors.size() == 1 ? " error" : " errors") << ", nothing loaded\n";
  }
  return std::move(r.pack);
}

bool LoadPolicyOption(const std::string& path, std::string_view command, Streams io,
                      ShopOptions* options) {
  std::optional<PolicyPack> pack = ReadPack(path, command, io);
  if (!pack) return false;
  pack->ApplyTo(options);
  return true;
}

Runner SetupPolicy(CLI::App& app, Streams io) {
  app.require_subcommand(1);
  app.footer(
      "A policy pack is one TOML file with a table per rule ID holding that rule's\n"
      "parameters, plus [shop], [calendar], [couriers.NAME], [agents.NAME] and\n"
      "[phrases] (docs/policy_pack.md).\n"
      "Keys not set keep the catalogue's defaults. FILE may be - for standard input.\n"
      "Exit codes: 0 done (a valid pack), 1 a pack that cannot be read or is not valid\n"
      "(each error on standard error as file:line:column: key: message), 2 usage error.");
  auto file = std::make_shared<std::string>();
  auto what = std::make_shared<std::string>();

  CLI::App* defaults =
      app.add_subcommand("defaults", "print the complete default pack, every key commented");
  CLI::App* check = app.add_subcommand("check", "validate a pack: exit 0, or 1 with the errors");
  check->add_option("FILE", *file, "the pack (- for standard input)")
      ->type_name("FILE")
      ->required();
  CLI::App* diff =
      app.add_subcommand("diff", "list what a pack changes against the defaults, one key a line");
  diff->add_option("FILE", *file, "the pack (- for standard input)")->type_name("FILE")->required();
  CLI::App* print = app.add_subcommand(
      "print", "print a pack complete, in the canonical form defaults uses (every key)");
  print->add_option("FILE", *file, "the pack (- for standard input)")
      ->type_name("FILE")
      ->required();
  defaults->callback([what] { *what = "defaults"; });
  check->callback([what] { *what = "check"; });
  diff->callback([what] { *what = "diff"; });
  print->callback([what] { *what = "print"; });

  return [io, file, what]() -> int {
    if (*what == "defaults") {
      io.out << PolicyPack::Defaults().ToToml();
    } else {
      std::optional<PolicyPack> pack = ReadPack(*file, "policy " + *what, io);
      if (!pack) return kExitFailure;
      if (*what == "check") {
        const size_t changes = pack->Diff().size();
        io.out << (*file == "-" ? "<stdin>" : *file) << ": valid, revision " << pack->revision()
               << ", " << changes << (changes == 1 ? " key" : " keys")
               << " changed from the defaults";
        if (!pack->warnings().empty()) io.out << ", " << pack->warnings().size() << " warnings";
        io.out << "\n";
      } else if (*what == "diff") {
        for (const std::string& line : pack->Diff()) io.out << line << "\n";
      } else {
        io.out << pack->ToToml();
      }
    }
    io.out.flush();
    if (!io.out) {
      io.err << "kefu policy: write error\n";
      return kExitFailure;
    }
    return kExitOk;
  };
}

}  // namespace kefu::tool
