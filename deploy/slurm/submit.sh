#!/bin/bash
# Queue a riskkalkyl run as a Slurm job array (task i runs `--shard i/N`) and, once every task
# has succeeded (afterok), the merge. Prints `shards JOBID` and `merge JOBID`.
#
#   RESULTS=/shared/riskkalkyl RUNS=100000000 ./submit.sh [sbatch options for the shard tasks]
#
# env: RESULTS     a directory every node sees (default: ./riskkalkyl-results); shards go to
#                  RESULTS/shards, the merged summary.json and yearly.csv to RESULTS/out, the
#                  job logs to RESULTS/logs
#      RUNS, SEED  the run (default 100000000 and 20270101); SCENARIO a scenario file (default:
#                  the embedded one), which every node must see too
#      N           the number of shards and array tasks (default 8)
#      INDICES     submit only these tasks, e.g. 3,5 (the ones that failed or were cancelled);
#                  the merge then waits for just them, and merges all N shard files
#      RISKKALKYL  the binary (default: riskkalkyl on PATH)
# A failed or cancelled task leaves the merge pending forever (DependencyNeverSatisfied):
# `scancel` it, and submit the missing indices again (`riskkalkyl merge RESULTS/shards` names them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export RESULTS=${RESULTS:-$PWD/riskkalkyl-results} RUNS=${RUNS:-100000000} SEED=${SEED:-20270101}
export N=${N:-8} SCENARIO=${SCENARIO:-} RISKKALKYL=${RISKKALKYL:-riskkalkyl}
case "$N" in '' | *[!0-9]* | 0) echo "submit.sh: N must be a positive whole number, not '$N'" >&2; exit 2 ;; esac
indices=${INDICES:-0-$((N - 1))}
mkdir -p "$RESULTS/shards" "$RESULTS/logs"
array=$(sbatch --parsable --export=ALL --array="$indices" \
  --output="$RESULTS/logs/riskkalkyl-shard-%A_%a.log" "$@" "$here/riskkalkyl-shards.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --dependency=afterok:"$array" \
  --output="$RESULTS/logs/riskkalkyl-merge-%j.log" "$here/riskkalkyl-merge.sbatch")
merge=${merge%%;*}
echo "shards $array"
echo "merge $merge"
