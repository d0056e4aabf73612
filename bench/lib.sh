# lib.sh - what every benchmark script shares (sourced by bash after
# tools/runlib.sh, with BENCH set to the script's name).
#
# A scratch directory $T, removed at exit unless KEEP is set; every process
# started with start() (tools/runlib.sh) logs there and is stopped by pid at
# exit.

T=$(mktemp -d /tmp/gm-bench.XXXXXX)
LOG_DIR=$T
PIDS=""

die() { echo "$BENCH: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

cleanup() {
	stop_pids $PIDS
	if [ -n "${KEEP:-}" ]; then echo "# files kept in $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
