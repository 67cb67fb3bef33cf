// The Python module `kefu` (pybind11) over kefu's C API (kefu/c.h): the same
// documents in and out as `kefu serve`. An event's answer is built as dicts
// straight from the answer (kefu_answer_visit), with no JSON text between;
// a dict event is written as JSON text here, as json.dumps would write it,
// without going through the json module; the due items and the report are
// read from their JSON with the json module. docs/bindings.md describes it;
// python/tests/ are its tests.
//
//   shop = kefu.Shop(db=None, policy=None, lang="zh", durability="full")
//   shop.apply(event) -> dict          event: a dict or a JSON string
//   shop.apply_json(event) -> str      serve's answer as JSON text
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

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
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

// Appends `s` as a JSON string the way json.dumps(ensure_ascii=False)
// writes it: '"', '\\' and the control characters escaped, the rest as it is.
void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t plain = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out->append(u, sizeof u);
      }
    }
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

// Appends `o` as json.dumps(o, ensure_ascii=False, separators=(",", ":"))
// writes it, for the plain types an event is made of (dict with str keys,
// list, tuple, str, int, finite float, bool, None). False for anything
// else (a subclass, a key that is not a str, a NaN, a str that is not
// UTF-8, nesting deeper than 64): the caller then asks json.dumps, which
// writes it or raises as it always did. `out` is then partly written.
bool AppendJson(PyObject* o, std::string* out, int depth) {
  if (depth > 64) return false;
  if (o == Py_None) {
    *out += "null";
  } else if (o == Py_True) {
    *out += "true";
  } else if (o == Py_False) {
    *out += "false";
  } else if (PyUnicode_CheckExact(o)) {
    Py_ssize_t n = 0;
    const char* p = PyUnicode_AsUTF8AndSize(o, &n);
    if (p == nullptr) {
      PyErr_Clear();
      return false;
    }
    AppendString(std::string_view(p, static_cast<size_t>(n)), out);
  } else if (PyLong_CheckExact(o)) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow != 0 || (v == -1 && PyErr_Occurred())) {
      PyErr_Clear();
      return false;
    }
    char buf[24];
    const int len = std::snprintf(buf, sizeof buf, "%lld", v);
    out->append(buf, static_cast<size_t>(len));
  } else if (PyFloat_CheckExact(o)) {
    const double v = PyFloat_AS_DOUBLE(o);
    if (!std::isfinite(v)) return false;
    // float.__repr__, which json.dumps writes.
    char* r = PyOS_double_to_string(v, 'r', 0, Py_DTSF_ADD_DOT_0, nullptr);
    if (r == nullptr) {
      PyErr_Clear();
      return false;
    }
    *out += r;
    PyMem_Free(r);
  } else if (PyDict_CheckExact(o)) {
    out->push_back('{');
    Py_ssize_t pos = 0;
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    bool first = true;
    while (PyDict_Next(o, &pos, &key, &value)) {
      if (!PyUnicode_CheckExact(key)) return false;
      if (!first) out->push_back(',');
      first = false;
      if (!AppendJson(key, out, depth + 1)) return false;
      out->push_back(':');
      if (!AppendJson(value, out, depth + 1)) return false;
    }
    out->push_back('}');
  } else if (PyList_CheckExact(o) || PyTuple_CheckExact(o)) {
    out->push_back('[');
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(o);
    PyObject** items = PySequence_Fast_ITEMS(o);
    for (Py_ssize_t i = 0; i < n; ++i) {
      if (i != 0) out->push_back(',');
      if (!AppendJson(items[i], out, depth + 1)) return false;
    }
    out->push_back(']');
  } else {
    return false;
  }
  return true;
}

// This thread's buffer for events written as JSON (the GIL is released
// while kefu reads it, and another thread may write its own meanwhile).
std::string& EventBuffer() {
  thread_local std::string buffer;
  return buffer;
}

// An event as JSON text: a str's own UTF-8 (no copy), bytes as they are,
// anything else written into `*buffer` (AppendJson, else json.dumps).
// The text lives as long as `event` and `*buffer`.
std::string_view EventText(const py::handle& event, std::string* buffer) {
  if (PyUnicode_Check(event.ptr())) {
    Py_ssize_t n = 0;
    const char* p = PyUnicode_AsUTF8AndSize(event.ptr(), &n);
    if (p == nullptr) throw py::error_already_set();
    return std::string_view(p, static_cast<size_t>(n));
  }
  if (PyBytes_Check(event.ptr())) {
    return std::string_view(PyBytes_AS_STRING(event.ptr()),
                            static_cast<size_t>(PyBytes_GET_SIZE(event.ptr())));
  }
  buffer->clear();
  if (!AppendJson(event.ptr(), buffer, 0)) {
    *buffer = JsonModule().encode(event).cast<std::string>();
  }
  return *buffer;
}

