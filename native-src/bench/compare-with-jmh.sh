#!/usr/bin/env bash
# Runs each media JMH benchmark right after its raw-C baseline in lkmedia_bench, several times in
# alternation (shared machines are noisy: neighbours in time see the same load), and prints a table of
# medians, the ratio JMH / C and the Java-side allocation per operation (JMH -prof gc).
#
#   [LK_BENCH_FILTER=<substring>] compare-with-jmh.sh <lkmedia_bench> <benchmarks.jar> [alternations, default 3] [java]
#
# Each cell is the lowest of the per-alternation medians: the run least disturbed by other processes.
set -euo pipefail
bench="$1"
jar="$2"
alternations="${3:-3}"
java="${4:-java}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# raw-C name : JMH benchmark
pairs=(
  "opus_encode_voice_mono_32k:OpusBenchmark.encodeVoiceMono32k_lkmedia"
  "opus_encode_stereo_64k_c10:OpusBenchmark.encodeStereo64k_lkmedia"
  "opus_encode_stereo_64k_c10:OpusBenchmark.encodeStereo64k_opusJava"
  "opus_encode_stereo_64k_c10:OpusBenchmark.encodeStereo64k_concentus"
  "opus_decode_stereo_64k:OpusBenchmark.decodeStereo64k_lkmedia"
  "opus_decode_stereo_64k:OpusBenchmark.decodeStereo64k_opusJava"
  "opus_decode_stereo_64k:OpusBenchmark.decodeStereo64k_concentus"
  "vp8_encode_640x480_500k:Vp8Benchmark.encode640x480_500k_lkmedia"
  "vp8_decode_640x480_500k:Vp8Benchmark.decode640x480_500k_lkmedia"
  "rgba_to_i420_1280x720:ConvertBenchmark.rgbaToI420_1280x720_lkmedia"
  "resample_48k_16k_mono_10ms:ConvertBenchmark.resample48kTo16kMono10ms_lkmedia"
)

# LK_BENCH_FILTER=<substring> keeps only the pairs whose JMH name contains it.
if [ -n "${LK_BENCH_FILTER:-}" ]; then
  kept=()
  for pair in "${pairs[@]}"; do
    case "$pair" in *"$LK_BENCH_FILTER"*) kept+=("$pair") ;; esac
  done
  pairs=("${kept[@]}")
fi

for ((a = 1; a <= alternations; a++)); do
  for pair in "${pairs[@]}"; do
    c="${pair%%:*}"
    j="${pair#*:}"
    "$bench" --filter "$c" --rounds 5 --round-ms 1000 | awk -v n="$c" '$1 == n { print $2 }' >>"$work/c-$c"
    "$java" -jar "$jar" "io.livekit.agents.benchmarks.media.$j\$" -prof gc -rf json -rff "$work/j.json" >/dev/null 2>&1
    python3 - "$work/j.json" >>"$work/j-$j" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))[0]
raw = [v for it in r["primaryMetric"]["rawData"] for v in it]
alloc = r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
print(statistics.median(raw), alloc)
PY
  done
done

printf '%-48s %12s %12s %8s %12s\n' "benchmark" "C us/op" "JMH us/op" "ratio" "JMH B/op"
for pair in "${pairs[@]}"; do
  c="${pair%%:*}"
  j="${pair#*:}"
  cmin=$(sort -g "$work/c-$c" | head -1)
  read -r jmin alloc < <(sort -g "$work/j-$j" | head -1)
  printf '%-48s %12.3f %12.3f %8.3f %12.2f\n' "$j" "$cmin" "$jmin" "$(python3 -c "print($jmin / $cmin)")" "$alloc"
done
