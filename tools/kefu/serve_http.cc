// `kefu serve --db FILE --http ADDRESS:PORT`: the same as serve's pipe, over
// HTTP (cpp-httplib, Debian libcpp-httplib-dev), for hosts that would rather
// use their standard HTTP client (docs/serve.md):
//   POST /events   a body of JSON Lines events (one or many; one commit);
//                  the answers as JSON Lines, one per line, once durable
//   GET  /due?until=TIME       {"tick":TIME,"due":[items with ids]}
//   POST /done     {"done":[ids]} -> {"confirmed":K}
//   GET  /work[?agent=NAME]    {"work":[items]}: the work list (FB-TRIAGE),
//                              or the agent's next item
//   GET  /report[?until=TIME]  the report as JSON (kefu report --json)
// The server's threads share the store (kefu/store/sqlite_store.h is safe
// across threads; their commits are shared).
//
// Built twice: into kefu-http with cpp-httplib (KEFU_HAVE_HTTPLIB), and into
// kefu without it (KEFU_HTTP_HELPER), where --http runs the same command
// line in kefu-http: kefu itself then loads neither cpp-httplib nor OpenSSL.
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "kefu/core/time.h"
#include "kefu/io/answer_json.h"
#include "kefu/io/events.h"
#include "report_output.h"

#ifdef KEFU_HAVE_HTTPLIB
#include <pthread.h>

#include "httplib.h"
#include "nlohmann/json.hpp"
#endif

namespace kefu::tool {

#ifdef KEFU_HAVE_HTTPLIB
namespace {

void Reply(httplib::Response& res, int status, const std::string& json) {
  res.status = status;
  res.set_content(json + "\n", "application/json");
}

void Reply(httplib::Response& res, int status, const nlohmann::ordered_json& j) {
  Reply(res, status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Error(httplib::Response& res, int status, std::string message) {
  Reply(res, status, nlohmann::ordered_json{{"error", std::move(message)}});
}

int StatusFor(const absl::Status& s) {
  return s.code() == absl::StatusCode::kResourceExhausted ? 507 : 503;
}

bool Loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.rfind("127.", 0) == 0;
}

}  // namespace

int ServeHttp(ReportingStore& store, const std::string& db, const std::string& address,
              bool allow_remote, Language lang, std::ostream& err) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    err << "kefu serve: --http takes ADDRESS:PORT (e.g. 127.0.0.1:8080), got \"" << address
        << "\"\n";
    return kExitUsage;
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  char* end = nullptr;
  const long port = std::strtol(address.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535 || colon + 1 == address.size()) {
    err << "kefu serve: --http: not a port: \"" << address.substr(colon + 1) << "\"\n";
    return kExitUsage;
  }
  if (!Loopback(host) && !allow_remote) {
    err << "kefu serve: --http " << address
        << " is not a loopback address; add --allow-remote to serve other machines\n";
    return kExitUsage;
  }

