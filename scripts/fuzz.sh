#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz": clang-14, ASan + UBSan, build/fuzz) and runs each
# for a bounded time: scripts/fuzz.sh [seconds-per-target, default 20] [target...].
# FUZZ_SEED (default 1) fixes libFuzzer's random seed and FUZZ_RUNS (default 5000) caps the
# executions per target, so a run is reproducible: any machine explores the same inputs, a fast
# one all FUZZ_RUNS of them, a slow one the first part within the time. CI uses these defaults;
# for a search of new inputs give another seed and more runs (FUZZ_SEED=0 is a random seed,
# FUZZ_RUNS=-1 no cap).
# Prints executions per second and coverage (libFuzzer's cov: / ft:) per target. Exit 1 when a
# target crashed, hung or ran out of memory; its input is left in build/fuzz/findings/<target>/
# (minimise it, fix the reader, then copy it to fuzz/regressions/<target>/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
all=(scene_json cityjson gltf tile tileset oblique_metadata payload replay_csv replay_jsonl osm_xml vrt_sources)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j "$(nproc)" --target "${targets[@]/%/_fuzz}"

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TWIN_LOG=error
failed=()
printf '%-18s %10s %8s %8s %8s  %s\n' target execs exec/s cov ft result
for t in "${targets[@]}"; do
  work=build/fuzz/runs/$t findings=build/fuzz/findings/$t
  rm -rf "$work" && mkdir -p "$work/corpus" "$findings"
  cp fuzz/corpus/"$t"/* "$work/corpus/"
  [ -d fuzz/regressions/"$t" ] && cp fuzz/regressions/"$t"/* "$work/corpus/"
  status=ok
  # -timeout: one input running longer is a hang; -rss_limit_mb: a memory blow-up is a finding.
  if ! build/fuzz/fuzz/"$t"_fuzz "$work/corpus" -max_total_time="$seconds" -seed="${FUZZ_SEED:-1}" \
      -runs="${FUZZ_RUNS:-5000}" -timeout=10 -rss_limit_mb=2048 \
      -max_len=262144 -print_final_stats=1 -artifact_prefix="$findings/" >"$work/log" 2>&1; then
    status=FAILED
    failed+=("$t")
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$work/log" | tail -1 || true)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-18s %10s %8s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$status"
  if [ "$status" != ok ]; then
    grep -E 'ERROR: |SUMMARY: |Test unit written' "$work/log" | head -5 | sed 's/^/    /'
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in: ${failed[*]} (inputs in build/fuzz/findings/)" >&2
  exit 1
fi
