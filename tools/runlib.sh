# runlib.sh - process and port helpers shared by tools/demo.sh, the tests
# and the benchmarks (sourced by bash).
#
# A script that starts processes sets LOG_DIR (where their logs go) and
# PIDS="" before its first start, and stops what is left with
# `stop_pids $PIDS` when it exits, however it exits.

# A TCP port nobody uses, below the kernel's range of ephemeral ports (a
# client connection may take any port in that range at any moment, and then
# a server could not bind it), and remembered, so that tests running side by
# side and two calls in one test never pick the same.
free_port() {
	local p lo=10000 hi used=/tmp/gm-ports.used
	hi=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	# Claims older than an hour are from runs long over.
	find "$used" -mindepth 1 -maxdepth 1 -mmin +60 -exec rmdir {} + 2>/dev/null
	while :; do
		p=$((lo + RANDOM % (hi - lo)))
		ss -Htan "sport = :$p" 2>/dev/null | grep -q . && continue
		# mkdir is atomic: the first test to claim the port has it.
		mkdir -p "$used" && mkdir "$used/$p" 2>/dev/null || continue
		echo "$p"
		return
	done
}

# Wait until 127.0.0.1:port accepts a connection (limit in tenths of a second).
wait_port() {
	local port=$1 limit=${2:-100} i=0
	while ! (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge "$limit" ] && return 1
		sleep 0.1
	done
}

# Wait until a command succeeds, trying every tenth of a second for $1 s;
# returns 1 if it never did.
wait_for() { # seconds command...
	local limit=$1 i=0; shift
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge $((limit * 10)) ] && return 1
		sleep 0.1
	done
}

# mosquitto.conf for a loopback broker with persistence in $2.
broker_conf() { # port dir
	cat <<CONF
listener $1 127.0.0.1
allow_anonymous true
persistence true
persistence_location $2/
# Run as whoever started us: a root mosquitto would switch to the mosquitto
# user and then could not write its database here.
user $(id -un)
CONF
}

# gm-collector.conf for a data dir and broker port.
collector_conf() { # data_dir status_file broker_port client_id
	printf '[collector]\ndata_dir = %s\nstatus_file = %s\n[mqtt]\nbroker = 127.0.0.1:%s\nclient_id = %s\n' \
		"$1" "$2" "$3" "$4"
}

# Stop pids, newest first (an agent stops before the broker it drains into).
stop_pids() { # pid...
	local p
	for p in $(echo "$@" | tr ' ' '\n' | tac); do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}

# Run a command in the background, its output appended to $LOG_DIR/<name>.log;
# its pid is in LAST_PID and recorded in PIDS, for the script's exit to stop.
start() { # name command...
	local name=$1; shift
	"$@" >>"$LOG_DIR/$name.log" 2>&1 &
	LAST_PID=$!
	PIDS="${PIDS:-} $LAST_PID"
}

# SIGTERM each pid and wait for it to end; always succeeds. A stopped pid
# leaves PIDS, so the exit does not signal a number the kernel may have
# given to someone else's process since.
stop() { # pid...
	local p
	for p in "$@"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		PIDS=$(echo " ${PIDS:-} " | sed "s/ $p / /; s/^ *//; s/ *$//")
	done
	true
}

# mosquitto on loopback port $1 (default: a free one) with persistence in
# $BROKER_DIR (default $LOG_DIR/mosq), so queued QoS 1 messages survive its
# restart, and no limit on them, so a slow subscriber loses none.
# Sets BROKER_PORT and BROKER_PID; returns 1 with its log on stderr if it
# does not listen within 10 s.
start_broker() { # [port]
	local dir=${BROKER_DIR:-$LOG_DIR/mosq}
	BROKER_PORT=${1:-$(free_port)}
	mkdir -p "$dir"
	{ broker_conf "$BROKER_PORT" "$dir"; echo "max_queued_messages 0"; } >"$LOG_DIR/mosquitto.conf"
	start mosquitto mosquitto -c "$LOG_DIR/mosquitto.conf"
	BROKER_PID=$LAST_PID
	wait_port "$BROKER_PORT" && return
	echo "# mosquitto did not start on 127.0.0.1:$BROKER_PORT; $LOG_DIR/mosquitto.log says:" >&2
	sed 's/^/# /' "$LOG_DIR/mosquitto.log" >&2
	return 1
}