// Builds Python objects from kefu_answer_visit's calls: the document the
// answer's JSON text is, as json.loads would give it.
class Builder {
 public:
  Builder() = default;
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;
  ~Builder() {
    Py_XDECREF(key_);
    Py_XDECREF(root_);
  }

  // The document built; empty after a failed visit.
  py::object Take() {
    PyObject* r = root_;
    root_ = nullptr;
    return py::reinterpret_steal<py::object>(r);
  }

  static const kefu_visitor& Visitor() {
    static const kefu_visitor v = {&BeginObject, &EndObject, &BeginArray, &EndArray,
                                   &Key,         &String,    &Integer};
    return v;
  }

 private:
  // Places a new reference `o` in the open container (or as the root);
  // keeps a borrowed pointer to it on the stack when `open`.
  int Add(PyObject* o, bool open) {
    if (o == nullptr) return 1;
    if (stack_.empty()) {
      root_ = o;
    } else {
      PyObject* parent = stack_.back();
      int rc;
      if (PyDict_CheckExact(parent)) {
        rc = PyDict_SetItem(parent, key_, o);
        Py_CLEAR(key_);
      } else {
        rc = PyList_Append(parent, o);
      }
      Py_DECREF(o);
      if (rc != 0) return 1;
    }
    if (open) stack_.push_back(o);
    return 0;
  }

  static Builder& Self(void* ctx) { return *static_cast<Builder*>(ctx); }
  static int BeginObject(void* ctx) { return Self(ctx).Add(PyDict_New(), true); }
  static int BeginArray(void* ctx) { return Self(ctx).Add(PyList_New(0), true); }
  static int EndObject(void* ctx) { return Self(ctx).stack_.pop_back(), 0; }
  static int EndArray(void* ctx) { return Self(ctx).stack_.pop_back(), 0; }
  static int Key(void* ctx, const char* k, size_t n) {
    Builder& b = Self(ctx);
    b.key_ = KeyObject(std::string_view(k, n));
    return b.key_ == nullptr ? 1 : 0;
  }

  // A key as a str (a new reference): the answers' keys are a few dozen
  // names, so each is made once, interned, and kept, with its hash
  // computed once (a dict insert hashes its key). At most kMaxKeys are
  // kept; the GIL guards the cache.
  static PyObject* KeyObject(std::string_view k) {
    static constexpr size_t kMaxKeys = 512;
    static auto* const cache = new absl::flat_hash_map<std::string, PyObject*>();
    if (auto it = cache->find(absl::string_view(k.data(), k.size())); it != cache->end()) {
      Py_INCREF(it->second);
      return it->second;
    }
    PyObject* o = PyUnicode_DecodeUTF8(k.data(), static_cast<Py_ssize_t>(k.size()), nullptr);
    if (o == nullptr || cache->size() >= kMaxKeys) return o;
    PyUnicode_InternInPlace(&o);
    Py_INCREF(o);  // the cache's reference
    cache->emplace(std::string(k), o);
    return o;
  }
  static int String(void* ctx, const char* s, size_t n) {
    return Self(ctx).Add(PyUnicode_DecodeUTF8(s, static_cast<Py_ssize_t>(n), nullptr), false);
  }
  static int Integer(void* ctx, int64_t v) {
    return Self(ctx).Add(PyLong_FromLongLong(v), false);
  }

  std::vector<PyObject*> stack_;  // open containers, borrowed (the root owns them)
  PyObject* key_ = nullptr;       // the key of the value to come
  PyObject* root_ = nullptr;
};

// An answer for one call: this thread's, reused by every call, or a fresh
// one when this thread's is in use (a call from within building the
// answer: a __del__ the garbage collector ran that applies an event).
class AnswerLease {
 public:
  AnswerLease() {
    Slot& slot = ThreadSlot();
    if (!slot.busy) {
      if (slot.answer == nullptr) slot.answer = New();
      slot.busy = true;
      answer_ = slot.answer;
      slot_ = &slot;
    } else {
      answer_ = New();
    }
  }
  ~AnswerLease() {
    if (slot_ != nullptr) {
      slot_->busy = false;
    } else {
      kefu_answer_free(answer_);
    }
  }
  AnswerLease(const AnswerLease&) = delete;
  AnswerLease& operator=(const AnswerLease&) = delete;
  kefu_answer* get() const { return answer_; }

 private:
  struct Slot {
    kefu_answer* answer = nullptr;
    bool busy = false;
    ~Slot() { kefu_answer_free(answer); }
  };
  static Slot& ThreadSlot() {
    thread_local Slot slot;
    return slot;
  }
  static kefu_answer* New() {
    kefu_answer* a = nullptr;
    char* msg = nullptr;
    const kefu_status s = kefu_answer_new(&a, &msg);
    Check(s, msg);
    return a;
  }

