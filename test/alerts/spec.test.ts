import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertSink, createAlertSinks } from '../../src/alerts/create-sink.ts';
import { parseAlertSpec } from '../../src/alerts/spec.ts';
import { CTX, FLOW_RECORD, KDD_RECORD, withSrc } from './fixtures.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('--alerts specs', () => {
  it('parses each kind', () => {
    expect(parseAlertSpec('ecs:-')).toEqual({ spec: 'ecs:-', format: 'ecs', path: '-' });
    expect(parseAlertSpec('eve:/var/log/eve.json')).toEqual({ spec: 'eve:/var/log/eve.json', format: 'eve', path: '/var/log/eve.json' });
    expect(parseAlertSpec('syslog:udp://127.0.0.1:514')).toMatchObject({ format: 'syslog', target: { transport: 'udp', host: '127.0.0.1', port: 514 } });
    expect(parseAlertSpec('syslog:tcp://[::1]')).toMatchObject({ target: { transport: 'tcp', host: '::1', port: 514, framing: 'octet-counting' } });
    expect(parseAlertSpec('syslog:tcp://h:601?framing=lf&facility=auth')).toMatchObject({ target: { framing: 'lf', message: { facility: 'auth' } } });
    expect(parseAlertSpec('syslog:unix:///dev/log')).toMatchObject({ target: { transport: 'unix', path: '/dev/log', framing: 'lf' } });
    expect(parseAlertSpec('webhook:https://hooks.example/a?b=1')).toEqual({ spec: 'webhook:https://hooks.example/a?b=1', format: 'webhook', url: 'https://hooks.example/a?b=1' });
  });

  it.each([
    ['alerts.json', /needs a format and a target separated by ":"/],
    ['ecs:', /has no target after "ecs:"/],
    ['json:-', /unknown format "json"\. Use ecs:-/],
    ['syslog:127.0.0.1:514', /transport "127\.0\.0\.1"|not a syslog URL/],
    ['syslog:tls://h:6514', /TLS \(RFC 5425\) is not supported/],
    ['syslog:udp://h:514?framing=lf', /framing applies to tcp and unix only/],
    ['syslog:udp://h:514?facility=local9', /Unknown syslog facility "local9"/],
    ['syslog:udp://h:514?colour=red', /unknown parameter "colour"/],
    ['syslog:unix://dev/log', /three slashes/],
    ['webhook:ftp://x/y', /must start with http:\/\/ or https:\/\//],
    ['webhook:not a url', /is not a URL/],
  ])('rejects %s with a message that says what to do', (spec, message) => {
    expect(() => parseAlertSpec(spec)).toThrow(message);
  });

  it('writes ECS lines to stdout and EVE lines appended to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anomalyze-alerts-'));
    dirs.push(dir);
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    const file = join(dir, 'eve.json');
    const sink = createAlertSinks(['ecs:-', `eve:${file}`], CTX, { stdout, clock: () => Date.parse('2026-12-03T10:00:00Z') });
    sink.write(FLOW_RECORD);
    sink.write(KDD_RECORD);
    await sink.close();
    const ecs = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(ecs.map((d) => d.anomalyze.row)).toEqual([17, 3]);
    const eve = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(eve.map((d) => d.event_type)).toEqual(['alert', 'alert']);
    expect(eve[1].timestamp).toBe('2026-12-03T10:00:00.000000+0000');
    expect(sink.stats()).toMatchObject({ written: 4, delivered: 4, pending: 0 });
  });

  it('applies one rate limit to every destination', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    let t = 0;
    const sink = createAlertSinks(['ecs:-'], CTX, { stdout, rateLimit: '2/60s', clock: () => t });
    for (let i = 0; i < 5; i++) sink.write(withSrc('203.0.113.9', 'High'));
    t = 60_000;
    await sink.flush();
    await sink.close();
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event.action)).toEqual(['anomaly-detected', 'anomaly-detected', 'alerts-suppressed']);
    expect(lines[2].message).toBe('203.0.113.9: 3 more alerts suppressed in the last 60 s, max severity High');
  });

  it('checks every spec before opening anything, and reports unopenable files clearly', () => {
    expect(() => createAlertSinks(['ecs:-', 'eve:-'], CTX)).toThrow(/Only one --alerts can write to stdout/);
    expect(() => createAlertSinks(['ecs:-', 'bogus'], CTX)).toThrow(/needs a format/);
    expect(() => createAlertSinks([], CTX)).toThrow(/No --alerts destination/);
    expect(() => createAlertSinks(['ecs:-'], CTX, { rateLimit: 'lots' })).toThrow(/Rate limit "lots"/);
    expect(() => createAlertSink('ecs:/nonexistent-dir/x/alerts.json', CTX)).toThrow(/Cannot open the alerts file \/nonexistent-dir\/x\/alerts.json for appending \(ENOENT\)/);
  });
});
