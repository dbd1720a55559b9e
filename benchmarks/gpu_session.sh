#!/usr/bin/env bash
# A GPU job longer than one device call (10 minutes): `start` installs the carried wheels and
# launches the job in its own process session, so that it outlives the call; each later `wait`
# call follows it. Every call copies the job's log, and the small result files of the benchmark
# runs (results/benchmarks/, gpu_sft.py's default --out), to $OUT, so a call that runs out of time
# still brings back what was done. Issue the next call within the machine's warm time.
#   bash benchmarks/gpu_session.sh start 'python3 benchmarks/gpu_sft.py --shape 7b --gpus 4 --batch 128 --steps 6 --variants pipeline,pipeline_8k'
#   bash benchmarks/gpu_session.sh wait SECONDS
set -uo pipefail
JOB=/tmp/job
collect() {  # few files come back from the device: the job's own, and one archive of the results
  mkdir -p "$OUT"
  cp "$JOB"/* "$OUT"/ 2>/dev/null
  find results/benchmarks \( -name '*.json' -o -name '*.log' -o -name '*.jsonl' -o -name '*.yaml' \) \
    -not -path '*/model/*' -not -path '*/tiny-model/*' -not -path '*/hf_model/*' -not -path '*/global_step_*' \
    -not -path '*/hydra/*' -not -path '*/triton-cache/*' -not -path '*/config/*' -not -path '*/workflow/*' -not -path '*/profiles/*' \
    -not -path '*/envs/*' -size -20M 2>/dev/null | tar -czf "$OUT/results.tar.gz" -T - 2>/dev/null
  nvidia-smi --query-gpu=index,memory.used --format=csv,noheader > "$OUT/nvidia_smi.txt" 2>&1
}
case $1 in
  start)
    rm -rf $JOB && mkdir -p $JOB
    python3 -m pip install -q --no-index --no-deps --no-compile --upgrade --target /tmp/site .whl/*.whl || exit 1
    nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee $JOB/gpus.txt
    df -h / /tmp | tee -a $JOB/gpus.txt
    # gpu_sft.py --mode snakemake gives the rules' `python` itself (this python3, which holds torch).
    PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false \
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
