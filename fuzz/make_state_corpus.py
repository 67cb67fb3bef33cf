#!/usr/bin/env python3
"""Writes fuzz/corpus_state/: seeds for shop_load_fuzzer.

Each seed is the body of a saved shop (what comes between the mark
"KEFUSHOP" and its format, and the CRC-32 at its end), taken from the state
`kefu replay --state-out` writes after small sample weeks and after the
replay test's own event file. Usage:
  python3 fuzz/make_state_corpus.py build/default/tools/kefu
"""
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
kefu = sys.argv[1]
out_dir = os.path.join(here, "corpus_state")
os.makedirs(out_dir, exist_ok=True)


def varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return v, i


def shop_body(state):
    # KEFUREPL, format, length-prefixed shop bytes, the replay's part, CRC.
    assert state[:8] == b"KEFUREPL"
    _, i = varint(state, 8)
    n, i = varint(state, i)
    shop = state[i:i + n]
    assert shop[:8] == b"KEFUSHOP"
    _, j = varint(shop, 8)
    return shop[j:-4]


def save(name, events_text):
    with tempfile.TemporaryDirectory() as tmp:
        events = os.path.join(tmp, "events.jsonl")
        state = os.path.join(tmp, "state")
        with open(events, "wb") as f:
            f.write(events_text)
        subprocess.run([kefu, "replay", events, "--no-progress", "--state-out", state],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(state, "rb") as f:
            body = shop_body(f.read())
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(body)


small = open(os.path.join(here, "..", "tests", "io", "data", "replay_small.jsonl"), "rb").read()
lines = small.splitlines(keepends=True)
save("empty", b"")
for k in (3, 6, len(lines)):
    save("small-%02d" % k, b"".join(lines[:k]))
for seed in (1, 2, 3):
    week = subprocess.run([kefu, "sample", "--days", "2", "--orders-per-day", "2", "--seed",
                           str(seed)], check=True, capture_output=True).stdout
    save("sample-%d" % seed, week)
