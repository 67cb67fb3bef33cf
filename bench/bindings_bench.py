#!/usr/bin/env python3
"""The cost of one event through the C API and through Python against the
C++ Shop, in one run (issue 22; docs/benchmarks.md, docs/bindings.md).

Writes a sample week with `kefu sample` (7 days, 200 orders a day), runs
capi_bench on it (the C++ and C figures), then times the Python module on
the same lines: each a fresh shop in memory, the lines in file order, five
passes a round, three rounds (capi_bench and Python taking turns, so that a
busy machine weighs on both), the median of the fifteen. Prints microseconds per event and each one's ratio
to the C++ host (ParseEvent + Shop::Apply), with the floors of issue 22:
the C API within 1.5x, Python within 3x.

    python3 bench/bindings_bench.py --kefu build/bench/tools/kefu \\
        --capi-bench build/bench/bench/capi_bench --python-path build/bench/python

(`cmake --build build/bench --target bindings_bench` runs it.)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPETITIONS = 5  # passes a round, for each path
ROUNDS = 3  # capi_bench and Python take turns, so that both see the same load


def median_us(seconds, events):
    return statistics.median(seconds) / events * 1e6


def capi_figures(capi_bench, events_file):
    env = dict(os.environ, KEFU_BENCH_EVENTS=events_file)
    out = subprocess.run([capi_bench, "--benchmark_format=json"], env=env, check=True,
                         capture_output=True, text=True).stdout
    runs = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        name = b.get("run_name", b["name"]).split("/")[0]
        # real_time is in the benchmark's unit (ms) for one pass of the week
        runs.setdefault(name, []).append(b["real_time"] / 1e3)
    return runs


def python_figures(lines):
    import kefu
    dicts = [json.loads(line) for line in lines]
    times = {"Python shop.apply(str)": [], "Python shop.apply(dict)": [],
             "Python shop.apply_many(1000 dicts)": []}
    for _ in range(REPETITIONS):
        shop = kefu.Shop()
        t = time.perf_counter()
        for line in lines:
            shop.apply(line)
        times["Python shop.apply(str)"].append(time.perf_counter() - t)
        shop.close()
        shop = kefu.Shop()
        t = time.perf_counter()
        for d in dicts:
            shop.apply(d)
        times["Python shop.apply(dict)"].append(time.perf_counter() - t)
        shop.close()
        shop = kefu.Shop()
        t = time.perf_counter()
        for i in range(0, len(dicts), 1000):
            shop.apply_many(dicts[i:i + 1000])
        times["Python shop.apply_many(1000 dicts)"].append(time.perf_counter() - t)
        shop.close()
    return times


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kefu", required=True, help="the kefu program (for kefu sample)")
    p.add_argument("--capi-bench", required=True, help="the capi_bench program")
    p.add_argument("--python-path", required=True, help="the directory holding the kefu module")
    a = p.parse_args()
    sys.path.insert(0, a.python_path)
    with tempfile.TemporaryDirectory() as tmp:
        events_file = os.path.join(tmp, "week.jsonl")
        subprocess.run([a.kefu, "sample", "-o", events_file], check=True,
                       stderr=subprocess.DEVNULL)
        with open(events_file, encoding="utf-8") as f:
            lines = [line.rstrip("\n") for line in f if line.strip()]
        runs = {}
        for _ in range(ROUNDS):
            for name, seconds in list(capi_figures(a.capi_bench, events_file).items()) + list(
                    python_figures(lines).items()):
                runs.setdefault(name, []).extend(seconds)
    n = len(lines)
    base = median_us(runs["BM_Cpp_ParseApply"], n)
    floors = {"BM_C_Apply": 1.5, "Python shop.apply(str)": 3.0, "Python shop.apply(dict)": 3.0}
    print(f"{n} events of a sample week, median of {ROUNDS * REPETITIONS} passes, "
          "a fresh shop each")
    print(f"{'path':40} {'us/event':>9} {'x C++':>6}  floor")
    for name, seconds in runs.items():
        us = median_us(seconds, n)
        ratio = us / base
        floor = floors.get(name)
        verdict = "" if floor is None else (f"<= {floor}x: " + ("met" if ratio <= floor else "NOT met"))
        print(f"{name:40} {us:9.2f} {ratio:6.2f}  {verdict}")


if __name__ == "__main__":
    main()
