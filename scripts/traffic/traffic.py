#!/usr/bin/env python3
"""Helpers for make-traffic.sh (run by it, inside its network namespace).

  traffic.py site DIR --seed N
      Writes the HTTP server's files (1 KB - 2 MB, sizes and bytes from the seed)
      and DIR/../site.json, the list of paths with their sizes.

  traffic.py normal --seed N --duration S --clients A,B,.. --server IP
                    --key FILE --site site.json --log out.jsonl [--max-actions K]
      Normal users: one thread per client address, each doing a seeded random
      sequence of HTTP GETs (curl; sometimes several per keep-alive connection,
      some 404s), DNS lookups (dig; UDP, some TCP) and SSH logins with the key
      that run a short command, with random pauses. Stops at the deadline, at
      the action bound, or on SIGTERM/SIGINT (after the running action, which
      has its own timeout). Prints a JSON summary line on stdout.

Every address used is given on the command line; make-traffic.sh only passes
127.0.0.0/8 addresses, and this script refuses anything else.
"""
import argparse
import ipaddress
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


def loopback_only(addr):
    if ipaddress.ip_address(addr) not in LOOPBACK:
        sys.exit(f"traffic.py: refusing non-loopback address {addr}")
    return addr


# --------------------------------------------------------------------------- site

TIERS = [  # (name, count, min bytes, max bytes)
    ("small", 24, 1_024, 16_384),
    ("medium", 12, 16_384, 262_144),
    ("large", 5, 262_144, 1_048_576),
    ("huge", 2, 1_048_576, 2_097_152),
]
EXT = ["html", "css", "js", "png", "jpg", "json", "txt", "bin"]


