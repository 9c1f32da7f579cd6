#!/usr/bin/env bash
# make fuzz: build the libFuzzer harness (fuzz/kubewire-fuzz) with the fuzzer
# and address sanitizers, seed it from fixtures/ and infra/, and fuzz for
# FUZZ_SECONDS. A crash, hang or out-of-memory input is saved under
# $FUZZ_DIR/crashes/ and libFuzzer is restarted until the time is up (at most
# FUZZ_MAX_CRASHES times). The last line is `fuzz: N runs, C crashes in S s`
# (plus where the inputs are when C > 0); exit 0 only with no crash.
# FUZZ_CONFIG=release fuzzes an optimised build (slower to build, faster to run).
set -u
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-600}
FUZZ_SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
FUZZ_DIR=${FUZZ_DIR:-$FUZZ_SCRATCH/fuzz}
FUZZ_MAX_CRASHES=${FUZZ_MAX_CRASHES:-10}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-30}
FUZZ_CONFIG=${FUZZ_CONFIG:-debug}

KUBEWIRE_FUZZ=1 "$SWIFT" build --scratch-path "$FUZZ_SCRATCH" -c "$FUZZ_CONFIG" --product kubewire-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library || {
  echo "fuzz: 0 runs, 0 crashes in 0 s (the harness did not build)"
  exit 2
}
harness="$FUZZ_SCRATCH/$FUZZ_CONFIG/kubewire-fuzz"

corpus="$FUZZ_DIR/corpus"     # grows as libFuzzer finds new coverage
seeds="$FUZZ_DIR/seeds"       # every manifest of the repository, rebuilt each run
crashes="$FUZZ_DIR/crashes"
logs="$FUZZ_DIR/logs"
rm -rf "$seeds" "$logs"
mkdir -p "$corpus" "$seeds" "$crashes" "$logs"
find fixtures infra fuzz/regressions skaffold.yaml -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.input' \) \
  2>/dev/null | while read -r file; do
  cp "$file" "$seeds/$(echo "$file" | tr '/' '_')"
done

before=$(ls "$crashes" | wc -l)
start=$(date +%s)
runs=0
round=0
while :; do
  elapsed=$(($(date +%s) - start))
  remaining=$((FUZZ_SECONDS - elapsed))
  [ "$remaining" -gt 0 ] || break
  round=$((round + 1))
  log="$logs/round-$round.log"
  "$harness" "$corpus" "$seeds" -dict=fuzz/yaml.dict -max_total_time="$remaining" -timeout="$FUZZ_TIMEOUT" \
    -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 -artifact_prefix="$crashes/" >"$log" 2>&1
  status=$?
  units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  runs=$((runs + ${units:-0}))
  [ "$status" -eq 0 ] && break
  echo "fuzz: round $round stopped (exit $status); log $log:"
  grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written|Fatal error|.*error:)' "$log" | head -8
  [ "$(($(ls "$crashes" | wc -l) - before))" -lt "$FUZZ_MAX_CRASHES" ] || break
  grep -q 'Test unit written' "$log" || break # no input saved: not a crash of ours (bad flags, …)
done
seconds=$(($(date +%s) - start))
found=$(($(ls "$crashes" | wc -l) - before))
if [ "$found" -gt 0 ]; then
  echo "fuzz: $runs runs, $found crashes in $seconds s; inputs in $crashes/ (replay: $harness FILE)"
  exit 1
fi
if [ "${status:-0}" -ne 0 ]; then
  echo "fuzz: $runs runs, 0 crashes in $seconds s; but libFuzzer exited $status (see $logs/)"
  exit 1
fi
echo "fuzz: $runs runs, 0 crashes in $seconds s"
