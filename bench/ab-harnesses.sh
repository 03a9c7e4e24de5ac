#!/usr/bin/env bash
# A/B of two harness builds on one machine (the perf workflow's pull request vs its base branch):
# one cluster seeded once (by B's build), then PAIRS pairs of one-repeat `run --seeded` windows, the
# two builds alternating ABBA against that same cluster, then B's `ab --a-runs ... --b-runs ...`
# decides from the paired runs (exit 0 no regression, 1 regression, 4 inconclusive, 3 cannot
# compare, 2 bad input). A build whose seed differs fails its `run --seeded` check: cannot compare.
#
#   bench/ab-harnesses.sh A_DIR B_DIR [PAIRS] [OUT.md]     (each DIR a built checkout: dist/src/cli.js)
# Env: AB_SCENARIO (smoke), AB_LAYOUTS (shared,rls), AB_WORK (a temporary directory).
set -euo pipefail
a_dir=$1 b_dir=$2 pairs=${3:-8} out=${4:-ab-harnesses.md}
scenario=${AB_SCENARIO:-smoke} layouts=${AB_LAYOUTS:-shared,rls}
work=${AB_WORK:-$(mktemp -d)}
chmod 755 "$work" # the server's OS user reaches the cluster in it
pg="$work/pg"
node "$b_dir/dist/src/cli.js" seed --scenario "$scenario" --layouts "$layouts" --pg-data "$pg" --results-dir "$work/seed" -q
a_runs=() b_runs=()
window() { # side dir
  local before after
  before=$(ls "$work/$1" 2>/dev/null || true)
  node "$2/dist/src/cli.js" run --seeded --pg-data "$pg" --scenario "$scenario" --layouts "$layouts" --repeats 1 --results-dir "$work/$1" -q >/dev/null || true # a failed run leaves its bundle: ab says cannot compare
  after=$(ls "$work/$1")
  comm -13 <(echo "$before") <(echo "$after") | head -1
}
mkdir -p "$work/a" "$work/b"
for ((i = 0; i < pairs; i++)); do
  if ((i % 2 == 0)); then order=(a b); else order=(b a); fi
  for side in "${order[@]}"; do
    if [[ $side == a ]]; then a_runs+=("$work/a/$(window a "$a_dir")"); else b_runs+=("$work/b/$(window b "$b_dir")"); fi
  done
done
join() { local IFS=,; echo "$*"; }
node "$b_dir/dist/src/cli.js" ab --a-runs "$(join "${a_runs[@]}")" --b-runs "$(join "${b_runs[@]}")" --out "$out"
