#!/usr/bin/env bash
# One riskkalkyl run as N shards on this machine with `xargs -P`, then the merge: the local twin
# of the Kubernetes Indexed Job (../k8s) and the Slurm job array (../slurm), and their test.
#
# usage: run-shards.sh N PARALLEL OUT_DIR [riskkalkyl run options, e.g. --runs 10000000 --seed 7]
# env:   RISKKALKYL  the binary (default: riskkalkyl on PATH)
#
# Writes OUT_DIR/shards/shard-I-of-N.json and OUT_DIR/summary.json, OUT_DIR/yearly.csv, which
# equal byte for byte those of `riskkalkyl run [options] --out OUT_DIR`.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 N PARALLEL OUT_DIR [riskkalkyl run options]" >&2
  exit 2
fi
n=$1
parallel=$2
out=$3
shift 3
bin=${RISKKALKYL:-riskkalkyl}
mkdir -p "$out/shards"
# Each shard on one thread: the parallelism comes from xargs, as it would from the batch engine.
seq 0 $((n - 1)) | xargs -P "$parallel" -I{} "$bin" run "$@" --threads 1 --shard "{}/$n" --out "$out/shards" --quiet
"$bin" merge "$out/shards" --out "$out" --quiet
