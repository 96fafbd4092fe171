# Shared helpers for the quick-start scripts. Sourced, not run.
# ensure_packages PKG...: installs the Debian/Ubuntu packages that are missing, and says what it does.

lk_log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    lk_log "system packages present: $*"
    return 0
  fi
  lk_log "installing system packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "error: missing packages ${missing[*]} and not root (no sudo); install them and re-run" >&2
      return 1
    fi
  fi
  if [ -z "${LK_APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq
    export LK_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_java_and_maven() {
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    ensure_packages openjdk-17-jdk-headless maven
  fi
  local v
  v=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  if [ "${v%%.*}" -lt 17 ] 2>/dev/null; then
    echo "error: Java 17 or newer is needed (found $v); set JAVA_HOME" >&2
    return 1
  fi
  lk_log "java $v, $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
}
