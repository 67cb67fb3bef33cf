#!/usr/bin/env bash
# Installs what is missing, builds the `kefu` program, writes a deterministic
# sample shop week as events (kefu sample) and replays it (kefu replay): what
# happened, which rules refused or adjusted what, who must call whom, which
# deadlines were breached, the week's after-sales report and the agents'
# reply findings. Extra arguments go to `kefu replay` (e.g. --json).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default --target kefu_tool
mkdir -p build/demo
./build/default/tools/kefu sample --days 7 --orders-per-day 200 --seed 1 \
    -o build/demo/sample-week.jsonl
./build/default/tools/kefu replay build/demo/sample-week.jsonl "$@"
