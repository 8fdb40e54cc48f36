#!/usr/bin/env bash
# make-traffic.sh OUTDIR [--seed N] [--quick]   |   make-traffic.sh --check
#
# Makes real, labelled traffic captures for Anomalyze's tests and CI:
#   OUTDIR/normal-train.pcap  normal sessions only (HTTP, DNS over UDP/TCP, SSH key logins)
#   OUTDIR/normal-fresh.pcap  the same kind of traffic with another seed
#   OUTDIR/attack-portscan.pcap  normal background + a SYN port scan (nmap)
#   OUTDIR/attack-synflood.pcap  normal background + a SYN flood (hping3)
#   OUTDIR/attack-sshguess.pcap  normal background + SSH password guessing (sshpass)
#   OUTDIR/labels.json        the timeline of the attack phases (see test/traffic/labels.ts)
#
# Network safety: every packet stays on the loopback interface of a network namespace
# this script creates (anz-traffic-<pid>); only 127.0.0.0/8 addresses are used; all
# loops are bounded and every tool runs under `timeout`; the namespace, the processes
# and the temp dir are removed on exit, failure or Ctrl-C. Nothing in /etc is changed:
# sshd runs in a private mount namespace with tmpfs /run and its login records
# (wtmp/btmp/lastlog) bound to temp files.
#
# Needs root and: iproute2 tcpdump nmap hping3 curl openssh-server openssh-client
# sshpass dnsmasq-base bind9-dnsutils python3 coreutils util-linux.
# Exit codes: 0 ok, 1 failure, 2 usage, 3 cannot run here (not root, tool missing,
# ip netns not permitted). --check runs only those preflight checks.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY_HELPER="$SCRIPT_DIR/traffic.py"

usage() { echo "usage: $0 OUTDIR [--seed N] [--quick]  |  $0 --check" >&2; exit 2; }
say() { printf '[make-traffic %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
cannot() { printf 'make-traffic: CANNOT RUN: %s\n' "$*" >&2; exit 3; }

OUTDIR="" SEED=1 QUICK=0 CHECK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) [ $# -ge 2 ] || usage; SEED=$2; shift 2 ;;
    --seed=*) SEED=${1#--seed=}; shift ;;
    --quick) QUICK=1; shift ;;
    --check) CHECK=1; shift ;;
    -h|--help) usage ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) [ -z "$OUTDIR" ] || usage; OUTDIR=$1; shift ;;
  esac
done
[[ "$SEED" =~ ^[0-9]{1,9}$ ]] || { echo "--seed must be a non-negative integer" >&2; exit 2; }
[ "$CHECK" = 1 ] || [ -n "$OUTDIR" ] || usage

# ------------------------------------------------------------------ preflight
[ "$(id -u)" = 0 ] || cannot "must run as root (network namespaces, raw sockets, tcpdump). Try: sudo $0 $*"
# tool -> Debian package
declare -A PKG=( [ip]=iproute2 [tcpdump]=tcpdump [nmap]=nmap [hping3]=hping3 [curl]=curl
  [sshd]=openssh-server [ssh]=openssh-client [ssh-keygen]=openssh-client [sshpass]=sshpass
  [dnsmasq]=dnsmasq-base [dig]=bind9-dnsutils [python3]=python3 [timeout]=coreutils
  [unshare]=util-linux [ss]=iproute2 )
missing=() pkgs=()
for t in "${!PKG[@]}"; do
  if ! command -v "$t" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$t" ]; then missing+=("$t"); pkgs+=("${PKG[$t]}"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  cannot "missing tools: ${missing[*]} — install with: apt-get install -y $(printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' ')"
fi
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
PY=$(command -v python3)
id sshd >/dev/null 2>&1 || cannot "user 'sshd' (privilege separation) is missing; reinstall openssh-server"

NS="anz-traffic-$$"
if ! ip netns add "$NS" 2>/tmp/anz-netns-err.$$; then
  err=$(cat /tmp/anz-netns-err.$$); rm -f /tmp/anz-netns-err.$$
  cannot "'ip netns add' is not permitted here: $err"
fi
rm -f /tmp/anz-netns-err.$$
if [ "$CHECK" = 1 ]; then
  ip netns del "$NS"; echo "make-traffic: ok (root, tools present, ip netns permitted)"; exit 0
fi

