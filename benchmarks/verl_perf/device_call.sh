#!/usr/bin/env bash
# One device call: install the carried wheels, make the tokenizer dir, then run what is asked.
#   bash benchmarks/verl_perf/device_call.sh micro            # gpu_bench.py micro-benchmarks
#   bash benchmarks/verl_perf/device_call.sh matrix CFG...    # gpu_matrix.py configs (1.5B, 1 GPU)
set -uo pipefail
python3 -m pip install -q --no-index --no-deps --no-compile --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false
export TOK_DIR=/tmp/tok Q15_DIR=/tmp/q15 WORK_DIR=/tmp/verl_gpu
[ -d /tmp/tok ] || python3 - <<'PY'
import sys; sys.path.insert(0, "workflow/scripts")
import build_tiny_model as b
from transformers import AutoTokenizer
t = AutoTokenizer.from_pretrained(b.qwen_tokenizer_files())
t.chat_template = open("resources/chat_template.jinja").read()
t.eos_token, t.pad_token = "<|im_end|>", "<|endoftext|>"
t.save_pretrained("/tmp/tok")
PY
D=benchmarks/verl_perf
what=$1; shift
case $what in
  micro) python3 $D/gpu_bench.py ;;
  matrix) python3 $D/gpu_matrix.py "$@" ;;
  all) timeout 170 python3 $D/gpu_bench.py; python3 $D/gpu_matrix.py "$@" ;;
esac
