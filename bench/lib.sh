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

# The report's first "machine" line: CPUs, their model, the kernel, Debian.
machine_line() {
	echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), Linux $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null)"
}

# What the machine does with the kinds of work a storer is made of, for the
# report's "machine" lines: the same code can be disk-bound on one host and
# CPU-bound on another (issue 23's runs moved from 0.72x to 1.13x collectd
# between two hosts of one kind). Writes 1 GiB into $T past the page cache
# and through it (with fdatasync), and times a million 1-byte read(2) and
# write(2) pairs (what one small MQTT message costs the kernel, roughly).
host_speed() {
	local direct buffered sys
	direct=$(dd if=/dev/zero of="$T/host-speed" bs=1M count=1024 oflag=direct 2>&1 |
		awk '/copied/ { printf "%.0f", $1 / $(NF - 3) / 1e6 }')
	buffered=$(dd if=/dev/zero of="$T/host-speed" bs=1M count=1024 conv=fdatasync 2>&1 |
		awk '/copied/ { printf "%.0f", $1 / $(NF - 3) / 1e6 }')
	rm -f "$T/host-speed"
	sys=$(dd if=/dev/zero of=/dev/null bs=1 count=1000000 2>&1 |
		awk '/copied/ { printf "%.2f", $(NF - 3) / 2e6 * 1e6 }')
	echo "disk ${direct:-?} MB/s past the page cache, ${buffered:-?} MB/s through it with fdatasync (1 GiB each); a 1-byte read(2) or write(2) ${sys:-?} us"
}
