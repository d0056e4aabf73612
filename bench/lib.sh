# lib.sh - what every benchmark script shares (sourced by bash after
# tools/runlib.sh, with BENCH set to the script's name).
#
# A scratch directory $T, removed at exit unless KEEP is set; every process
# started with start() is recorded and stopped by pid at exit.

T=$(mktemp -d /tmp/gm-bench.XXXXXX)
PIDS=""

die() { echo "$BENCH: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

cleanup() {
	stop_pids $PIDS
	if [ -n "${KEEP:-}" ]; then echo "# files kept in $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Start a command in the background, output to $T/<name>.log; pid in LAST_PID.
start() {
	local name=$1; shift
	"$@" >>"$T/$name.log" 2>&1 &
	LAST_PID=$!
	PIDS="$PIDS $LAST_PID"
}

stop() { # pid...
	local p
	for p in "$@"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		PIDS=$(echo " $PIDS " | sed "s/ $p / /; s/^ *//; s/ *$//")
	done
}
