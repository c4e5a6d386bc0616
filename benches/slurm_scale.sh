#!/usr/bin/env bash
# Scale record (a benchmark, not a test): one riskkalkyl run as N shards through the shipped
# deploy/slurm/submit.sh on a one-node Slurm (deploy/slurm/local-cluster.sh), reporting the wall
# time from submission to the merged files, each task's peak RSS and time (GNU time around the
# binary) and the merge's. Needs root, slurm-wlm, munge and /usr/bin/time (Debian's `time`).
#
# usage: benches/slurm_scale.sh [RUNS] [N]     default 100000000 runs as 16 shards
# env:   RISKKALKYL  the binary (default: target/release/riskkalkyl; build it first)
#        OUT         also write the record as JSON to this file
# The machine's other load moves the seconds: run it on a quiet machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-100000000}
n=${2:-16}

if [ "${SLURM_SCALE_INSIDE:-}" != 1 ]; then
  [ -x /usr/bin/time ] || { echo "slurm_scale: /usr/bin/time not found (apt-get install time)" >&2; exit 77; }
  bin=${RISKKALKYL:-$root/target/release/riskkalkyl}
  [ -x "$bin" ] || { echo "slurm_scale: $bin not found: cargo build --release first" >&2; exit 2; }
  # A wrapper that times the binary: the jobs call it as their RISKKALKYL.
  work=$(mktemp -d /tmp/riskkalkyl-scale.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  cat >"$work/riskkalkyl" <<EOF
#!/bin/bash
exec /usr/bin/time -f '%M %e' -o "$work/time/\${SLURM_ARRAY_TASK_ID:-merge}.\${SLURM_JOB_ID}" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "\$@"
EOF
  chmod +x "$work/riskkalkyl"
  mkdir -p "$work/time"
  SLURM_SCALE_INSIDE=1 SLURM_SCALE_WORK=$work RISKKALKYL=$work/riskkalkyl \
    "$root/deploy/slurm/local-cluster.sh" exec "$0" "$runs" "$n"
  exit
fi

# Inside the cluster (SLURM_CONF set by local-cluster.sh).
work=$SLURM_SCALE_WORK
results=$work/results
start=$(date +%s.%N)
printed=$(RESULTS=$results RUNS=$runs N=$n "$root/deploy/slurm/submit.sh")
array=$(sed -n 's/^shards //p' <<<"$printed")
merge=$(sed -n 's/^merge //p' <<<"$printed")
echo "slurm_scale: $runs runs as $n shards: array job $array, merge job $merge" >&2
while squeue -h -j "$array,$merge" 2>/dev/null | grep -q .; do
  if squeue -h -j "$merge" -o %r 2>/dev/null | grep -q DependencyNeverSatisfied; then
    echo "slurm_scale: a shard task failed; see $results/logs" >&2
    exit 1
  fi
  sleep 0.5
done
end=$(date +%s.%N)
grep -q "^  \"runs\": $runs,$" "$results/out/summary.json" 2>/dev/null ||
  { echo "slurm_scale: no merged summary.json for $runs runs; see $results/logs" >&2; exit 1; }

wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
tasks=$(for i in $(seq 0 $((n - 1))); do cat "$work/time/$i".*; done)
max_rss_mib=$(awk '{ if ($1 > m) m = $1 } END { printf "%.1f", m / 1024 }' <<<"$tasks")
mean_task_s=$(awk '{ s += $2 } END { printf "%.1f", s / NR }' <<<"$tasks")
read -r merge_rss_kib merge_s < <(cat "$work/time/merge".*)
cpus=$(nproc)
record=$(printf '{"runs": %s, "shards": %s, "cpus": %s, "cpus_per_task": 2, "wall_s": %s, "task_mean_s": %s, "task_peak_rss_mib": %s, "merge_s": %s, "merge_peak_rss_mib": %.1f, "slurm": "%s"}' \
  "$runs" "$n" "$cpus" "$wall" "$mean_task_s" "$max_rss_mib" "$merge_s" "$(awk -v k="$merge_rss_kib" 'BEGIN { print k / 1024 }')" \
  "$(sinfo --version | cut -d' ' -f2)")
echo "slurm_scale: per task (index: peak RSS KiB, seconds):" >&2
i=0
while read -r rss s; do
  echo "  $i: $rss KiB, $s s" >&2
  i=$((i + 1))
done <<<"$tasks"
echo "$record"
[ -z "${OUT:-}" ] || echo "$record" >"$OUT"