def make_site(directory, seed):
    rng = random.Random(f"site:{seed}")
    os.makedirs(directory, exist_ok=True)
    entries = []
    # Minimum and maximum sizes are always present.
    for tier, count, lo, hi in TIERS:
        for i in range(count):
            if tier == "small" and i == 0:
                size = lo
            elif tier == "huge" and i == count - 1:
                size = hi
            else:
                size = int(round(lo * (hi / lo) ** rng.random()))
            ext = rng.choice(EXT)
            sub = {"html": "", "css": "static/", "js": "static/", "json": "api/"}.get(ext, "files/")
            rel = f"{sub}{tier}-{i:02d}.{ext}"
            path = os.path.join(directory, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                if ext in ("html", "css", "js", "json", "txt"):
                    words = [b"alpha", b"beta", b"gamma", b"delta", b"flow", b"packet", b"<div>", b"{}", b"\n"]
                    chunk = b" ".join(rng.choice(words) for _ in range(4096))
                    data = (chunk * (size // len(chunk) + 1))[:size]
                else:
                    data = rng.randbytes(size)
                f.write(data)
            entries.append({"path": "/" + rel, "size": size, "tier": tier})
    with open(os.path.join(directory, "index.html"), "w") as f:
        f.write("<html><body>" + "".join(f'<a href="{e["path"]}">{e["path"]}</a>\n' for e in entries) + "</body></html>\n")
    entries.append({"path": "/index.html", "size": os.path.getsize(os.path.join(directory, "index.html")), "tier": "small"})
    return entries


# ------------------------------------------------------------------------- normal

DNS_NAMES = ["www.test", "api.test", "files.test", "mail.test", "intranet.test"]
DNS_UNKNOWN = ["typo.test", "old-host.test", "printer.test"]
DNS_TYPES = ["A", "A", "A", "A", "AAAA", "MX", "TXT"]
SSH_COMMANDS = ["uname -a", "uptime", "date -u", "ls /", "cat /proc/loadavg", "df -h /", "echo ok", "id -un"]
TIER_WEIGHTS = {"small": 70, "medium": 22, "large": 6, "huge": 2}


class Normal:
    def __init__(self, a):
        self.a = a
        self.stop = threading.Event()
        self.deadline = time.time() + a.duration
        with open(a.site) as f:
            self.site = json.load(f)
        self.paths = [e["path"] for e in self.site]
        self.weights = [TIER_WEIGHTS[e["tier"]] for e in self.site]
        self.lock = threading.Lock()
        self.log = open(a.log, "w")
        self.counts = {}
        self.total = 0

    def run(self, client, kind, argv, timeout):
        """One client action: a real tool run as a subprocess, bounded by `timeout`."""
        t0 = time.time()
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL, timeout=timeout)
            rc, out = p.returncode, p.stdout.decode(errors="replace").strip()
        except subprocess.TimeoutExpired:
            rc, out = "timeout", ""
        rec = {"t": round(t0, 6), "end": round(time.time(), 6), "client": client, "kind": kind,
               "rc": rc, "out": out[:80]}
        with self.lock:
            key = f"{kind}:{'ok' if rc == 0 else 'fail'}"
            self.counts[key] = self.counts.get(key, 0) + 1
            self.log.write(json.dumps(rec) + "\n")
            self.log.flush()  # make-traffic.sh counts these lines to know how much background ran

    def http(self, rng, client):
        n = 1 if rng.random() < 0.65 else rng.randint(2, 5)  # several = one keep-alive connection
        argv = ["curl", "-s", "--interface", client, "--max-time", "15", "--connect-timeout", "5",
                "-w", "%{http_code} ", "-A", rng.choice(["curl/7.88", "Mozilla/5.0 (X11; Linux x86_64)", "anz-agent/1.0"])]
        if rng.random() < 0.5:
            argv += ["-H", f"Host: {rng.choice(['www.test', 'files.test'])}"]
        for _ in range(n):
            if rng.random() < 0.08:
                path = f"/missing/{rng.randint(1, 500)}.html"  # 404
            else:
                path = rng.choices(self.paths, self.weights)[0]
            argv += ["-o", "/dev/null", f"http://{self.a.server}{path}"]
        self.run(client, "http" if n == 1 else "http-keepalive", argv, 20)

    def dns(self, rng, client):
        argv = ["dig", f"@{self.a.server}", "-b", client, "+tries=1", "+time=2", "+short"]
        tcp = rng.random() < 0.15
        if tcp:
            argv.append("+tcp")
        for _ in range(1 if rng.random() < 0.8 else rng.randint(2, 3)):
            name = rng.choice(DNS_UNKNOWN) if rng.random() < 0.1 else rng.choice(DNS_NAMES)
            argv += [name, rng.choice(DNS_TYPES)]
        self.run(client, "dns-tcp" if tcp else "dns", argv, 10)

    def ssh(self, rng, client):
        argv = ["ssh", "-F", "/dev/null", "-b", client, "-i", self.a.key, "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "-o", "PasswordAuthentication=no",
                f"root@{self.a.server}", rng.choice(SSH_COMMANDS)]
        self.run(client, "ssh", argv, 15)

    def client_loop(self, client, index):
        rng = random.Random(f"normal:{self.a.seed}:{client}")
        # Clients differ a little: some browse more, some resolve more.
        w_http, w_dns, w_ssh = 55 + rng.randint(-15, 15), 35 + rng.randint(-10, 10), 4 + rng.randint(0, 3)
        mean_pause = self.a.pause * rng.uniform(0.7, 1.4)
        # Staggered start so the clients do not begin in lockstep.
        if self.stop.wait(rng.uniform(0, 1.0)):
            return
        for _ in range(self.a.max_actions):
            if self.stop.is_set() or time.time() >= self.deadline:
                return
            with self.lock:
                if self.total >= self.a.max_actions * len(self.a.clients):
                    return
                self.total += 1
            kind = rng.choices(["http", "dns", "ssh", "browse"], [w_http, w_dns, w_ssh, 10])[0]
            if kind == "http":
                self.http(rng, client)
            elif kind == "dns":
                self.dns(rng, client)
            elif kind == "ssh":
                self.ssh(rng, client)
            else:  # resolve a name, then fetch from it
                self.dns(rng, client)
                self.http(rng, client)
            pause = min(rng.expovariate(1 / mean_pause), 3.0)
            if rng.random() < 0.04:
                pause += rng.uniform(1, 4)  # a user reading a page
            if self.stop.wait(min(pause, max(0.0, self.deadline - time.time()))):
                return

    def main(self):
        threads = [threading.Thread(target=self.client_loop, args=(c, i), daemon=True)
                   for i, c in enumerate(self.a.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(self.a.duration + 60)
        self.log.close()
        print(json.dumps({"seed": self.a.seed, "actions": sum(self.counts.values()), "counts": self.counts}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("site")
    s.add_argument("dir")
    s.add_argument("--seed", type=int, required=True)
    n = sub.add_parser("normal")
    n.add_argument("--seed", type=int, required=True)
    n.add_argument("--duration", type=float, required=True)
    n.add_argument("--clients", required=True)
    n.add_argument("--server", required=True)
    n.add_argument("--key", required=True)
    n.add_argument("--site", required=True)
    n.add_argument("--log", required=True)
    n.add_argument("--pause", type=float, default=0.2, help="mean pause between a client's actions (s)")
    n.add_argument("--max-actions", type=int, default=2000, help="bound per client")
    a = ap.parse_args()
    if a.cmd == "site":
        entries = make_site(a.dir, a.seed)
        with open(os.path.join(os.path.dirname(os.path.abspath(a.dir)), "site.json"), "w") as f:
            json.dump(entries, f)
        print(json.dumps({"files": len(entries), "bytes": sum(e["size"] for e in entries),
                          "min": min(e["size"] for e in entries), "max": max(e["size"] for e in entries)}))
        return
    a.clients = [loopback_only(c) for c in a.clients.split(",") if c]
    loopback_only(a.server)
    if not 0 < a.duration <= 600:
        sys.exit("traffic.py: --duration must be in (0, 600]")
    runner = Normal(a)

    def on_signal(signum, frame):
        runner.stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    runner.main()


if __name__ == "__main__":
    main()
