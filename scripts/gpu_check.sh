#!/usr/bin/env bash
# GPU check: a few steps of every online method (hf policy) on a SmolLM2-135M-sized random model.
#
#   bash scripts/gpu_check.sh [--steps 5] [--model smollm2|tiny] [--json rows.json] ...
#
# Needs only python3 with torch and transformers. Installs mobench (editable) when it is not
# installed; on a machine without network it installs mobench without dependencies and takes
# the few pure-Python / binary dependencies the check imports from wheels in .whl/ when present.
# Prints the environment, then the table: method | GPU seconds (device-synchronised) | steps |
# peak GPU memory (python -m mobench.rl.gpu_check --help lists the options).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
export HF_HUB_OFFLINE=${HF_HUB_OFFLINE:-1} TRANSFORMERS_OFFLINE=${TRANSFORMERS_OFFLINE:-1}
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false

needs='import moocore, radon, math_verify, bpe_openai'
if ! $PY -c "$needs" 2>/dev/null && compgen -G ".whl/*.whl" >/dev/null; then
  echo "installing carried wheels: $(ls .whl | tr '\n' ' ')"
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/mobench-site .whl/*.whl
  export PYTHONPATH=/tmp/mobench-site${PYTHONPATH:+:$PYTHONPATH}
fi
if ! $PY -c 'import importlib.metadata as m; m.version("mobench")' 2>/dev/null; then
  echo "installing mobench (editable)"
  $PY -m pip install -q --retries 0 --timeout 5 -e . 2>/dev/null \
    || $PY -m pip install -q --no-deps --no-build-isolation -e .
fi
echo "## packages"
$PY -m pip list 2>/dev/null | grep -i -E '^(torch|transformers|tokenizers|peft|numpy|mobench) ' || true
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || true
exec $PY -m mobench.rl.gpu_check "$@"
