#!/usr/bin/env bash
# Installs what is missing, then configures, builds and runs every kefu test
# (unit tests, examples, consumer tests) with the `default` workflow preset.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
cmake --workflow --preset default
