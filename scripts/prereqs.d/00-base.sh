# Packages every build needs. Each file in prereqs.d is sourced by both quick-start scripts, in order;
# files named *.test.sh only by scripts/run-tests.
ensure_packages ca-certificates git
