#!/usr/bin/env python3
"""Writes the seed corpus of event_apply_fuzzer from `kefu sample` weeks.

usage: fuzz/make_event_corpus.py KEFU OUT_DIR

Each seed is one entity's whole history (an order from placement to its
end, a ticket, a review, a conversation's replies), as `kefu sample` writes
it: one file per distinct sequence of event types, so that every path the
sample takes through a machine is there once. A few seeds are runs of
consecutive lines of the week, entities interleaved as a shop sends them.
Every byte comes from kefu's own generator, so the corpus carries no
third-party text. The output is deterministic for a given kefu.
"""
import json
import os
import subprocess
import sys

MAX_BYTES = 8000         # fuzz/run.sh gives this fuzzer -max_len=8192
MAX_PER_KIND = 20        # histories kept per entity kind
RUNS = 6                 # seeds of consecutive lines
RUN_LINES = 20


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kefu, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    lines = []
    for seed in (1, 2, 3):
        week = subprocess.run(
            [kefu, "sample", "--days", "3", "--orders-per-day", "40", "--seed", str(seed)],
            check=True, capture_output=True).stdout.decode("utf-8")
        lines += [l for l in week.split("\n") if l]

    histories = {}  # (entity, key) -> lines, in file order
    for line in lines:
        e = json.loads(line)
        histories.setdefault((e["entity"], e["key"]), []).append(line)

    seen = set()
    kept = {}
    written = 0
    for (entity, key), history in histories.items():
        types = tuple(json.loads(l)["type"] for l in history)
        text = "\n".join(history) + "\n"
        if (entity, types) in seen or len(text.encode()) > MAX_BYTES:
            continue
        if kept.get(entity, 0) >= MAX_PER_KIND:
            continue
        seen.add((entity, types))
        kept[entity] = kept.get(entity, 0) + 1
        name = "%s-%02d" % (entity, kept[entity])
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)
        written += 1

    step = max(1, len(lines) // RUNS)
    for i in range(RUNS):
        run = lines[i * step:i * step + RUN_LINES]
        text = "\n".join(run) + "\n"
        while len(text.encode()) > MAX_BYTES:
            run = run[:-1]
            text = "\n".join(run) + "\n"
        with open(os.path.join(out, "run-%02d" % (i + 1)), "w", encoding="utf-8") as f:
            f.write(text)
        written += 1
    print("make_event_corpus: %d seeds (%s) in %s" %
          (written, ", ".join("%s %d" % kv for kv in sorted(kept.items())), out))


if __name__ == "__main__":
    main()
