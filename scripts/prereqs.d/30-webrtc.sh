# What webrtc-java (the room client and every WebRTC test) needs on a headless Linux machine.
# - libpulse0: a hard NEEDED of webrtc-java's native library, even with the headless audio device
#   (without it: UnsatisfiedLinkError: libpulse.so.0).
# - iproute2: `ip netns` / veth, used by scripts/netns/* to run WebRTC tests inside a network
#   namespace (libwebrtc ignores loopback interfaces when it gathers ICE candidates).
# - util-linux: `unshare`, the fallback of scripts/netns/java-in-netns when not running as root.
ensure_packages libpulse0 iproute2 util-linux
