#!/usr/bin/env bash
# The pipeline's own main run with a random-init model of a real shape (no weights can be
# downloaded on the device machine), the model and data made by gpu_sft.py --prepare-run:
#   bash benchmarks/gpu_pipeline_run.sh SHAPE GPUS STEPS TARGET [CONFIG...]   (TARGET: train | export;
#   CONFIG: more config files, e.g. config/7b_80gb.yaml)
# On the device machine run it through gpu_session.sh, which installs the carried wheels.
# Results land in results/main/ as usual; a summary of the checkpoint is printed at the end.
set -uo pipefail
shape=$1 gpus=$2 steps=$3 target=$4
shift 4
prep=${PREP_DIR:-/tmp/gpu_sft_bench}  # shared with gpu_sft.py's --work: one model build
python3 benchmarks/gpu_sft.py --prepare-run "$prep" --shape "$shape" --gpus "$gpus" --steps "$steps" || exit 1
case $target in
  train) out=results/main/train/done.json ;;
  export) out=results/main/export.json ;;
esac
start=$(date +%s)
python3 -m snakemake -c"$(nproc)" "$out" --configfile "$prep/config.yaml" "$@"; rc=$?
echo "snakemake $target: exit $rc, $(( $(date +%s) - start )) s"
python3 - <<'PY'
import json, pathlib
done = pathlib.Path("results/main/train/done.json")
if done.exists():
    d = json.loads(done.read_text())
    print(json.dumps({k: d.get(k) for k in ("final_step", "train_loss", "val_loss", "tokens", "wall_seconds", "throughput", "nproc", "device")}))
    step = pathlib.Path(d["checkpoint"])
    size = lambda p: sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    hf = step / "huggingface"
    metrics = step.parent / "metrics"
    last_line = max(f.stat().st_mtime for f in metrics.glob("launch-*.jsonl"))
    tracker = (step.parent / "latest_checkpointed_iteration.txt").stat().st_mtime
    print(json.dumps({"checkpoint_gb": round(size(step) / 1e9, 2), "hf_model_gb": round(size(hf) / 1e9, 2),
                      "shards_gb": round((size(step) - size(hf)) / 1e9, 2),
                      "files": sorted(f.name for f in step.iterdir()),
                      "save_seconds_after_last_metric": round(tracker - last_line, 1)}))
p = pathlib.Path("results/main/export.json")
if p.exists():
    print(p.read_text())
PY
exit $rc
