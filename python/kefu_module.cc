// The Python module `kefu` (pybind11) over kefu's C API (kefu/c.h): the same
// JSON in and out as `kefu serve`, turned into dicts with Python's json
// module. docs/bindings.md describes it; python/tests/ are its tests.
//
//   shop = kefu.Shop(db=None, policy=None, lang="zh", durability="full")
//   shop.apply(event) -> dict          event: a dict or a JSON string
//   shop.apply_many(events) -> [dict]  one commit; a bad one: result "bad"
//   shop.due(now) -> [dict]            items due by now, with their ids
//   shop.confirm(ids) -> int           how many were pending
//   shop.report(until=None) -> dict
//   shop.close()                       also `with kefu.Shop() as shop:`
//   kefu.check_reply(text, policy=None) -> [dict]   the findings
//   kefu.load_policy(path) -> kefu.Policy           .revision
//   kefu.Error: .code (kefu/c.h's status number), .code_name, .message
//
// Threads: the GIL is released around every call into kefu, and a Shop may
// be used from several threads at once, as kefu/c.h allows (close() last).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kefu/c.h"

namespace py = pybind11;

namespace {

// A failed kefu call, until the translator turns it into kefu.Error.
struct KefuError {
  int code;
  std::string message;
};

const char* CodeName(int code) {
  static const char* const kNames[] = {
      "OK",           "CANCELLED",          "UNKNOWN",        "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",     "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",          "UNAVAILABLE",    "DATA_LOSS",
      "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}

// Owns a buffer kefu returned.
struct Buffer {
  char* p = nullptr;
  size_t n = 0;
  ~Buffer() { kefu_free(p); }
  std::string_view view() const { return std::string_view(p == nullptr ? "" : p, n); }
};

void Check(kefu_status s, char* msg) {
  if (s == KEFU_OK) return;
  KefuError e{static_cast<int>(s), msg != nullptr ? msg : ""};
  kefu_free(msg);
  throw e;
}

// Python's JSON encoder and decoder, made once (json.dumps with options
// would make an encoder per call). Never destroyed: the interpreter may be
// gone by then.
struct Json {
  py::object encode, decode;
};
Json& JsonModule() {
  static Json* j = [] {
    py::module_ json = py::module_::import("json");
    py::object encoder = json.attr("JSONEncoder")(py::arg("ensure_ascii") = false,
                                                  py::arg("separators") = py::make_tuple(",", ":"));
    return new Json{encoder.attr("encode"), json.attr("JSONDecoder")().attr("decode")};
  }();
  return *j;
}

// An event as JSON text: a str as it is, anything else through json.dumps.
std::string EventText(const py::handle& event) {
  if (py::isinstance<py::str>(event)) return event.cast<std::string>();
  if (py::isinstance<py::bytes>(event)) return event.cast<std::string>();
  return JsonModule().encode(event).cast<std::string>();
}

py::object Loads(std::string_view text) {
  return JsonModule().decode(py::str(text.data(), text.size()));
}

class Policy {
 public:
  explicit Policy(kefu_policy* p) : p_(p, kefu_policy_free) {}
  const kefu_policy* get() const { return p_.get(); }
  std::string revision() const { return kefu_policy_revision(p_.get()); }

 private:
  std::shared_ptr<kefu_policy> p_;
};

std::string Fspath(const py::object& path) {
  return py::module_::import("os").attr("fspath")(path).cast<std::string>();
}

std::shared_ptr<Policy> LoadPolicyAt(const std::string& path) {
  kefu_policy* p = nullptr;
  char* msg = nullptr;
  kefu_status s;
  {
    py::gil_scoped_release release;
    s = kefu_policy_load(path.data(), path.size(), &p, &msg);
  }
  Check(s, msg);
  return std::make_shared<Policy>(p);
}

// A policy argument: None, a kefu.Policy, or a path (str or os.PathLike).
std::shared_ptr<Policy> PolicyArg(const py::object& policy) {
  if (policy.is_none()) return nullptr;
  if (py::isinstance<Policy>(policy)) return policy.cast<std::shared_ptr<Policy>>();
  return LoadPolicyAt(Fspath(policy));
}

// kefu.load_policy(path): a str or an os.PathLike.
std::shared_ptr<Policy> LoadPolicy(const py::object& path) { return LoadPolicyAt(Fspath(path)); }

class Shop {
 public:
  Shop(const py::object& db, const py::object& policy, const std::string& lang,
       const std::string& durability) {
    unsigned flags = 0;
    if (lang == "en") {
      flags |= KEFU_LANG_EN;
    } else if (lang != "zh") {
      throw KefuError{KEFU_INVALID_ARGUMENT, "lang: zh or en, got \"" + lang + "\""};
    }
    if (durability == "normal") {
      flags |= KEFU_DURABILITY_NORMAL;
    } else if (durability != "full") {
      throw KefuError{KEFU_INVALID_ARGUMENT,
                      "durability: full or normal, got \"" + durability + "\""};
    }
    std::string path;
    if (!db.is_none()) path = Fspath(db);
    policy_ = PolicyArg(policy);
    char* msg = nullptr;
    kefu_status s;
    {
      py::gil_scoped_release release;
      s = kefu_shop_open(path.data(), path.size(), policy_ ? policy_->get() : nullptr, flags,
                         &shop_, &msg);
    }
    Check(s, msg);
  }
  ~Shop() { kefu_shop_close(shop_); }

  py::object Apply(const py::handle& event) {
    const std::string text = EventText(event);
    Buffer out;
    char* msg = nullptr;
    kefu_status s;
    {
      py::gil_scoped_release release;
      s = kefu_shop_apply(Open(), text.data(), text.size(), &out.p, &out.n, &msg);
    }
    Check(s, msg);
    return Loads(out.view());
  }

  py::list ApplyMany(const py::iterable& events) {
    std::string lines;
    for (const py::handle& e : events) {
      std::string text = EventText(e);
      if (text.find('\n') != std::string::npos) {
        // A str event over several lines: one line, as JSON allows.
        text = JsonModule().encode(Loads(text)).cast<std::string>();
      }
      lines += text;
      lines += '\n';
    }
    Buffer out;
    char* msg = nullptr;
    kefu_status s;
    {
      py::gil_scoped_release release;
      s = kefu_shop_apply_batch(Open(), lines.data(), lines.size(), &out.p, &out.n, &msg);
    }
    Check(s, msg);
    py::list answers;
    std::string_view rest = out.view();
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      answers.append(Loads(rest.substr(0, nl)));
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    return answers;
  }

  py::object Due(const std::string& now) {
    Buffer out;
    char* msg = nullptr;
    kefu_status s;
    {
      py::gil_scoped_release release;
      s = kefu_shop_due(Open(), now.data(), now.size(), &out.p, &out.n, &msg);
    }
    Check(s, msg);
    return Loads(out.view())["due"];
  }

  size_t Confirm(const std::vector<int64_t>& ids) {
    size_t n = 0;
    char* msg = nullptr;
    kefu_status s;
    {
      py::gil_scoped_release release;
      s = kefu_shop_confirm(Open(), ids.data(), ids.size(), &n, &msg);
    }
    Check(s, msg);
    return n;
  }

  py::object Report(const std::optional<std::string>& until) {
    Buffer out;
    char* msg = nullptr;
    kefu_status s;
    {
      py::gil_scoped_release release;
      s = kefu_shop_report(Open(), until ? until->data() : nullptr, until ? until->size() : 0,
                           &out.p, &out.n, &msg);
    }
    Check(s, msg);
    return Loads(out.view());
  }

  void Close() {
    kefu_shop* s = shop_;
    shop_ = nullptr;
    py::gil_scoped_release release;
    kefu_shop_close(s);
  }

 private:
  kefu_shop* Open() const {
    if (shop_ == nullptr) throw KefuError{KEFU_FAILED_PRECONDITION, "the shop is closed"};
    return shop_;
  }

  kefu_shop* shop_ = nullptr;
  std::shared_ptr<Policy> policy_;
};

py::object CheckReply(const std::string& text, const py::object& policy) {
  std::shared_ptr<Policy> p = PolicyArg(policy);
  Buffer out;
  char* msg = nullptr;
  kefu_status s;
  {
    py::gil_scoped_release release;
    s = kefu_check_reply(p ? p->get() : nullptr, text.data(), text.size(), &out.p, &out.n, &msg);
  }
  Check(s, msg);
  return Loads(out.view())["findings"];
}

}  // namespace

PYBIND11_MODULE(kefu, m) {
  m.doc() =
      "kefu: customer-service rules and workflows for online shops (docs/bindings.md).";
  m.attr("__version__") = kefu_version();

  // kefu.Error(message): .code (kefu/c.h's status number), .code_name, .message.
  static py::handle error_type =
      py::handle(PyErr_NewExceptionWithDoc(
          "kefu.Error",
          "A kefu call failed: .code is the status (kefu/c.h, Abseil's numbers), "
          ".code_name its name, .message the reason.",
          PyExc_Exception, nullptr));
  m.attr("Error") = error_type;
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const KefuError& e) {
      py::object exc = py::reinterpret_borrow<py::object>(error_type)(e.message);
      exc.attr("code") = e.code;
      exc.attr("code_name") = CodeName(e.code);
      exc.attr("message") = e.message;
      PyErr_SetObject(error_type.ptr(), exc.ptr());
    }
  });

  py::class_<Policy, std::shared_ptr<Policy>>(m, "Policy",
                                              "A policy pack (docs/policy_pack.md), read once.")
      .def_property_readonly("revision", &Policy::revision,
                             "The pack's revision: 16 hex digits of its canonical form.");
  m.def("load_policy", &LoadPolicy, py::arg("path"),
        "Reads a policy pack (TOML). kefu.Error NOT_FOUND when it cannot be read, "
        "INVALID_ARGUMENT (every error, one a line) when it is not valid.");
  m.def("check_reply", &CheckReply, py::arg("text"), py::arg("policy") = py::none(),
        "The reply checker's findings for one reply: a list of dicts (rule, severity, "
        "start, end, text, suggestion). policy: a kefu.Policy, a path, or None (the "
        "shipped defaults).");

  py::class_<Shop>(m, "Shop",
                   "A shop: in memory (db=None) or in a store file (SQLite). policy: a "
                   "kefu.Policy, a path to a pack, or None. lang: zh or en (reasons and "
                   "descriptions). durability: full or normal (a store file).")
      .def(py::init<const py::object&, const py::object&, const std::string&,
                    const std::string&>(),
           py::arg("db") = py::none(), py::arg("policy") = py::none(), py::arg("lang") = "zh",
           py::arg("durability") = "full")
      .def("apply", &Shop::Apply, py::arg("event"),
           "Applies one event (a dict or a JSON string, docs/events.md); returns kefu "
           "serve's answer as a dict. kefu.Error INVALID_ARGUMENT when it is not an event.")
      .def("apply_many", &Shop::ApplyMany, py::arg("events"),
           "Applies events in one commit; a list of answers, each with its 'line' "
           "(1-based); an event that is not one gets {'line', 'result': 'bad', 'error'}.")
      .def("due", &Shop::Due, py::arg("now"),
           "The items due by now (RFC 3339) and not confirmed, earliest first, each with "
           "its 'id'.")
      .def("confirm", &Shop::Confirm, py::arg("ids"),
           "Marks due items handled; returns how many were pending.")
      .def("report", &Shop::Report, py::arg("until") = py::none(),
           "The report (kefu report --json) as a dict.")
      .def("close", &Shop::Close, "Closes the shop; later calls raise kefu.Error.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](Shop& self, const py::object&, const py::object&, const py::object&) {
             self.Close();
             return false;
           });
}
