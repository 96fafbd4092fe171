#!/usr/bin/env bash
# Sanitizer and fuzzing pass over the native tree (media core and lkbuffers):
#   1. builds everything with clang, ASan + UBSan and libFuzzer coverage (libopus, libyuv, speexdsp and a
#      VP8-only libvpx are built from source with the same instrumentation);
#   2. runs every ctest test under the sanitizers;
#   3. runs every registered libFuzzer target (fuzzers.txt) for a bounded time, seeded with the inputs
#      its seed generator writes; any crash, leak, sanitizer report or timeout fails the script.
#
#   sanitize-and-fuzz.sh [--build-dir DIR] [--seconds N] [--no-fuzz] [--no-tests] [--cmake-arg ARG]...
#
# Defaults: native-src/build/sanitize, 30 s per fuzzer (LK_FUZZ_SECONDS). Crash inputs are kept in
# <build-dir>/fuzz-artifacts; reproduce one with `<build-dir>/<path-to-fuzzer> <artifact>`.
set -euo pipefail

src_dir="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="$src_dir/build/sanitize"
seconds="${LK_FUZZ_SECONDS:-30}"
fuzz=1
tests=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --no-fuzz) fuzz=0; shift ;;
    --no-tests) tests=0; shift ;;
    --cmake-arg) [ -n "$2" ] && extra+=("$2"); shift 2 ;;
    *) echo "sanitize-and-fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

for tool in clang clang++ cmake make; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "sanitize-and-fuzz.sh: '$tool' is missing; install the native prerequisites first" >&2
    echo "  (scripts/prereqs.d/20-native.sh: clang libclang-rt-14-dev cmake make ...)" >&2
    exit 1
  fi
done

jobs="${LK_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
generator=()
if command -v ninja >/dev/null 2>&1 && [ ! -f "$build_dir/Makefile" ]; then
  generator=(-G Ninja)
fi
mkdir -p "$build_dir"
echo "[sanitize] configuring $build_dir (clang, ASan+UBSan, libFuzzer)"
cmake -S "$src_dir" -B "$build_dir" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DLK_SANITIZE=address,undefined -DLK_FUZZ=ON -DLK_VPX_FROM_SOURCE=ON -DLK_BUILD_BENCH=OFF "${extra[@]}" \
  >"$build_dir/configure.log" 2>&1 || { cat "$build_dir/configure.log" >&2; exit 1; }
echo "[sanitize] building ($jobs jobs)"
start=$SECONDS
cmake --build "$build_dir" --parallel "$jobs" >"$build_dir/build.log" 2>&1 || {
  tail -60 "$build_dir/build.log" >&2; echo "[sanitize] build failed (log: $build_dir/build.log)" >&2; exit 1; }
echo "[sanitize] built in $((SECONDS - start)) s"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

if [ "$tests" = 1 ]; then
  echo "[sanitize] ctest under ASan+UBSan"
  start=$SECONDS
  ctest --test-dir "$build_dir" --output-on-failure --parallel "$jobs" --timeout 900
  echo "[sanitize] tests took $((SECONDS - start)) s"
fi

if [ "$fuzz" = 1 ]; then
  list="$build_dir/fuzzers.txt"
  artifacts="$build_dir/fuzz-artifacts"
  mkdir -p "$artifacts"
  failed=0
  count=0
  while IFS='|' read -r name exe corpus seed_dir seed_cmd; do
    [ -z "$name" ] && continue
    count=$((count + 1))
    work="$build_dir/fuzz-corpus/$name"
    mkdir -p "$work"
    inputs=("$work")
    if [ -n "$seed_cmd" ]; then
      # shellcheck disable=SC2086
      $seed_cmd "$seed_dir"
      inputs+=("$seed_dir")
    fi
    [ -n "$corpus" ] && [ -d "$corpus" ] && inputs+=("$corpus")
    echo "[fuzz] $name for $seconds s"
    if ! "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
         -artifact_prefix="$artifacts/$name-" "${inputs[@]}" >"$build_dir/$name.log" 2>&1; then
      echo "[fuzz] $name FAILED; last lines of $build_dir/$name.log:" >&2
      tail -40 "$build_dir/$name.log" >&2
      failed=1
    else
      grep -E "stat::number_of_executed_units|stat::new_units_added|cov:" "$build_dir/$name.log" | tail -3 | sed "s/^/[fuzz]   /"
    fi
  done <"$list"
  echo "[fuzz] $count fuzzer(s) run"
  if [ "$failed" != 0 ]; then
    echo "[fuzz] findings are in $artifacts" >&2
    exit 1
  fi
fi
echo "[sanitize] all clean"
