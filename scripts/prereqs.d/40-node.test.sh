# Node.js and npm, for the conformance tests that run LiveKit's own npm packages (agent-devserver/src/test/node;
# the build installs those packages itself with `npm ci`). Node 20 or newer is what they were tried with;
# livekit-server-sdk declares node >= 19.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  ensure_packages nodejs npm
fi
lk_node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "${lk_node_major:-0}" -lt 20 ] 2>/dev/null; then
  lk_log "warning: node $(node --version 2>/dev/null || echo missing) found; the npm conformance tests need Node 20+" \
    "(Debian 12 ships 18: install Node 20 from nodesource or your distribution's backports)"
else
  lk_log "node $(node --version), npm $(npm --version 2>/dev/null)"
fi
unset lk_node_major
