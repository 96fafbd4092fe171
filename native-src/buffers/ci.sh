#!/usr/bin/env bash
# CI for native-src/buffers on its own (the top-level native build runs the same tests and fuzzers
# through native-src/scripts/sanitize-and-fuzz.sh when it includes this directory):
#   1. ASan + UBSan build (clang) of the library and every ctest test, run with leak checking;
#   2. libFuzzer build of the fuzz targets (ASan + UBSan), each run for a bounded time; a crash, a
#      sanitizer report, a leak or a broken invariant fails the script.
#
#   native-src/buffers/ci.sh [seconds-per-fuzzer (default 30)] [build-dir (default /tmp/lkbuffers-ci)]
#
# Needs: cmake, ninja or make, clang with libFuzzer (Debian: clang libclang-rt-14-dev), libopus-dev and
# pkg-config (the tests decode real Opus).
set -euo pipefail
seconds="${1:-30}"
build="${2:-${LKBUFFERS_CI_DIR:-/tmp/lkbuffers-ci}}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
jobs="$(nproc 2>/dev/null || echo 2)"

for tool in cmake clang clang++ pkg-config; do
  command -v "$tool" >/dev/null 2>&1 || { echo "ci.sh: $tool is missing (Debian: apt-get install cmake clang libclang-rt-14-dev pkg-config libopus-dev)" >&2; exit 2; }
done

echo "== lkbuffers: ASan+UBSan tests =="
cmake -S "$here" -B "$build/asan" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DLK_SANITIZE=address,undefined >/dev/null
cmake --build "$build/asan" -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$build/asan" --output-on-failure -j "$jobs"

echo "== lkbuffers: libFuzzer, ${seconds}s per target =="
cmake -S "$here" -B "$build/fuzz" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DLK_SANITIZE=address,undefined -DLK_FUZZ=ON \
  -DLK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build/fuzz" -j "$jobs"
status=0
while IFS='|' read -r name exe corpus; do
  [ -n "$name" ] || continue
  work="$build/fuzz/run-$name"
  rm -rf "$work" && mkdir -p "$work/corpus"
  seeds=()
  if [ -n "$corpus" ] && [ -d "$corpus" ]; then seeds=("$corpus"); fi
  echo "-- $name"
  if ! (cd "$work" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$exe" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 -print_final_stats=1 \
        "$work/corpus" "${seeds[@]}" > "$work/log.txt" 2>&1); then
    echo "FINDING in $name: see $work/log.txt (crash input in $work)" >&2
    tail -40 "$work/log.txt" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log.txt" | sed 's/^/   /'
  fi
done < "$build/fuzz/fuzzers.txt"
exit "$status"