# ------------------------------------------------------------------ cleanup
WORK=$(mktemp -d /tmp/anz-traffic.XXXXXX)
PIDS=()
CLEANED=0
cleanup() {
  [ "$CLEANED" = 1 ] && return; CLEANED=1
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.3
  # Anything still inside our own namespace was started by this script.
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.2
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap 'rc=$?; cleanup; exit $rc' EXIT
trap 'say "interrupted"; cleanup; exit 130' INT
trap 'say "terminated"; cleanup; exit 143' TERM HUP

T0=$(date +%s)
# Foreground use only: a function sent to the background runs in a subshell, so $! would not be the tool.
nsx() { ip netns exec "$NS" "$@"; }
now() { date +%s.%N | cut -c1-17; }

# ------------------------------------------------------------------ parameters
SERVER=127.0.0.10
CLIENTS=(127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.6 127.0.0.7 127.0.0.8 127.0.0.9)
CLIENTS_CSV=$(IFS=,; echo "${CLIENTS[*]}")
SCANNER=127.0.0.66 FLOODER=127.0.0.67 GUESSER=127.0.0.68
SLACK=2
if [ "$QUICK" = 1 ]; then
  TRAIN_S=40 FRESH_S=20 GUESSES=40 GAP=3
else
  TRAIN_S=60 FRESH_S=25 GUESSES=60 GAP=4
fi
# Background actions before each attack (each is at least one connection), so that
# the attack meets full traffic windows (255 connections) as it would at a sensor
# that has been running; at most LEAD_MAX_S seconds on a slow machine.
LEAD_ACTIONS=300 LEAD_MAX_S=40
FLOOD_COUNT=3000
RANDOM=$SEED

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
rm -f "$OUTDIR"/{normal-train,normal-fresh,attacks,attack-portscan,attack-synflood,attack-sshguess}.pcap "$OUTDIR/labels.json"

# ------------------------------------------------------------------ namespace
nsx ip link set lo up
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null || true   # no IPv6 on our lo at all
say "namespace $NS up (lo only), work dir $WORK, seed $SEED, quick=$QUICK"

# ------------------------------------------------------------------ servers
mkdir -p "$WORK/site"
"$PY" "$PY_HELPER" site "$WORK/site/www" --seed "$SEED" > "$WORK/site.out"
say "site: $(cat "$WORK/site.out")"
MAXLIFE=600   # every server and capture dies on its own after this long

ip netns exec "$NS" timeout "$MAXLIFE" "$PY" -m http.server --bind "$SERVER" --protocol HTTP/1.1 --directory "$WORK/site/www" 80 \
  >"$WORK/http.log" 2>&1 & PIDS+=($!)

ip netns exec "$NS" timeout "$MAXLIFE" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
  --listen-address="$SERVER" --bind-interfaces --port=53 --user=root --group=root --pid-file= \
  --log-facility=- --cache-size=0 --local=/test/ \
  --address=/www.test/$SERVER --address=/api.test/$SERVER --address=/files.test/$SERVER \
  --address=/intranet.test/$SERVER --mx-host=mail.test,www.test,10 --txt-record=www.test,"anomalyze test zone" \
  >"$WORK/dns.log" 2>&1 & PIDS+=($!)

ssh-keygen -q -t ed25519 -N '' -C anz-host -f "$WORK/hostkey"
ssh-keygen -q -t ed25519 -N '' -C anz-client -f "$WORK/clientkey"
cp "$WORK/clientkey.pub" "$WORK/authorized_keys"
for f in wtmp btmp lastlog; do install -m 600 /dev/null "$WORK/$f"; done
# With UsePAM no, sshd refuses accounts whose password is locked with '!'; PAM does not.
USEPAM=no
case "$(getent shadow root | cut -d: -f2)" in '!'*) USEPAM=yes ;; esac
cat > "$WORK/sshd_config" <<EOF
ListenAddress $SERVER:22
HostKey $WORK/hostkey
PidFile none
PermitRootLogin yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $WORK/authorized_keys
UsePAM $USEPAM
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 100:30:200
LoginGraceTime 20
LogLevel INFO
EOF
# Private mount namespace: tmpfs /run (for /run/sshd) and temp login records, so the host is untouched.
ip netns exec "$NS" unshare -m --propagation private sh -c '
  mount -t tmpfs -o mode=755 tmpfs /run && mkdir -m 755 /run/sshd &&
  for f in wtmp btmp lastlog; do [ -e /var/log/$f ] && mount --bind "$1/$f" /var/log/$f; done;
  exec timeout "$2" "$3" -D -e -f "$1/sshd_config"' sh "$WORK" "$MAXLIFE" "$SSHD" \
  >"$WORK/sshd.log" 2>&1 & PIDS+=($!)

