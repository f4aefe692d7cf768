#!/usr/bin/env bash
# Regenerate requirements/lock.txt: every package of the student install and of the test extra,
# pinned, with PyTorch's CPU build. Run from anywhere: bash requirements/compile.sh
# Needs uv (pip install uv). uv does not read pip's configuration, so the place of the CPU torch
# wheel is given here: a folder of wheels ($TORCH_WHEELS, default /opt/wheels, which these
# machines have) or else PyTorch's CPU index.
set -euo pipefail
cd "$(dirname "$0")/.."
WHEELS="${TORCH_WHEELS:-/opt/wheels}"
if [ -d "$WHEELS" ]; then
  source_args=(--find-links "$WHEELS" --no-emit-find-links)
else
  source_args=(--extra-index-url https://download.pytorch.org/whl/cpu --index-strategy unsafe-best-match
               --no-emit-index-url)
fi
uv pip compile pyproject.toml --extra test \
  --constraint requirements/torch-cpu.txt \
  --python-version 3.11 \
  "${source_args[@]}" \
  --custom-compile-command "bash requirements/compile.sh" \
  --output-file requirements/lock.txt
