#!/usr/bin/env bash
# Builds the native media core with CMake (release), optionally with the JNI library, and copies the
# JNI library and its lkmedia.properties into <output>/META-INF/native/<platform>/ for the classifier jar.
#
#   build-native.sh [--build-dir DIR] [--jni-sources DIR] [--jni-include DIR] [--version V] [--output DIR] [--test]
#                   [--cmake-arg ARG]... [-- extra cmake arguments]
#
# Defaults: build dir native-src/build/release, no JNI library, no tests. --test runs ctest afterwards.
# Environment: LK_NATIVE_CACHE (download cache), LK_BUILD_JOBS (parallel jobs, default: nproc).
set -euo pipefail

src_dir="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="$src_dir/build/release"
jni_sources=""
jni_include=""
version=""
output=""
run_tests=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --jni-sources) jni_sources="$2"; shift 2 ;;
    --jni-include) jni_include="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    --test) run_tests=1; shift ;;
    --cmake-arg) [ -n "$2" ] && extra+=("$2"); shift 2 ;;
    --) shift; extra+=("$@"); break ;;
    *) echo "build-native.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

for tool in cmake c++ readelf; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-native.sh: '$tool' is missing. Install the native build tools first:" >&2
    echo "  scripts/prereqs.d/20-native.sh (Debian: cmake g++ ninja-build libvpx-dev binutils)" >&2
    exit 1
  fi
done

generator=()
if command -v ninja >/dev/null 2>&1 && [ ! -f "$build_dir/Makefile" ]; then
  generator=(-G Ninja)
fi
args=(-S "$src_dir" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release)
[ -n "$version" ] && args+=("-DLKMEDIA_VERSION=$version")
[ -n "$jni_sources" ] && args+=("-DLKMEDIA_JNI_SOURCES=$jni_sources")
[ -n "$jni_include" ] && [ -f "$jni_include/jni.h" ] && args+=("-DLK_JNI_INCLUDE_DIR=$jni_include")
args+=("${extra[@]}")

jobs="${LK_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
echo "[native] cmake ${args[*]}"
mkdir -p "$build_dir"
cmake "${args[@]}" >"$build_dir/configure.log" 2>&1 || {
  cat "$build_dir/configure.log" >&2; echo "[native] cmake configure failed (log: $build_dir/configure.log)" >&2; exit 1; }
echo "[native] building in $build_dir ($jobs jobs)"
cmake --build "$build_dir" --parallel "$jobs"

if [ -n "$output" ] && [ -n "$jni_sources" ]; then
  props="$build_dir/lib/lkmedia.properties"
  platform="$(sed -n 's/^platform=//p' "$props")"
  library="$(sed -n 's/^library=//p' "$props")"
  dest="$output/META-INF/native/$platform"
  rm -rf "$output/META-INF/native"
  mkdir -p "$dest"
  cp "$build_dir/lib/$library" "$props" "$dest/"
  echo "[native] $dest/$library"
fi

if [ "$run_tests" = 1 ]; then
  ctest --test-dir "$build_dir" --output-on-failure --parallel "$jobs"
fi
