// Syslog over real sockets on 127.0.0.1: UDP datagrams, TCP with RFC 6587 octet
// counting (parsed back by count, not by line), reconnect and bounded buffering.

import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertSink } from '../../src/alerts/create-sink.ts';
import { StreamChannel } from '../../src/alerts/stream-channel.ts';
import { frame } from '../../src/alerts/syslog-url.ts';
import { UdpChannel } from '../../src/alerts/udp-channel.ts';
import { CTX, FLOW_RECORD, KDD_RECORD } from './fixtures.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Splits an RFC 6587 octet-counted stream: "LEN SP MSG" repeated; the rest is an incomplete frame. */
function parseOctetFrames(buf: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let i = 0;
  for (;;) {
    const sp = buf.indexOf(0x20, i);
    if (sp < 0) break;
    const lenText = buf.subarray(i, sp).toString('ascii');
    expect(lenText).toMatch(/^[1-9]\d*$/);
    const len = Number(lenText);
    if (sp + 1 + len > buf.length) break;
    messages.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    i = sp + 1 + len;
  }
  return { messages, rest: buf.subarray(i) };
}

/** A TCP collector that collects octet-counted messages from every connection. */
async function collector(port = 0): Promise<{
  server: Server; port: number; messages: string[]; sockets: Set<Socket>; connections(): number; received(n: number): Promise<void>;
}> {
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let waiter: { n: number; resolve: () => void } | null = null;
  const server = createServer((socket) => {
    sockets.add(socket);
    connections++;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (d) => {
      const parsed = parseOctetFrames(Buffer.concat([pending, d]));
      pending = parsed.rest;
      messages.push(...parsed.messages);
      if (waiter && messages.length >= waiter.n) waiter.resolve();
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  cleanup.push(close);
  return {
    server, sockets, messages, port: (server.address() as AddressInfo).port, connections: () => connections,
    received: (n) => messages.length >= n ? Promise.resolve() : new Promise((resolve) => { waiter = { n, resolve }; }),
  };
}

describe('octet-counting frames', () => {
  it('counts bytes, not characters', () => {
    expect(frame('é →', 'octet-counting').toString('utf8')).toBe('6 é →');
    expect(frame('abc', 'lf').toString()).toBe('abc\n');
  });
});

describe('syslog over TCP', () => {
  it('sends octet-counted RFC 5424 messages that a collector can split exactly', async () => {
    const c = await collector();
    const sink = createAlertSink(`syslog:tcp://127.0.0.1:${c.port}`, CTX);
    cleanup.push(() => sink.close());
    // A label with a newline and brackets must not break framing.
    for (let i = 0; i < 50; i++) sink.write({ ...FLOW_RECORD, row: i + 1, label: i === 7 ? 'multi\nline ] "x"' : 'neptune' });
    await c.received(50);
    await sink.flush();
    expect(c.messages).toHaveLength(50);
    c.messages.forEach((m, i) => {
      expect(m).toMatch(/^<130>1 \S+ sensor-1 anomalyze \d+ alert \[anomalyze@32473 /);
      expect(m).toContain(` row="${i + 1}" `);
    });
    expect(c.messages[7]).toContain('label="multi\nline \\] \\"x\\""');
    expect(sink.stats()).toMatchObject({ written: 50, delivered: 50, pending: 0, dropped: {} });
  });

  it('buffers while the collector is down, drops the oldest beyond the bound, and delivers the rest after reconnecting', async () => {
    // Find a free port, then leave it closed so that the first connection fails.
    const probe = await collector();
    const port = probe.port;
    await new Promise<void>((r) => probe.server.close(() => r()));
    const errors: string[] = [];
    const channel = new StreamChannel({ host: '127.0.0.1', port }, {
      framing: 'octet-counting', maxQueued: 5, reconnectMinMs: 20, reconnectMaxMs: 100, onError: (m) => errors.push(m), random: () => 0.5,
    });
    cleanup.push(() => channel.close());
    for (let i = 1; i <= 8; i++) channel.send(`message ${i}`);
    expect(channel.stats()).toMatchObject({ delivered: 0, pending: 5, dropped: { 'queue-full': 3 } });
    await expect.poll(() => errors.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(errors[0]).toMatch(new RegExp(`syslog tcp://127.0.0.1:${port}: .*ECONNREFUSED`));

    const c = await collector(port);
    await c.received(5);
    expect(c.messages).toEqual(['message 4', 'message 5', 'message 6', 'message 7', 'message 8']);
    await expect.poll(() => channel.stats().delivered, { timeout: 5000 }).toBe(5);

    // The collector drops the connection; later messages arrive on a new one.
    expect(c.connections()).toBe(1);
    for (const s of c.sockets) s.destroy();
    await expect.poll(() => c.connections(), { timeout: 5000 }).toBe(2);
    await expect.poll(() => channel.isConnected, { timeout: 5000 }).toBe(true);
    channel.send('after reconnect');
    await c.received(6);
    expect(c.messages[5]).toBe('after reconnect');
  });

  it('close() gives up after its deadline and counts what was still queued', async () => {
    const probe = await collector();
    await new Promise<void>((r) => probe.server.close(() => r()));
    const channel = new StreamChannel({ host: '127.0.0.1', port: probe.port }, { framing: 'octet-counting', closeTimeoutMs: 100, reconnectMinMs: 50 });
    channel.send('never delivered');
    channel.send('nor this');
    const started = Date.now();
    await channel.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(channel.stats()).toMatchObject({ delivered: 0, pending: 0, dropped: { closed: 2 } });
    channel.send('after close');
    expect(channel.stats().dropped.closed).toBe(3);
  });
});

describe('syslog over a Unix stream socket', () => {
  it('sends newline-framed messages by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomalyze-unix-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'syslog.sock');
    const chunks: Buffer[] = [];
    const server = createServer((s) => s.on('data', (d) => chunks.push(d)));
    server.listen(path);
    await once(server, 'listening');
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const sink = createAlertSink(`syslog:unix://${path}`, CTX);
    sink.write(FLOW_RECORD);
    sink.write(KDD_RECORD);
    await sink.close();
    await expect.poll(() => Buffer.concat(chunks).toString().split('\n').length, { timeout: 5000 }).toBe(3);
    const lines = Buffer.concat(chunks).toString().split('\n');
    expect(lines[0]).toMatch(/^<130>1 /);
    expect(lines[1]).toMatch(/^<133>1 .* row="3" /);
    expect(lines[2]).toBe('');
  });
});

describe('syslog over UDP', () => {
  it('sends one RFC 5424 message per datagram to a real socket', async () => {
    const server = createSocket('udp4');
    const got: string[] = [];
    server.on('message', (m) => got.push(m.toString('utf8')));
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = server.address().port;
    const sink = createAlertSink(`syslog:udp://127.0.0.1:${port}?facility=local3&app=ids`, CTX);
    sink.write(FLOW_RECORD);
    sink.write(KDD_RECORD);
    await sink.close();
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(2);
    expect(got[0]).toMatch(/^<154>1 2026-\S+ sensor-1 ids \d+ alert \[anomalyze@32473 severity="Critical" /); // local3.crit
    expect(got[1]).toMatch(/^<157>1 .* row="3" /); // local3.notice
    expect(sink.stats()).toMatchObject({ written: 2, delivered: 2, pending: 0 });
  });

  it('counts a datagram the kernel refuses as a send error', async () => {
    const channel = new UdpChannel('127.0.0.1', 9);
    channel.send('x'.repeat(70_000)); // over the UDP datagram limit
    await channel.flush();
    expect(channel.stats()).toMatchObject({ delivered: 0, dropped: { 'send-error': 1 } });
    expect(channel.stats().lastError).toMatch(/EMSGSIZE|too long/i);
    await channel.close();
  });
});
