# Packages every build needs. Each file in prereqs.d is sourced by both quick-start scripts, in order.
ensure_packages ca-certificates git
