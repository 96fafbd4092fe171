#!/usr/bin/env bash
# The dev server's media figures of issue 4: publish-to-receive audio latency through the dev server and CPU per
# published 720p30 video track, each against a plain webrtc-java baseline measured in the same run
# (io.livekit.agents.benchmarks.rtc.RtcBench). Builds what it needs and runs the benchmark JVM, and the server and
# relay processes it starts, inside a fresh network namespace (libwebrtc ignores loopback; nothing leaves the
# machine). Writes benchmarks/target/rtc-bench/results.md.
#
#   benchmarks/run-rtc-bench.sh [--seconds N] [--warmup N]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh

ensure_java_and_maven
# shellcheck source=/dev/null
. scripts/prereqs.d/30-webrtc.sh

lk_log "building benchmarks and the modules it needs (tests neither compiled nor run)"
mvn -B -ntp -q -pl benchmarks -am package -DskipTests -Dmaven.test.skip=true

java_bin=java
[ -n "${JAVA_HOME:-}" ] && java_bin="$JAVA_HOME/bin/java"
lk_log "running RtcBench $* in a network namespace"
exec scripts/netns/exec -- "$java_bin" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp benchmarks/target/benchmarks.jar io.livekit.agents.benchmarks.rtc.RtcBench "$@"
