#!/usr/bin/env python3
"""The cost of one event through the C API and through Python against a C++
host, in one run (issue 22; docs/benchmarks.md, docs/bindings.md).

Every path takes the same lines, those of a sample week (`kefu sample`: 7
days, 200 orders a day), in file order, each pass on a fresh shop in memory
(made and closed outside the time), and does the same work: read the JSON
line, apply the event, answer it (serve's answer: JSON text for C++ and C,
the same document as a dict for Python). The C++ and C passes are
bench/capi_passes.h's, loaded from their shared library with ctypes, so
that they run in this process, in turns with Python's:

  cpp        ParseEvent + Shop::Apply + EventAnswerJson: the baseline
  cpp_apply  ParseEvent + Shop::Apply, no answer (for reference)
  c          kefu_shop_apply (a buffer a call, kefu_free)
  c_into     kefu_shop_apply_into + kefu_answer_json (one reused answer)
  c_batch    kefu_shop_apply_batch, 1,000 lines a call
  py_str     shop.apply(line)          the line as a str
  py_dict    shop.apply(event)         the line as a dict (json.loads'd before)
  py_many    shop.apply_many(events)   1,000 dicts a call

Figures:
  warm  after one pass of every path, ROUNDS rounds of one pass of every
        path (their order turned each round); the median µs an event, and
        each path's ratio to cpp's pass of the same round: the median and
        the range of those paired ratios. The floors are judged on these.
  cold  the first pass of a fresh process (its lazily built tables and
        caches included; the import and the line reading not), COLD
        processes a path, in turns; the median.
  Ir    with --callgrind: instructions an event under callgrind, a warm
        pass (after one uncounted) and a cold one: the figure a shared,
        noisy machine does not move.

    python3 bench/bindings_bench.py --kefu build/default/tools/kefu \\
        --passes build/default/bench/libkefu_bench_passes.so \\
        --python-path build/default/python [--callgrind]

(`cmake --build build/default --target bindings_bench` runs it.)
"""
import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROUNDS = 9
COLD = 5
LIB_PATHS = ["cpp", "cpp_apply", "c", "c_into", "c_batch"]
PY_PATHS = ["py_str", "py_dict", "py_many"]
FLOORS = {"c": 1.5, "c_into": 1.5, "py_str": 3.0, "py_dict": 3.0}
BASE = "cpp"


class Passes:
    """Every path's pass, C++ and C through the library, Python's here."""

    def __init__(self, lib_file, events_file, need_kefu=True):
        self.lib = ctypes.CDLL(lib_file)
        self.lib.kefu_bench_pass.restype = ctypes.c_double
        self.lib.kefu_bench_pass.argtypes = [ctypes.c_char_p]
        self.lib.kefu_bench_pass_counted.restype = ctypes.c_double
        self.lib.kefu_bench_pass_counted.argtypes = [ctypes.c_char_p]
        self.lib.kefu_bench_events.restype = ctypes.c_size_t
        self.lib.kefu_bench_collect.argtypes = [ctypes.c_int]
        if self.lib.kefu_bench_load(events_file.encode()) != 0:
            sys.exit(f"cannot read {events_file}")
        with open(events_file, encoding="utf-8") as f:
            self.lines = [line.rstrip("\n") for line in f if line.strip()]
        if len(self.lines) != self.lib.kefu_bench_events():
            sys.exit("the library and Python read different lines")
        self.dicts = [json.loads(line) for line in self.lines]
        self.kefu = None
        if need_kefu:
            import kefu
            self.kefu = kefu

    def collect(self, on):
        self.lib.kefu_bench_collect(1 if on else 0)

    def run(self, path, collect=False):
        """Seconds of one pass of `path`."""
        if path in LIB_PATHS:
            run = self.lib.kefu_bench_pass_counted if collect else self.lib.kefu_bench_pass
            s = run(path.encode())
            if s < 0:
                sys.exit(f"the {path} pass failed")
            return s
        shop = self.kefu.Shop()
        apply = shop.apply
        if collect:  # the loop alone, as the library's passes
            self.collect(True)
        if path == "py_str":
            t = time.perf_counter()
            for line in self.lines:
                apply(line)
            s = time.perf_counter() - t
        elif path == "py_dict":
            t = time.perf_counter()
            for d in self.dicts:
                apply(d)
            s = time.perf_counter() - t
        elif path == "py_many":
            dicts, many = self.dicts, shop.apply_many
            t = time.perf_counter()
            for i in range(0, len(dicts), 1000):
                many(dicts[i:i + 1000])
            s = time.perf_counter() - t
        else:
            sys.exit(f"no path {path}")
        if collect:
            self.collect(False)
        shop.close()
        return s


