#!/usr/bin/env bash
# Remake the real flow-meter exports in test/fixtures/flows/ from our own traffic.
#
# Everything happens on the loopback interface of a network namespace made for the
# purpose (deleted on exit), so no packet leaves it: a few HTTP requests to
# `python3 -m http.server`, one connection to a closed port, a UDP exchange, UDP
# datagrams to a closed port and three ICMP echoes, captured by tcpdump (bounded in
# packets and seconds). Debian's argus/ra and nfpcapd/nfdump then export the capture.
#
# Needs root and: apt-get install -y argus-server argus-client nfdump tcpdump
# Usage: sudo scripts/flow-fixtures.sh [output-dir]   (default test/fixtures/flows)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/test/fixtures/flows}
for tool in ip tcpdump argus ra nfpcapd nfdump python3 curl; do
  command -v "$tool" >/dev/null || { echo "flow-fixtures: $tool is missing" >&2; exit 1; }
done

ns=anz-flow-$$
work=$(mktemp -d)
server_pid=''
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns"
inns() { ip netns exec "$ns" "$@"; }
inns ip link set lo up

mkdir "$work/www" && echo 'hello from anomalyze' > "$work/www/index.html"
(cd "$work/www" && exec ip netns exec "$ns" timeout 30 python3 -m http.server 8000 --bind 127.0.0.1 >/dev/null 2>&1) &
server_pid=$!
for _ in $(seq 50); do # up to 5 s for the server to listen
  inns python3 -c 'import socket; socket.create_connection(("127.0.0.1", 8000), 0.1)' 2>/dev/null && break
  sleep 0.1
done
inns timeout 30 tcpdump -i lo -n -U -c 300 -w "$work/cap.pcap" 2>/dev/null &
tcpdump_pid=$!
sleep 1

for path in / /index.html /missing; do
  inns curl -s -o /dev/null --max-time 3 "http://127.0.0.1:8000$path" || true
done
inns curl -s -o /dev/null --max-time 3 http://127.0.0.1:9/ || true # closed port: SYN, RST
inns timeout 5 python3 - <<'PY'
import os, socket, struct, time

# UDP request/answer pairs with a listener, then datagrams to a closed port.
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); srv.bind(('127.0.0.1', 5005))
cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); cli.settimeout(1)
for i in range(3):
    cli.sendto(b'ping %d' % i, ('127.0.0.1', 5005))
    data, addr = srv.recvfrom(100); srv.sendto(data.upper(), addr)
    cli.recvfrom(100)
for i in range(2):
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x' * 20, ('127.0.0.1', 53))
    time.sleep(0.05)

# ICMP echo (there is no ping binary on every image); the kernel answers.
def checksum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); icmp.settimeout(1)
for seq in range(3):
    payload = b'anomalyze-fixture'[:16]
    head = struct.pack('!BBHHH', 8, 0, 0, os.getpid() & 0xffff, seq)
    icmp.sendto(struct.pack('!BBHHH', 8, 0, checksum(head + payload), os.getpid() & 0xffff, seq) + payload, ('127.0.0.1', 0))
    time.sleep(0.2)
PY
sleep 1
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=''
kill -INT "$tcpdump_pid" 2>/dev/null || true
wait "$tcpdump_pid" 2>/dev/null || true

mkdir -p "$out"
fields='stime dur flgs proto saddr sport dir daddr dport pkts bytes spkts dpkts sbytes dbytes state rate load'
argus -r "$work/cap.pcap" -w "$work/cap.argus"
# -n numeric ports and protocols, -u Unix times: what the reader is meant for.
ra -r "$work/cap.argus" -n -u -c , -s $fields > "$out/argus.csv"
# ra's defaults: port and protocol names, time of day without a date.
ra -r "$work/cap.argus" -c , -s $fields > "$out/argus-names.csv"

mkdir "$work/nf"
nfpcapd -r "$work/cap.pcap" -w "$work/nf" >/dev/null 2>&1
nfdump -R "$work/nf" -o csv > "$out/nfdump.csv"

wc -l "$out/argus.csv" "$out/argus-names.csv" "$out/nfdump.csv"
