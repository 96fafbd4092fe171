# Shared helpers for the network-namespace scripts. Sourced, not run.
#
# Every namespace made here has `lo` up and one veth pair with BOTH ends inside it:
#   <veth>a = ${LK_NETNS_ADDR_A:-10.233.0.1}/24   <veth>b = ${LK_NETNS_ADDR_B:-10.233.0.2}/24
# Each namespace is its own network stack, so every namespace uses the same addresses without
# clashing; only the names must be unique (we add the creating shell's PID, see lk_netns_unique_name).
# Nothing inside reaches the host's interfaces or any outside address.

LK_NETNS_ADDR_A="${LK_NETNS_ADDR_A:-10.233.0.1}"
LK_NETNS_ADDR_B="${LK_NETNS_ADDR_B:-10.233.0.2}"

lk_netns_die() { echo "netns: $*" >&2; exit 1; }

lk_netns_check_root() {
  [ "$(id -u)" -eq 0 ] || lk_netns_die "creating a named network namespace needs root (ip netns add); \
run as root, or use scripts/netns/java-in-netns which falls back to 'unshare --net --map-root-user'"
  command -v ip >/dev/null 2>&1 || lk_netns_die "the 'ip' command is missing: install iproute2 (scripts/prereqs.d/30-webrtc.sh does)"
}

# lk_netns_unique_name PREFIX -> PREFIX-<pid>-<random>, at most 15 chars of interface-safe text.
lk_netns_unique_name() {
  local prefix="${1:-lkt}"
  printf '%s-%s-%04x' "$prefix" "$$" "$((RANDOM))"
}

# lk_netns_configure: run INSIDE a fresh namespace (as its root): lo up, veth pair with both ends inside.
lk_netns_configure() {
  ip link set lo up
  if ! ip link show lkv0a >/dev/null 2>&1; then
    ip link add lkv0a type veth peer name lkv0b
  fi
  ip addr replace "$LK_NETNS_ADDR_A/24" dev lkv0a
  ip addr replace "$LK_NETNS_ADDR_B/24" dev lkv0b
  ip link set lkv0a up
  ip link set lkv0b up
}