  kefu_answer* answer_ = nullptr;
  Slot* slot_ = nullptr;
};

// The answer as Python objects (the GIL held).
py::object Build(const kefu_answer* answer) {
  Builder b;
  char* msg = nullptr;
  const kefu_status s = kefu_answer_visit(answer, &Builder::Visitor(), &b, &msg);
  if (s != KEFU_OK) {
    if (PyErr_Occurred()) {
      kefu_free(msg);
      throw py::error_already_set();
    }
    Check(s, msg);
  }
  return b.Take();
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
    AnswerLease a;
    ApplyInto(event, a.get());
    return Build(a.get());
  }

  py::str ApplyJson(const py::handle& event) {
    AnswerLease lease;
    kefu_answer* a = lease.get();
    ApplyInto(event, a);
    const char* json = nullptr;
    size_t n = 0;
    char* msg = nullptr;
    Check(kefu_answer_json(a, &json, &n, &msg), msg);
    return py::str(json, n);
  }

  py::object ApplyMany(const py::iterable& events) {
    // Not this thread's buffer: `events` may be a generator that applies
    // events itself.
    std::string lines;
    std::string one;
    for (const py::handle& e : events) {
      std::string_view text = EventText(e, &one);
      if (text.find('\n') != std::string_view::npos) {
        // A str event over several lines: one line, as JSON allows.
        one = JsonModule().encode(Loads(text)).cast<std::string>();
        text = one;
      }
      lines += text;
      lines += '\n';
    }
    AnswerLease a;
    kefu_shop* shop = Open();
    char* msg = nullptr;
    kefu_status s;
    {
      py::gil_scoped_release release;
      s = kefu_shop_apply_batch_into(shop, lines.data(), lines.size(), a.get(), &msg);
    }
    Check(s, msg);
    return Build(a.get());
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

  py::object Work(const std::optional<std::string>& agent) {
    Buffer out;
    char* msg = nullptr;
    kefu_status s;
    {
      py::gil_scoped_release release;
      s = kefu_shop_work(Open(), agent ? agent->data() : nullptr, agent ? agent->size() : 0,
                         &out.p, &out.n, &msg);
    }
    Check(s, msg);
    return Loads(out.view())["work"];
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
  // Applies one event into this thread's answer (the GIL released while
  // kefu works).
  void ApplyInto(const py::handle& event, kefu_answer* a) {
    const std::string_view text = EventText(event, &EventBuffer());
    kefu_shop* shop = Open();
    char* msg = nullptr;
    kefu_status s;
    {
      py::gil_scoped_release release;
      s = kefu_shop_apply_into(shop, text.data(), text.size(), a, &msg);
    }
    Check(s, msg);
  }

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

  // For the tests: the text apply() hands to kefu for `event`.
  m.def("_event_text", [](const py::handle& event) {
    std::string buffer;
    const std::string_view text = EventText(event, &buffer);
    return py::str(text.data(), text.size());
  }, py::arg("event"));

  py::class_<Policy, std::shared_ptr<Policy>>(m, "Policy",
                                              "A policy pack (docs/policy_pack.md), read once.")
      .def_property_readonly("revision", &Policy::revision,
                             "The pack's revision: 16 hex digits of its canonical form.");
  m.def("load_policy", &LoadPolicy, py::arg("path"),
        "Reads a policy pack (TOML). kefu.Error NOT_FOUND when it cannot be read, "
        "INVALID_ARGUMENT (every error, one a line) when it is not valid.");
  m.def("prepare_huge_page_heap",
        [](size_t bytes) { return kefu_prepare_huge_page_heap(bytes) != 0; },
        py::arg("bytes") = size_t{1} << 30,
        "Transparent huge pages for the process's heap, as the kefu program asks (kefu/c.h): "
        "far fewer page faults when a large store opens. Call once, first thing; it changes "
        "malloc's settings for the whole process. True when it did.");
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
      .def("apply_json", &Shop::ApplyJson, py::arg("event"),
           "As apply, the answer as kefu serve's JSON text (one line, no 'line').")
      .def("apply_many", &Shop::ApplyMany, py::arg("events"),
           "Applies events in one commit; a list of answers, each with its 'line' "
           "(1-based); an event that is not one gets {'line', 'result': 'bad', 'error'}.")
      .def("due", &Shop::Due, py::arg("now"),
           "The items due by now (RFC 3339) and not confirmed, earliest first, each with "
           "its 'id'.")
      .def("work", &Shop::Work, py::arg("agent") = py::none(),
           "The work list (FB-TRIAGE), highest priority first: every open deadline and "
           "scheduled action as a dict; with agent, a list of that agent's next item "
           "(theirs or nobody's), or an empty one.")
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
