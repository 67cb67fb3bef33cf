#!/usr/bin/env bash
# Installs what is missing, builds kefu and runs its demo: one realistic
# order taken through the library, each decision printed with its rule ID.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default --target order_walkthrough
./build/default/examples/order_walkthrough
