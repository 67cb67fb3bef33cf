#!/usr/bin/env python3
"""`kefu serve --http` end to end: usage: serve_http_test.py KEFU EVENTS WORK_DIR.

POST /events answers each line once it is stored, GET /due returns items with
ids until POST /done confirms them, GET /report is `kefu replay`'s report of
the same events, a bad request is 400, a non-loopback address is refused
without --allow-remote, SIGTERM stops the server with exit code 0 and the
store holds everything it answered."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

kefu, events, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
db = os.path.join(work, "shop.db")
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy


def fail(msg):
    print("serve_http_test: " + msg, file=sys.stderr)
    sys.exit(1)


def call(method, path, body=None):
    req = urllib.request.Request(base + path, data=body, method=method,
                                 headers={"Content-Type": "application/x-ndjson"})
    try:
        with opener.open(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


refused = subprocess.run([kefu, "serve", "--db", db, "--http", "0.0.0.0:0"],
                         capture_output=True, text=True)
if refused.returncode != 2 or "--allow-remote" not in refused.stderr:
    fail("a non-loopback address: exit %d, %s" % (refused.returncode, refused.stderr))

server = subprocess.Popen([kefu, "serve", "--db", db, "--http", "127.0.0.1:0", "--lang", "en"],
                          stderr=subprocess.PIPE, text=True)
line = server.stderr.readline()
if "listening on http://" not in line:
    fail("no address: " + line)
base = line.split("listening on ")[1].strip().rstrip("/")

with open(events, "rb") as f:
    body = f.read()
n_events = sum(1 for l in body.decode().splitlines() if l.strip())
status, text = call("POST", "/events", body + b"not an event\n")
answers = [json.loads(l) for l in text.splitlines()]
if status != 200 or len(answers) != n_events + 1:
    fail("POST /events: %d, %d answers to %d lines" % (status, len(answers), n_events + 1))
lines_in_body = len(body.decode().splitlines()) + 1
if answers[-1]["result"] != "bad" or answers[-1]["line"] != lines_in_body:
    fail("POST /events: the last answer is not the bad last line: " + text[-500:])
if [a["line"] for a in answers] != sorted(a["line"] for a in answers):
    fail("POST /events: answers out of order")

# A body above cpp-httplib's 8 KB form limit: the same events again,
# duplicates now.
status, text = call("POST", "/events", body * 5)
if status != 200 or sum(1 for a in map(json.loads, text.splitlines())
                        if a["result"] == "duplicate") < n_events:
    fail("POST /events of %d bytes: %d %s" % (len(body) * 5, status, text[:300]))

# The work list (FB-TRIAGE) before a tick takes the deadlines: highest
# priority first; an agent's next item is theirs or nobody's.
status, text = call("GET", "/work")
work = json.loads(text)["work"]
if status != 200 or not work:
    fail("GET /work: %d %s" % (status, text[:300]))
if [w["priority"] for w in work] != sorted((w["priority"] for w in work), reverse=True):
    fail("GET /work: not highest priority first")
agent = next(w["agent"] for w in work if w["agent"])
status, text = call("GET", "/work?agent=" + urllib.parse.quote(agent))
mine = json.loads(text)
if status != 200 or mine["agent"] != agent or len(mine["work"]) != 1 \
        or mine["work"][0]["agent"] not in (agent, ""):
    fail("GET /work?agent=: %d %s" % (status, text[:300]))
status, text = call("GET", "/work?agent=")
if status != 400:
    fail("GET /work?agent= (empty): %d" % status)

status, text = call("GET", "/due?until=2026-12-31T00:00:00%2B08:00")
due = json.loads(text)["due"]
if status != 200 or not due or due[0]["id"] != 1:
    fail("GET /due: %d %s" % (status, text[:300]))
status, text = call("POST", "/done", json.dumps({"done": [due[0]["id"]]}).encode())
if status != 200 or json.loads(text)["confirmed"] != 1:
    fail("POST /done: %d %s" % (status, text))
status, text = call("GET", "/due?until=2026-12-31T00:00:00%2B08:00")
if [d["id"] for d in json.loads(text)["due"]] != [d["id"] for d in due[1:]]:
    fail("GET /due after /done: " + text[:300])
status, text = call("GET", "/due")
if status != 400:
    fail("GET /due without until: %d" % status)

status, text = call("GET", "/report")
report = json.loads(text)
replay = json.loads(subprocess.run([kefu, "replay", events, "--json", "--no-progress"],
                                   capture_output=True, text=True, check=True).stdout)
for key in ("states", "decisions_by_rule", "pending_after_until", "breaches_total"):
    if report[key] != replay[key]:
        fail("GET /report: %s differs from kefu replay's" % key)

server.send_signal(signal.SIGTERM)
if server.wait(timeout=30) != 0:
    fail("SIGTERM: exit code %d" % server.returncode)
after = json.loads(subprocess.run([kefu, "report", "--db", db, "--json"],
                                  capture_output=True, text=True, check=True).stdout)
if after["states"] != replay["states"]:
    fail("the store after SIGTERM differs")
print("serve_http_test: passed")
