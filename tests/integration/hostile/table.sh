#!/usr/bin/env bash
# Regenerates the README's table of hostile cases from a real run: each
# case appends the row of what it ended with (tests/integration/hostile/server.rs,
# `show_outcome`). Prints the rows; paste them under the table's header.
set -euo pipefail
cd "$(dirname "$0")/../../.."
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
HOSTILE_TABLE="$rows" cargo test --quiet --test integration -- hostile:: >/dev/null
sort "$rows"
