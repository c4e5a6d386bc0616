#!/usr/bin/env bash
# Cost of a run against runs, horizon years and kommuner: CPU seconds (user + sys) and ns per
# run on one thread, best of REPS, with peak RSS. Used for the README's Performance section.
#   cargo build --release && benches/scaling.sh [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./target/release/riskkalkyl
reps=${1:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
measure() { # label runs [scenario]
  local label=$1 runs=$2 scen=${3:-} best=""
  for _ in $(seq "$reps"); do
    local args=()
    [ -n "$scen" ] && args=(--scenario "$scen")
    /usr/bin/time -f "%U %S %M" -o "$out/t" "$bin" "${args[@]}" run --runs "$runs" --threads 1 --quiet --out "$out/o"
    read -r u s m <"$out/t"
    local cpu
    cpu=$(python3 -c "print($u + $s)")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $cpu < $best else 1)"; then best=$cpu; rss=$m; fi
  done
  printf "%-34s %10s runs  %7.2f s CPU  %6.0f ns/run  %5.1f MB peak RSS\n" "$label" "$runs" "$best" \
    "$(python3 -c "print($best * 1e9 / $runs)")" "$(python3 -c "print($rss / 1024)")"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
measure "default, 4 kommuner, 12 years" 250000
measure "default, 4 kommuner, 12 years" 1000000
measure "24 years (horizon 2047)" 250000 benches/scenarios/ggvv_horizon_2047.toml
measure "36 years (horizon 2059)" 250000 benches/scenarios/ggvv_horizon_2059.toml
measure "12 kommuner, 12 years" 250000 benches/scenarios/ggvv_x3_12_kommuner.toml
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
