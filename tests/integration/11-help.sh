#!/bin/bash
# 11-help: every program answers -h and --help with its usage on stdout
# and exit 0, nothing on stderr; an option it does not know still gets the
# usage on stderr, nothing on stdout, and exit 2.
. "$(dirname "$0")/../lib.sh"

# asked PROGRAM OPTION: the usage on stdout, naming -h|--help, exit 0
asked() {
	"$BIN/$1" "$2" >"$T/out" 2>"$T/err"
	local rc=$?
	[ "$rc" = 0 ] || { echo "# $1 $2: exit $rc"; cat "$T/err"; return 1; }
	grep -q "^usage: $1 " "$T/out" && grep -qF -- '-h|--help' "$T/out" && [ ! -s "$T/err" ]
}
# refused PROGRAM OPTION: the usage on stderr, nothing on stdout, exit 2
refused() {
	"$BIN/$1" "$2" >"$T/out" 2>"$T/err"
	local rc=$?
	[ "$rc" = 2 ] || { echo "# $1 $2: exit $rc"; return 1; }
	grep -q "^usage: $1 " "$T/err" && [ ! -s "$T/out" ]
}

for p in gm-agent gm-collector gm-report gm-dashboard gm-sim; do
	check "$p --help: the usage on stdout, exit 0" asked "$p" --help
	check "$p -h: the same" asked "$p" -h
	check "$p --no-such-option: the usage on stderr, exit 2" refused "$p" --no-such-option
done
done_testing