ready=0
for _ in $(seq 50); do
  l=$(nsx ss -Hltn 2>/dev/null; nsx ss -Hlun 2>/dev/null)
  if grep -q "$SERVER:80 " <<<"$l" && grep -q "$SERVER:22 " <<<"$l" && [ "$(grep -c "$SERVER:53 " <<<"$l")" -ge 2 ]; then ready=1; break; fi
  sleep 0.1
done
if [ "$ready" != 1 ]; then
  say "servers did not come up"; tail -n 5 "$WORK"/{http,dns,sshd}.log >&2 || true; exit 1
fi
say "servers up on $SERVER: http:80 dns:53 (udp+tcp) ssh:22"

# ------------------------------------------------------------------ capture helpers
CAP_PID=""
cap_start() {  # FILE
  : >"$WORK/tcpdump.err"
  ip netns exec "$NS" timeout "$MAXLIFE" tcpdump -i lo -n -U -B 16384 -Z root -w "$1" 2>"$WORK/tcpdump.err" & CAP_PID=$!; PIDS+=($CAP_PID)
  for _ in $(seq 50); do grep -q "listening on" "$WORK/tcpdump.err" && break; sleep 0.1; done
  grep -q "listening on" "$WORK/tcpdump.err" || { say "tcpdump did not start: $(cat "$WORK/tcpdump.err")"; exit 1; }
  sleep 0.3
}
cap_stop() {  # NAME
  sleep 0.7
  # TERM, not INT: background jobs of a non-interactive shell ignore SIGINT.
  kill -TERM "$CAP_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$CAP_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$CAP_PID" 2>/dev/null || true
  wait "$CAP_PID" 2>/dev/null || true
  local stats; stats=$(grep -E 'captured|dropped by kernel' "$WORK/tcpdump.err" | tr '\n' ' ' || true)
  say "$1: $stats"
  grep -q '^0 packets dropped by kernel' "$WORK/tcpdump.err" || say "WARNING: $1: kernel dropped packets"
}
NORMAL_PID=""
normal_start() {  # SEED DURATION LOGNAME
  ip netns exec "$NS" timeout "$(( ${2%.*} + 40 ))" "$PY" "$PY_HELPER" normal --seed "$1" --duration "$2" \
    --clients "$CLIENTS_CSV" --server "$SERVER" --key "$WORK/clientkey" --site "$WORK/site/site.json" \
    --log "$WORK/$3.jsonl" >"$WORK/$3.summary" 2>"$WORK/$3.err" & NORMAL_PID=$!; PIDS+=($NORMAL_PID)
}
lead_in() {  # LOGNAME: wait until the background has logged LEAD_ACTIONS actions
  local i n=0
  for i in $(seq $((LEAD_MAX_S * 10))); do
    n=0; [ -f "$WORK/$1.jsonl" ] && n=$(wc -l <"$WORK/$1.jsonl")
    [ "$n" -ge "$LEAD_ACTIONS" ] && return 0
    kill -0 "$NORMAL_PID" 2>/dev/null || { say "background traffic stopped early"; exit 1; }
    sleep 0.1
  done
  say "WARNING: only $n background actions after ${LEAD_MAX_S}s; the attack starts anyway"
}
normal_stop() {  # LOGNAME: TERM, then KILL if the running actions have not ended within 30 s
  local i
  kill -TERM "$NORMAL_PID" 2>/dev/null || true
  for i in $(seq 300); do kill -0 "$NORMAL_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$NORMAL_PID" 2>/dev/null; then
    say "WARNING: background traffic ignored SIGTERM for 30 s; killing it"
    pkill -KILL -P "$NORMAL_PID" 2>/dev/null || true; kill -KILL "$NORMAL_PID" 2>/dev/null || true
    wait "$NORMAL_PID" 2>/dev/null || true
    say "$1: stopped"; return 0
  fi
  normal_wait "$1"
}
normal_wait() {  # LOGNAME
  wait "$NORMAL_PID" || { say "normal traffic failed: $(tail -n 3 "$WORK/$1.err")"; exit 1; }
  say "$1: $(cat "$WORK/$1.summary")"
}
CAPTURES=()
capture_json() {  # FILE KIND SEED START END SUMMARYNAME
  local counts; counts=$(cat "$WORK/$6.summary" 2>/dev/null || echo null)
  CAPTURES+=("{\"file\":\"$1\",\"kind\":\"$2\",\"seed\":$3,\"start\":$4,\"end\":$5,\"normalSessions\":${counts:-null}}")
}

