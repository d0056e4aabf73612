# runlib.sh - process and port helpers shared by tools/demo.sh and the tests
# (sourced by bash).

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
stop_pids() {
	local p
	for p in $(echo "$@" | tr ' ' '\n' | tac); do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}
