#!/usr/bin/env bash
# A GPU job longer than one device call (10 minutes): `start` installs the carried wheels and
# launches the job in its own process session, so that it outlives the call; each later `wait`
# call follows it. Every call copies the job's log and result files to $OUT, so a call that runs
# out of time still brings back what was done. Issue the next call within the machine's warm time.
#   bash benchmarks/gpu_session.sh start 'COMMAND...'
#   bash benchmarks/gpu_session.sh wait SECONDS
set -uo pipefail
JOB=/tmp/job
collect() {  # few files come back from the device: the job's own, and one archive of the logs
  mkdir -p "$OUT"
  cp "$JOB"/* "$OUT"/ 2>/dev/null
  find results /tmp/gpu_sft_bench /tmp/tiny_bench \( -name '*.json' -o -name '*.log' -o -name '*.jsonl' \) \
    -not -path '*/hf_model/*' -not -path '*/global_step_*' -not -path '*/hydra/*' -size -20M 2>/dev/null |
    tar -czf "$OUT/logs.tar.gz" -T - 2>/dev/null
  nvidia-smi --query-gpu=index,memory.used --format=csv,noheader > "$OUT/nvidia_smi.txt" 2>&1
}
case $1 in
  start)
    rm -rf $JOB && mkdir -p $JOB
    python3 -m pip install -q --no-index --no-deps --no-compile --upgrade --target /tmp/site .whl/*.whl || exit 1
    nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee $JOB/gpus.txt
    df -h / /tmp | tee -a $JOB/gpus.txt
    # python for the rules' shell commands: the image's python3, which holds torch
    mkdir -p /tmp/bin && printf '#!/bin/sh\nexec %s "$@"\n' "$(command -v python3)" > /tmp/bin/python && chmod +x /tmp/bin/python
    PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false PATH=/tmp/bin:$PATH \
      setsid bash -c "($2) > $JOB/job.log 2>&1; echo \$? > $JOB/exit_code" < /dev/null &
    wait_s=${3:-540}
    ;;
  wait) wait_s=$2 ;;
esac
end=$(( $(date +%s) + wait_s ))
while [ ! -f $JOB/exit_code ] && [ "$(date +%s)" -lt "$end" ]; do sleep 5; done
collect
tail -c 6000 $JOB/job.log
[ -f $JOB/exit_code ] && echo "job finished: exit $(cat $JOB/exit_code)" || echo "job still running"
