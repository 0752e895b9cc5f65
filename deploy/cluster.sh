#!/usr/bin/env bash
# A local three-node RabbitMQ cluster with HAProxy in front, to run the help desk the way it
# scales out (opt-in: `HELPDESK_CLUSTER=3 bash deploy/start.sh`, or deploy/servers.sh with
# it). Three nodes of Debian's rabbitmq-server on this machine, each with its own node
# name, ports and data/log directories, joined with `rabbitmqctl join_cluster`; HAProxy
# (deploy/haproxy.cfg) listens on one port and forwards to the nodes that pass its AMQP
# health check. The help desk's durable queues are quorum queues (shared/topology.py):
# declared on this cluster each gets a member on all three nodes and survives one down.
# Idempotent: running nodes are reused, stopped ones started again with their data.
# Usage: deploy/cluster.sh [start|stop|status|url]
#
# Settings (defaults stay clear of the default node's 5672/25672 and of private test nodes):
#   HELPDESK_CLUSTER_PORT         HAProxy's AMQP port; node N listens on PORT+N and on
#                                 20000+PORT+N for Erlang distribution   (5680)
#   HELPDESK_CLUSTER_NODE_PREFIX  node N is named <prefix>N@localhost   (helpdesk)
#   HELPDESK_CLUSTER_DIR          data, logs and pid files               ($HELPDESK_VAR_DIR/rabbitmq-cluster)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR_DIR="${HELPDESK_VAR_DIR:-$ROOT/var}"
CLUSTER_DIR="${HELPDESK_CLUSTER_DIR:-$VAR_DIR/rabbitmq-cluster}"
PORT="${HELPDESK_CLUSTER_PORT:-5680}"
PREFIX="${HELPDESK_CLUSTER_NODE_PREFIX:-helpdesk}"
NODES=(1 2 3)
PROBE="python3 $ROOT/deploy/probe.py"

say() { printf '[cluster] %s\n' "$*"; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }

url() { echo "amqp://guest:guest@127.0.0.1:$PORT/"; }
node_name() { echo "$PREFIX$1@localhost"; }
node_dir() { echo "$CLUSTER_DIR/node$1"; }

on_node() {  # on_node N COMMAND...: a RabbitMQ command with node N's environment
  local n=$1 dir
  shift
  dir=$(node_dir "$n")
  # Every variable set explicitly: a shell may carry another node's (a CI run's private one).
  env RABBITMQ_NODENAME="$(node_name "$n")" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=$((PORT + n)) RABBITMQ_DIST_PORT=$((20000 + PORT + n)) \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/pid" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    "$@"
}

ctl() {  # ctl N ARGS...: rabbitmqctl against node N
  local n=$1
  shift
  on_node "$n" rabbitmqctl -q -n "$(node_name "$n")" "$@"
}

running() { ctl "$1" status >/dev/null 2>&1; }

is_member() {  # is_member N: node N already belongs to node 1's cluster
  # Asked of node N itself, and an unreadable answer stops the script: a wrong "no" would
  # reset a member, and with it its replicas of the queues.
  local status
  status=$(ctl "$1" cluster_status --formatter json) \
    || die "could not read the cluster status of $(node_name "$1")"
  python3 -c "import json, sys; sys.exit(sys.argv[1] not in json.loads(sys.argv[2])['disk_nodes'])" \
    "$(node_name 1)" "$status"
}

apt_install() {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start_node() {
  local n=$1 dir
  dir=$(node_dir "$n")
  if running "$n"; then
    say "node $(node_name "$n") already runs: reusing it"
    return
  fi
  mkdir -p "$dir/mnesia" "$dir/log"
  # No plugins: the management UI's port would be the same for all three nodes.
  echo "[]." > "$dir/enabled_plugins"
  # The nodes run as the rabbitmq user (Debian's wrapper switches to it).
  chown -R rabbitmq:rabbitmq "$dir"
  on_node "$n" rabbitmq-server -detached
}

wait_node() {
  local n=$1
  # `wait` returns once the pid file is written and the node has booted.
  ctl "$n" wait --timeout 180 "$(node_dir "$n")/pid" >/dev/null 2>&1 \
    || die "node $(node_name "$n") did not start within 180 s; see $(node_dir "$n")/log/"
}

join_node() {
  local n=$1
  if is_member "$n"; then
    return
  fi
  say "joining $(node_name "$n") to $(node_name 1)"
  # Joining prints harmless boot-time warnings of the reset node: kept in a log, not shown.
  local log="$CLUSTER_DIR/join.log"
  { ctl "$n" stop_app && ctl "$n" reset && ctl "$n" join_cluster "$(node_name 1)" \
      && ctl "$n" start_app; } >>"$log" 2>&1 || die "$(node_name "$n") did not join; see $log"
}

start_haproxy() {
  local pid_file="$CLUSTER_DIR/haproxy.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    say "HAProxy already runs: reusing it"
    return
  fi
  command -v haproxy >/dev/null 2>&1 || { say "installing HAProxy from Debian's packages"; apt_install haproxy; }
  HAPROXY_BIND="127.0.0.1:$PORT" RABBITMQ_NODE1="127.0.0.1:$((PORT + 1))" \
    RABBITMQ_NODE2="127.0.0.1:$((PORT + 2))" RABBITMQ_NODE3="127.0.0.1:$((PORT + 3))" \
    haproxy -D -f "$ROOT/deploy/haproxy.cfg" -p "$pid_file"
}

start_cluster() {
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    say "installing RabbitMQ from Debian's packages"
    apt_install rabbitmq-server
  fi
  mkdir -p "$CLUSTER_DIR"
  say "starting nodes $(node_name 1), $(node_name 2), $(node_name 3) (data: $CLUSTER_DIR)"
  for n in "${NODES[@]}"; do start_node "$n"; done
  # Started together: a node that was stopped last waits for its peers at boot.
  for n in "${NODES[@]}"; do wait_node "$n"; done
  for n in "${NODES[@]:1}"; do join_node "$n"; done
  start_haproxy
  $PROBE amqp "$(url)" --wait 30 || die "no AMQP answer through HAProxy at $(url) within 30 s"
  say "RabbitMQ cluster is up behind HAProxy at $(url) (stop: deploy/cluster.sh stop)"
}

stop_cluster() {
  local pid_file="$CLUSTER_DIR/haproxy.pid"
  if [ -f "$pid_file" ]; then
    kill "$(cat "$pid_file")" 2>/dev/null && say "stopped HAProxy" || true
    rm -f "$pid_file"
  fi
  # Together: one at a time took three times as long, each waiting for its shutdown.
  for n in "${NODES[@]}"; do stop_node "$n" & done
  wait
}

stop_node() {
  if running "$1"; then
    ctl "$1" stop "$(node_dir "$1")/pid" >/dev/null 2>&1 && say "stopped $(node_name "$1")" || true
  fi
}

status() {
  for n in "${NODES[@]}"; do
    if running "$n"; then say "$(node_name "$n"): running"; else say "$(node_name "$n"): down"; fi
  done
  if $PROBE amqp "$(url)"; then say "HAProxy answers at $(url)"; else say "HAProxy: down"; fi
}

case "${1:-start}" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  status) status ;;
  url) url ;;
  *) die "usage: deploy/cluster.sh [start|stop|status|url]" ;;
esac
