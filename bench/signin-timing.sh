#!/bin/bash
# signin-timing.sh - does a wrong sign-in take as long for a name that has
# no account as for one that has? If not, the time of the answer tells a
# stranger which sign-in names exist. gm-dashboard checks an unknown name's
# password against a decoy argon2id hash (dashboards/dash/accounts.c); this
# measures it: wrong passwords for a known and an unknown name, by turns,
# over real sockets, and the ratio of the two medians.
#
#   bench/signin-timing.sh [TRIES] [BIN]     (40 each, build/release/bin)
# Prints the medians and their ratio, and writes them to bench/results/.
set -u
BENCH=signin-timing
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TRIES=${1:-40}
BIN=${2:-$ROOT/build/release/bin}
. "$ROOT/tools/runlib.sh"
. "$ROOT/bench/lib.sh"
OUT=$ROOT/bench/results/signin-timing-$(date +%Y-%m-%dT%H%M).txt

WEB=$(free_port)
mkdir -p "$T/data"
printf '[dashboard]\nlisten = 127.0.0.1:%s\ndata_dir = %s/data\n[accounts]\ndatabase = %s/dash.db\nmax_failures = 1000\naddress_failures = 100000\n' \
	"$WEB" "$T" "$T" >"$T/dash.conf"
printf 'a-long-passphrase\n' | "$BIN/gm-dashboard" -c "$T/dash.conf" --add-user malee --role viewer >/dev/null ||
	die "cannot add the account"
start dashboard "$BIN/gm-dashboard" -c "$T/dash.conf"
wait_port "$WEB" || die "the dashboard did not start"
U=http://127.0.0.1:$WEB
# one try: the form's token, then the wrong password; the seconds the answer took
try() {
	local tok
	tok=$(curl -s -c "$T/jar" -b "$T/jar" "$U/signin" | grep -o 'name="csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
	curl -s -o /dev/null -w '%{time_total}\n' -c "$T/jar" -b "$T/jar" --data-urlencode "csrf=$tok" \
		--data-urlencode "name=$1" --data-urlencode "password=wrong-$RANDOM" "$U/signin"
}
for i in $(seq "$TRIES"); do
	try malee >>"$T/known"
	try nobody-here >>"$T/unknown"
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
k=$(median "$T/known") u=$(median "$T/unknown")
{
	echo "# wrong sign-ins, $TRIES each by turns, $(uname -sr), $(nproc) cores, $(git -C "$ROOT" rev-parse --short HEAD)"
	echo "known name:   median $k s"
	echo "unknown name: median $u s"
	awk -v k="$k" -v u="$u" 'BEGIN { printf "unknown / known: %.3f\n", u / k }'
} | tee "$OUT"