  httplib::Server server;
  server.set_payload_max_length(size_t{256} << 20);
  server.Post("/events", [&](const httplib::Request& req, httplib::Response& res) {
    std::vector<ShopEvent> events;
    std::vector<int64_t> event_lines;
    std::vector<std::pair<int64_t, std::string>> bad;  // line, error
    int64_t line = 0;
    size_t pos = 0;
    const std::string& body = req.body;
    while (pos < body.size()) {
      size_t nl = body.find('\n', pos);
      if (nl == std::string::npos) nl = body.size();
      const std::string_view text(body.data() + pos, nl - pos);
      pos = nl + 1;
      ++line;
      if (IsBlankLine(text)) continue;
      absl::StatusOr<ShopEvent> e = ParseEvent(text, line);
      if (e.ok()) {
        events.push_back(*std::move(e));
        event_lines.push_back(line);
      } else {
        bad.emplace_back(line, std::string(e.status().message()));
      }
    }
    absl::StatusOr<std::vector<StoredResult>> results = store.ApplyBatch(events);
    if (!results.ok()) {
      // Nothing of the body is acknowledged: the host sends it again.
      Error(res, StatusFor(results.status()), std::string(results.status().message()));
      return;
    }
    std::string out;
    size_t b = 0;
    for (size_t k = 0; k <= results->size(); ++k) {
      const int64_t next = k < results->size() ? event_lines[k] : line + 1;
      for (; b < bad.size() && bad[b].first < next; ++b) {
        out += BadLineJson(bad[b].first, bad[b].second) + "\n";
      }
      if (k < results->size()) {
        out += EventAnswerJson(events[k], (*results)[k], lang, event_lines[k]) + "\n";
      }
    }
    res.set_content(out, "application/x-ndjson");
  });
  server.Get("/due", [&](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("until")) {
      Error(res, 400, "GET /due needs ?until=TIME (RFC 3339)");
      return;
    }
    absl::StatusOr<Timestamp> t = ParseTimestamp(req.get_param_value("until"));
    if (!t.ok()) {
      Error(res, 400, absl::StrCat("until: ", t.status().message()));
      return;
    }
    absl::StatusOr<std::vector<StoredDueItem>> due = store.Due(*t);
    if (!due.ok()) {
      Error(res, StatusFor(due.status()), std::string(due.status().message()));
      return;
    }
    Reply(res, 200, TickAnswerJson(std::nullopt, *t, *due, lang));
  });
  server.Post("/done", [&](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json j = nlohmann::json::parse(req.body, nullptr, false);
    std::vector<int64_t> ids;
    bool ok = j.is_object() && j.size() == 1 && j.contains("done") && j["done"].is_array();
    if (ok) {
      for (const nlohmann::json& id : j["done"]) {
        if (!id.is_number_integer()) {
          ok = false;
          break;
        }
        ids.push_back(id.get<int64_t>());
      }
    }
    if (!ok) {
      Error(res, 400, "POST /done takes {\"done\":[ids]}");
      return;
    }
    absl::StatusOr<size_t> n = store.Confirm(ids);
    if (!n.ok()) {
      Error(res, StatusFor(n.status()), std::string(n.status().message()));
      return;
    }
    Reply(res, 200, ConfirmAnswerJson(std::nullopt, *n));
  });
  server.Get("/work", [&](const httplib::Request& req, httplib::Response& res) {
    std::string agent;
    if (req.has_param("agent")) {
      agent = req.get_param_value("agent");
      if (agent.empty()) {
        Error(res, 400, "GET /work?agent= needs an agent's name");
        return;
      }
    }
    Reply(res, 200, ShopWorkAnswerJson(store.shop(), std::nullopt, agent));
  });
  server.Get("/report", [&](const httplib::Request& req, httplib::Response& res) {
    std::optional<Timestamp> until;
    if (req.has_param("until")) {
      absl::StatusOr<Timestamp> t = ParseTimestamp(req.get_param_value("until"));
      if (!t.ok()) {
        Error(res, 400, absl::StrCat("until: ", t.status().message()));
        return;
      }
      until = *t;
    }
    absl::StatusOr<ReplayReport> report = store.Report(until);
    if (!report.ok()) {
      Error(res, 500, std::string(report.status().message()));
      return;
    }
    Reply(res, 200, ReportJson(db, *report, lang));
  });

  const int bound =
      port == 0 ? server.bind_to_any_port(host)
                : (server.bind_to_port(host, static_cast<int>(port)) ? static_cast<int>(port) : -1);
  if (bound < 0) {
    err << "kefu serve: cannot listen on " << address << "\n";
    return kExitFailure;
  }
  // SIGINT / SIGTERM stop the server: blocked here (the server's threads
  // inherit the mask) and awaited by one thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  });
  err << "kefu serve: listening on http://"
      << (host.find(':') != std::string::npos ? "[" + host + "]" : host) << ":" << bound << "/"
      << std::endl;
  const bool ok = server.listen_after_bind();
  if (server.is_running()) server.stop();
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return ok ? kExitOk : kExitFailure;
}

#else  // no cpp-httplib here

int ServeHttp(ReportingStore&, const std::string&, const std::string&, bool, Language,
              std::ostream& err) {
  err << "kefu serve: --http: this kefu was built without cpp-httplib (Debian: "
         "libcpp-httplib-dev)\n";
  return kExitFailure;
}

#endif

#ifdef KEFU_HTTP_HELPER  // kefu, beside kefu-http (never with KEFU_HAVE_HTTPLIB)
int ServeHttpElsewhere(std::ostream& err) {
  // kefu-http sits beside this program (the build's tools/ directory, or
  // the installed bin/).
  std::string self(PATH_MAX, '\0');
  const ssize_t n = readlink("/proc/self/exe", self.data(), self.size());
  if (n <= 0 || static_cast<size_t>(n) >= self.size()) {
    err << "kefu serve: --http: cannot find this program's directory (/proc/self/exe: "
        << std::strerror(errno) << ")\n";
    return kExitFailure;
  }
  self.resize(static_cast<size_t>(n));
  const std::string helper = self.substr(0, self.rfind('/') + 1) + "kefu-http";
  std::cout.flush();
  err.flush();
  execv(helper.c_str(), CommandLine());
  err << "kefu serve: --http is served by kefu-http, installed beside kefu, which could not "
         "be run ("
      << helper << ": " << std::strerror(errno) << ")\n";
  return kExitFailure;
}
#else  // serves HTTP itself, or was built without it (ServeHttp says so)
int ServeHttpElsewhere(std::ostream&) { return -1; }
#endif

}  // namespace kefu::tool
