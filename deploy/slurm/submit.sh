#!/bin/bash
# Queue the shard array and, after all its tasks succeed, the merge.
#   RESULTS=/shared/riskkalkyl RUNS=100000000 ./submit.sh
set -euo pipefail
cd "$(dirname "$0")"
export RESULTS=${RESULTS:-$PWD/riskkalkyl-results} RUNS=${RUNS:-100000000} SEED=${SEED:-20270101} N=8
mkdir -p "$RESULTS/shards"
array=$(sbatch --parsable --export=ALL riskkalkyl-shards.sbatch)
sbatch --dependency=afterok:"$array" --export=ALL riskkalkyl-merge.sbatch
