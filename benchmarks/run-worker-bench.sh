#!/usr/bin/env bash
# The worker benchmark of issue 2: this SDK's Java worker vs LiveKit's agents-js worker (@livekit/agents), on one
# embedded dev server in the same run. Builds what it needs, installs the npm packages from the committed lock
# file, runs io.livekit.agents.benchmarks.worker.WorkerBench and writes benchmarks/target/worker-bench/results.md.
#
#   benchmarks/run-worker-bench.sh [WorkerBench options...]     (--help lists them)
#
# Java workers run on the JDK of `java` (or $JAVA_HOME) and, when that one is older than 21, also on the newest
# JDK 21+ found under /usr/lib/jvm (virtual threads). WORKER_BENCH_JAVA_HOMES="dir1 dir2" picks them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh

ensure_java_and_maven
# shellcheck source=/dev/null
. scripts/prereqs.d/40-node.test.sh

java_bin=java
[ -n "${JAVA_HOME:-}" ] && java_bin="$JAVA_HOME/bin/java"
prop() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' -v k="$2" '$1 ~ "^ *"k" *$" {print $2}'; }

homes=()
if [ -n "${WORKER_BENCH_JAVA_HOMES:-}" ]; then
  read -r -a homes <<<"$WORKER_BENCH_JAVA_HOMES"
else
  homes+=("$(prop "$java_bin" java.home)")
  if [ "$(prop "$java_bin" java.specification.version | cut -d. -f1)" -lt 21 ]; then
    best="" best_v=0
    for h in /usr/lib/jvm/*/; do
      h=${h%/}
      [ -x "$h/bin/java" ] && [ -f "$h/release" ] || continue
      v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$h/release")
      if [ "${v:-0}" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$h best_v=$v; fi
    done
    [ -n "$best" ] && homes+=("$best")
  fi
fi
lk_log "Java workers on: ${homes[*]}"

lk_log "building benchmarks and the modules it needs (tests neither compiled nor run)"
mvn -B -ntp -q -pl benchmarks -am package -DskipTests -Dmaven.test.skip=true

node_dir=benchmarks/target/worker-bench-node
mkdir -p "$node_dir"
cp benchmarks/src/main/node/worker-bench/*.mjs benchmarks/src/main/node/worker-bench/package*.json "$node_dir"/
if ! cmp -s "$node_dir/package-lock.json" "$node_dir/node_modules/.installed-package-lock.json"; then
  lk_log "installing the agents-js packages (npm ci, from the committed package-lock.json)"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.installed-package-lock.json)
else
  lk_log "agents-js packages already installed in $node_dir"
fi

args=(--node-dir "$node_dir" --out benchmarks/target/worker-bench)
for h in "${homes[@]}"; do args+=(--java-home "$h"); done
lk_log "running: $java_bin -cp benchmarks/target/benchmarks.jar io.livekit.agents.benchmarks.worker.WorkerBench ${args[*]} $*"
exec "$java_bin" -cp benchmarks/target/benchmarks.jar io.livekit.agents.benchmarks.worker.WorkerBench "${args[@]}" "$@"