def one(args):
    """--one PATH: passes in this fresh process; prints each one's seconds."""
    p = Passes(args.passes, args.events, need_kefu=args.one in PY_PATHS)
    out = []
    for i in range(1, args.count + 1):
        out.append(p.run(args.one, collect=(i == args.collect_pass)))
    print(json.dumps(out))


def child(args, path, count, collect_pass=0, prefix=()):
    cmd = list(prefix) + [sys.executable, os.path.abspath(__file__), "--one", path,
                          "--count", str(count), "--collect-pass", str(collect_pass),
                          "--events", args.events, "--passes", args.passes,
                          "--python-path", args.python_path, "--kefu", args.kefu]
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def callgrind_ir(args, path, collect_pass, tmp):
    out = os.path.join(tmp, f"cg.{path}.{collect_pass}")
    child(args, path, collect_pass, collect_pass,
          prefix=["valgrind", "--tool=callgrind", "--collect-atstart=no",
                  f"--callgrind-out-file={out}"])
    with open(out, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    sys.exit(f"no totals in {out}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kefu", required=True, help="the kefu program (for kefu sample)")
    p.add_argument("--passes", required=True,
                   help="the library of C++ and C passes (libkefu_bench_passes.so)")
    p.add_argument("--python-path", required=True, help="the directory holding the kefu module")
    p.add_argument("--rounds", type=int, default=ROUNDS)
    p.add_argument("--cold", type=int, default=COLD, help="fresh processes a path")
    p.add_argument("--callgrind", action="store_true", help="also count instructions")
    p.add_argument("--one", help=argparse.SUPPRESS)
    p.add_argument("--count", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--collect-pass", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--events", help=argparse.SUPPRESS)
    a = p.parse_args()
    sys.path.insert(0, a.python_path)
    if a.one:
        return one(a)
    paths = LIB_PATHS + PY_PATHS
    with tempfile.TemporaryDirectory() as tmp:
        a.events = os.path.join(tmp, "week.jsonl")
        subprocess.run([a.kefu, "sample", "-o", a.events], check=True,
                       stderr=subprocess.DEVNULL)
        started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        # Cold: the first pass of fresh processes, the paths in turns.
        cold = {path: [] for path in paths}
        for _ in range(a.cold):
            for path in paths:
                cold[path].extend(child(a, path, 1))
        # Warm: one pass of every path first, then the rounds.
        w = Passes(a.passes, a.events)
        n = len(w.lines)
        for path in paths:
            w.run(path)
        warm = {path: [] for path in paths}
        ratios = {path: [] for path in paths}
        for r in range(a.rounds):
            order = paths[r % len(paths):] + paths[:r % len(paths)]
            got = {path: w.run(path) for path in order}
            for path in paths:
                warm[path].append(got[path])
                ratios[path].append(got[path] / got[BASE])
        ir = {}
        if a.callgrind:
            for path in paths:
                ir[path] = (callgrind_ir(a, path, 2, tmp) / n, callgrind_ir(a, path, 1, tmp) / n)
        load = os.getloadavg()

    us = lambda s: s / n * 1e6  # noqa: E731
    print(f"{n} events of a sample week; started {started}; load {load[0]:.2f} at the end")
    print(f"warm: median of {a.rounds} rounds, ratio to {BASE} paired by round; "
          f"cold: median of {a.cold} fresh processes")
    print(f"{'path':10} {'warm µs':>8} {'x cpp':>6} {'(range)':>13} {'cold µs':>8} {'x cpp':>6}"
          + (f" {'Ir warm':>8} {'x cpp':>6} {'Ir cold':>8} {'x cpp':>6}" if ir else "")
          + "  floor")
    cold_base = statistics.median(cold[BASE])
    for path in paths:
        rs = ratios[path]
        ratio = statistics.median(rs)
        c = statistics.median(cold[path])
        line = (f"{path:10} {us(statistics.median(warm[path])):8.2f} {ratio:6.2f} "
                f"{f'({min(rs):.2f}–{max(rs):.2f})':>13} {us(c):8.2f} {c / cold_base:6.2f}")
        if ir:
            line += (f" {ir[path][0]:8.0f} {ir[path][0] / ir[BASE][0]:6.2f}"
                     f" {ir[path][1]:8.0f} {ir[path][1] / ir[BASE][1]:6.2f}")
        floor = FLOORS.get(path)
        if floor is not None:
            line += f"  <= {floor}x: " + ("met" if ratio <= floor else "NOT met")
        print(line)


if __name__ == "__main__":
    main()