# ------------------------------------------------------------------ 1. normal-train
S_TRAIN=$SEED S_FRESH=$((SEED + 1000)) S_BG=$((SEED + 2000))
say "normal-train: ${TRAIN_S}s of normal traffic (seed $S_TRAIN)"
cap_start "$OUTDIR/normal-train.pcap"; a=$(now)
normal_start "$S_TRAIN" "$TRAIN_S" train; normal_wait train
b=$(now); cap_stop normal-train.pcap
capture_json normal-train.pcap normal "$S_TRAIN" "$a" "$b" train

# ------------------------------------------------------------------ 2. normal-fresh
say "normal-fresh: ${FRESH_S}s of normal traffic (seed $S_FRESH)"
cap_start "$OUTDIR/normal-fresh.pcap"; a=$(now)
normal_start "$S_FRESH" "$FRESH_S" fresh; normal_wait fresh
b=$(now); cap_stop normal-fresh.pcap
capture_json normal-fresh.pcap normal "$S_FRESH" "$a" "$b" fresh

# ------------------------------------------------------------------ 3. attacks
# One capture per attack, each with normal background of its own: a connection's
# window features look back over the last 255 connections, so after a 3,000-SYN
# flood every normal connection for the next ~255 carries the flood in its features
# (and is flagged, rightly, as part of that incident). Sharing one capture, the
# phases would measure each other's aftermath instead of themselves. Each attack
# starts once the windows have filled (lead_in; see identity.warmup).
PHASES=()
phase() {  # LABEL CATEGORY ATTACKER START END FILE EXTRA-JSON
  PHASES+=("{\"label\":\"$1\",\"category\":\"$2\",\"attacker\":\"$3\",\"target\":\"$SERVER\",\"file\":\"$6\",\"start\":$4,\"end\":$5$7}")
  say "phase $1 ($2) from $3: $(awk -v a="$4" -v b="$5" 'BEGIN{printf "%.1f s", b-a}')"
}

# 3a. TCP SYN port scan (falls back to a connect scan if raw SYN scans fail here)
attack_portscan() {  # FILE
  local p0 p1 method=syn
  p0=$(now)
  if ! nsx timeout 60 nmap -sS -Pn -n -S "$SCANNER" -e lo --max-rate 800 --max-retries 1 -p 1-2000 "$SERVER" \
       >"$WORK/nmap.out" 2>&1 || ! grep -q "1 host up" "$WORK/nmap.out"; then
    say "SYN scan failed ($(tail -n 2 "$WORK/nmap.out" | tr '\n' ' ')); using a connect scan"
    method=connect
    ip netns exec "$NS" timeout 90 nmap -sT -Pn -n -S "$SCANNER" -e lo --max-rate 800 --max-retries 1 -p 1-2000 "$SERVER" \
      >"$WORK/nmap.out" 2>&1 || say "WARNING: connect scan failed too: $(tail -n 2 "$WORK/nmap.out" | tr '\n' ' ')"
  fi
  p1=$(now)
  phase portscan Probe "$SCANNER" "$p0" "$p1" "$1" ",\"tool\":\"nmap\",\"method\":\"$method\",\"ports\":[1,2000]"
}

# 3b. SYN flood against the web server, bounded in count and time
attack_synflood() {  # FILE
  local p0 p1
  p0=$(now)
  ip netns exec "$NS" timeout 30 hping3 -q -S -p 80 -a "$FLOODER" -c "$FLOOD_COUNT" -i u500 "$SERVER" >"$WORK/hping.out" 2>&1 \
    || say "hping3 exited non-zero: $(tail -n 2 "$WORK/hping.out" | tr '\n' ' ')"
  p1=$(now)
  phase synflood DoS "$FLOODER" "$p0" "$p1" "$1" ",\"tool\":\"hping3\",\"port\":80,\"packets\":$FLOOD_COUNT"
}

