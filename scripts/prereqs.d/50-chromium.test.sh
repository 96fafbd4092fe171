# Debian's Chromium, for the conformance test of LiveKit's browser SDK (livekit-client) against the dev server
# (agent-devserver BrowserConformanceTest, driven headless through playwright-core, which the build installs with npm).
ensure_packages chromium
