#!/bin/bash
# 89-dashboard-start: gm-dashboard that cannot start says why and leaves
# cleanly (sanitizer build: no leak, no bad access, no undefined behaviour):
# - its port held by another gm-dashboard: exit 3, the address named, and
#   the first one still answers;
# - an organisation file that is missing, a directory, or names a criteria
#   file that is missing: exit 1 naming the file, at start and with -n;
# - the same configuration, mended, starts and stops on SIGTERM.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$T/data"
cp -r "$ROOT/dashboards/org/senate" "$T/org"
WEB=$(free_port)
# dash_conf NAME [KEY = VALUE ...]: $T/NAME.conf listening on $WEB
dash_conf() {
	local name=$1; shift
	{ printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s/data\n' "$WEB" "$T"
	  printf '%s\n' "$@"; } >"$T/$name.conf"
}
# clean NAME: nothing from the sanitizers in $T/NAME.log
clean() { ! grep -q 'Sanitizer\|runtime error\|leak' "$T/$1.log"; }
# refused NAME RC TEXT: gm-dashboard -c $T/NAME.conf exits RC, says TEXT, cleanly
refused() {
	"$BIN/gm-dashboard" -c "$T/$1.conf" >"$T/$1.log" 2>&1
	local rc=$?
	[ "$rc" = "$2" ] || { echo "# $1: exit $rc, expected $2"; cat "$T/$1.log"; return 1; }
	grep -qF -- "$3" "$T/$1.log" || { echo "# $1: no \"$3\" in:"; cat "$T/$1.log"; return 1; }
	clean "$1"
}

# --- its port taken by another dashboard ----------------------------------
dash_conf first
start first "$BIN/gm-dashboard" -c "$T/first.conf"
FIRST=$LAST_PID
check "a first dashboard listens" wait_port "$WEB"
dash_conf second
check "a second on its port: exit 3 naming the address, cleanly" \
	refused second 3 "cannot listen on 127.0.0.1:$WEB"
check "the first one still answers" \
	[ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$WEB/")" = 200 ]
stop "$FIRST"
check "the first stops cleanly on SIGTERM" clean first

# --- an organisation it cannot read ---------------------------------------
dash_conf no-org "org = $T/missing.ini"
check "a missing organisation file: exit 1 naming it, cleanly" \
	refused no-org 1 "$T/missing.ini: cannot open"
mkdir "$T/org-dir.ini"
dash_conf dir-org "org = $T/org-dir.ini"
check "a directory as the organisation file: exit 1 naming it, cleanly" \
	refused dir-org 1 "$T/org-dir.ini"
mv "$T/org/criteria-2567.ini" "$T/criteria.ini.away"
dash_conf no-crit "org = $T/org/organisation.ini" "units_every = 2"
check "its criteria file missing: exit 1 naming it, cleanly" \
	refused no-crit 1 "criteria-2567.ini"
"$BIN/gm-dashboard" -n -c "$T/no-crit.conf" >"$T/check.log" 2>&1
check "the same with -n: exit 1" [ $? = 1 ]
check "and cleanly" clean check

# --- mended, it starts ----------------------------------------------------
mv "$T/criteria.ini.away" "$T/org/criteria-2567.ini"
start mended "$BIN/gm-dashboard" -c "$T/no-crit.conf"
MENDED=$LAST_PID
check "mended, it listens" wait_port "$WEB"
units_ready() { [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$WEB/units")" = 200 ]; }
check "and shows the units" wait_for 30 units_ready
stop "$MENDED"
check "and stops cleanly on SIGTERM" clean mended
done_testing