# 3c. SSH password guessing: wrong passwords for root, each attempt with a timeout
attack_sshguess() {  # FILE
  local p0 p1 i pw ok=0 failed=0
  p0=$(now)
  for i in $(seq "$GUESSES"); do
    pw="guess-$RANDOM$RANDOM-$i"
    if nsx timeout 10 sshpass -p "$pw" ssh -F /dev/null -b "$GUESSER" -o PubkeyAuthentication=no \
         -o PreferredAuthentications=password -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
         -o ConnectTimeout=5 -o NumberOfPasswordPrompts=1 -o LogLevel=QUIET root@"$SERVER" true </dev/null >/dev/null 2>&1; then
      ok=$((ok + 1))
    else
      failed=$((failed + 1))
    fi
    sleep "0.$(( RANDOM % 3 ))$(( RANDOM % 10 ))"
  done
  p1=$(now)
  phase sshguess R2L "$GUESSER" "$p0" "$p1" "$1" ",\"tool\":\"sshpass\",\"port\":22,\"attempts\":$GUESSES,\"failedLogins\":$failed"
  [ "$ok" = 0 ] || say "WARNING: $ok guessed logins succeeded"
}

n_attack=0
for attack in portscan synflood sshguess; do
  f="attack-$attack.pcap"; s_bg=$((S_BG + n_attack)); n_attack=$((n_attack + 1))
  say "$f: normal background (seed $s_bg) with $attack"
  cap_start "$OUTDIR/$f"; a=$(now)
  normal_start "$s_bg" 200 "bg-$attack"   # stopped below, after the attack
  lead_in "bg-$attack"
  "attack_$attack" "$f"
  sleep "$GAP"
  normal_stop "bg-$attack"
  b=$(now); cap_stop "$f"
  capture_json "$f" attacks "$s_bg" "$a" "$b" "bg-$attack"
done

# ------------------------------------------------------------------ labels.json
join() { local IFS=,; echo "$*"; }
client_list=$(printf '"%s",' "${CLIENTS[@]}"); client_list=${client_list%,}
cat > "$OUTDIR/labels.json.tmp" <<EOF
{
  "version": 1,
  "seed": $SEED,
  "quick": $([ "$QUICK" = 1 ] && echo true || echo false),
  "slackSeconds": $SLACK,
  "rule": "a connection in a phase's file is the phase's label when its originator address is the phase's attacker and it starts within [start - slackSeconds, end + slackSeconds]; every other connection is normal",
  "phases": [
    $(join "${PHASES[@]}")
  ],
  "normalClients": [$client_list],
  "servers": [
    {"name":"http","address":"$SERVER","port":80,"protocol":"tcp"},
    {"name":"dns","address":"$SERVER","port":53,"protocol":"udp"},
    {"name":"dns","address":"$SERVER","port":53,"protocol":"tcp"},
    {"name":"ssh","address":"$SERVER","port":22,"protocol":"tcp"}
  ],
  "captures": [
    $(join "${CAPTURES[@]}")
  ]
}
EOF
"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUTDIR/labels.json.tmp" \
  || { say "labels.json is not valid JSON"; exit 1; }
mv "$OUTDIR/labels.json.tmp" "$OUTDIR/labels.json"

# ------------------------------------------------------------------ summary
say "done in $(( $(date +%s) - T0 )) s; files in $OUTDIR:"
for f in normal-train.pcap normal-fresh.pcap attack-portscan.pcap attack-synflood.pcap attack-sshguess.pcap labels.json; do
  p="$OUTDIR/$f"; size=$(stat -c %s "$p")
  if [[ $f == *.pcap ]]; then
    # packets; TCP connection attempts (SYN without ACK); UDP flows (distinct 5-tuples)
    tcpdump -nn -r "$p" 2>/dev/null | awk -v f="$f" -v size="$size" '
      { n++ }
      /Flags \[S\],/ { syn++ }
      $2 == "IP" && $0 !~ /Flags \[/ && $0 !~ /ICMP/ { u[$3 ">" $5]++ }
      END { for (k in u) uf++; printf "  %-18s %10d bytes %8d packets %7d TCP SYNs %6d UDP flows\n", f, size, n, syn, uf }' >&2
  else
    printf '  %-18s %10d bytes\n' "$f" "$size" >&2
  fi
done
