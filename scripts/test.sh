#!/usr/bin/env bash
# Runs every test in the solution on a fresh machine and prints one closing line:
#   N passed, N failed[, N skipped]
# Prerequisites (PostgreSQL, Chromium, ...) are installed and started by scripts/setup.d/*.sh, each idempotent.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/.ci/out"
rm -rf "$out" && mkdir -p "$out"

# Services that setup scripts start are stopped on exit.
cleanup_hooks=()
on_exit() { for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done; }
trap on_exit EXIT

for s in scripts/setup.d/*.sh; do
  [ -e "$s" ] || continue
  echo "== setup: $s"
  # shellcheck disable=SC1090
  source "$s" || { echo "setup step $s failed"; echo "0 passed, 1 failed"; exit 1; }
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== dotnet build"
if ! dotnet build SocialLearning.Sdk.sln -c Release -nologo 2>&1 | tee "$out/build.log" | grep -E "error|Warn|warn|Build succeeded|Time Elapsed"; then :; fi
if ! grep -q "Build succeeded" "$out/build.log" || grep -qE "[1-9][0-9]* Error\(s\)" "$out/build.log"; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

echo "== dotnet test"
dotnet test SocialLearning.Sdk.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$out/trx" \
  -- RunConfiguration.TreatNoTestsAsError=false 2>&1 | tee "$out/test.log" | grep -E "^\s*(Failed|Passed!|Failed!|Skipped) |error|Total tests" | grep -vE "^\s*Passed [A-Za-z]" | head -300
status=${PIPESTATUS[0]}

# Benchmarks must compile and survive a BenchmarkDotNet Dry job (one iteration each, small corpora, in-process).
# Each benchmark program counts as one check in the totals below, as does the dotnet tool check after them.
bench_passed=0; bench_failed=0
for b in SocialLearning.Benchmarks SocialLearning.Storage.Benchmarks; do
  dll="benchmarks/$b/bin/Release/net10.0/$b.dll"
  echo "== benchmark dry run: $b"
  if SOCIALLEARNING_BENCH_DRY=1 SOCIALLEARNING_BENCH_SIZES=2000 SOCIALLEARNING_BENCH_FTS_MAX=2000 SOCIALLEARNING_BENCH_PROVIDERS=InMemory,Sqlite-Full \
     timeout 600 dotnet "$dll" --filter '*' --job Dry --inProcess > "$out/bench-$b.log" 2>&1 \
     && ! grep -qE "ExitCode != 0|Exception|benchmarks? (failed|has|have) (errors?|failed)|// \*\*\*\*\* Benchmark.*failed" "$out/bench-$b.log"; then
    bench_passed=$((bench_passed+1)); echo "ok ($(grep -c '^| ' "$out/bench-$b.log" || true) table rows)"
  else
    bench_failed=$((bench_failed+1)); echo "FAILED: see $out/bench-$b.log"; tail -20 "$out/bench-$b.log"
  fi
done

# The CLI must pack as the `sociallearning` dotnet tool, install from that package and run. One check.
echo "== dotnet tool: sociallearning"
tool_dir="$out/tool"
if timeout 300 dotnet pack src/SocialLearning.Cli -c Release --no-build -nologo -o "$tool_dir/pkg" > "$out/tool.log" 2>&1 \
   && timeout 300 dotnet tool install --tool-path "$tool_dir/bin" --add-source "$tool_dir/pkg" SocialLearning.Cli --prerelease >> "$out/tool.log" 2>&1 \
   && "$tool_dir/bin/sociallearning" --help >> "$out/tool.log" 2>&1 \
   && grep -q "evaluate" "$out/tool.log"; then
  bench_passed=$((bench_passed+1)); echo "ok"
else
  bench_failed=$((bench_failed+1)); echo "FAILED: see $out/tool.log"; tail -20 "$out/tool.log"
fi

passed=$bench_passed; failed=$bench_failed; skipped=0; files=0
for f in "$out"/trx/*.trx; do
  [ -e "$f" ] || continue
  files=$((files+1))
  line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  get() { echo "$line" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$(get passed); fl=$(get failed); e=$(get error); t=$(get total); x=$(get executed)
  passed=$((passed + ${p:-0})); failed=$((failed + ${fl:-0} + ${e:-0}))
  skipped=$((skipped + ${t:-0} - ${x:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test exited with $status"; fi
if [ "$files" -eq 0 ]; then echo "no test results were written"; failed=$((failed+1)); fi
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ]
