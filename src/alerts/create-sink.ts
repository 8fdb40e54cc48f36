// From --alerts specs to one AlertSink: open each destination, put them behind
// one fan-out and, when asked, a rate limit.

import type { Writable } from 'node:stream';
import type { AlertContext } from './context.ts';
import type { DeliveryErrorHook } from './delivery-failure.ts';
import { FanoutSink } from './fanout-sink.ts';
import { FormattedSink } from './formatted-sink.ts';
import { ECS_FORMAT, EVE_FORMAT, syslogFormat, type AlertFormat } from './formats.ts';
import { LineChannel, openAlertFile } from './line-channel.ts';
import { RateLimitedSink } from './rate-limited-sink.ts';
import { parseRateLimit, RateLimiter, type RateLimitOptions } from './rate-limiter.ts';
import type { AlertSink, MessageChannel } from './sink.ts';
import { AlertSpecError, parseAlertSpec, type AlertSpec } from './spec.ts';
import { StreamChannel, type StreamChannelOptions } from './stream-channel.ts';
import { UdpChannel } from './udp-channel.ts';
import { WebhookChannel, type WebhookOptions } from './webhook-channel.ts';

export interface CreateSinkOptions {
  /** Where "-" writes; default process.stdout. */
  stdout?: Writable;
  /** Format of the webhook's alerts; default ECS. */
  webhookFormat?: 'ecs' | 'eve';
  webhook?: WebhookOptions;
  /** TCP/Unix syslog reconnect and queue settings (framing comes from the URL). */
  syslogStream?: Omit<StreamChannelOptions, 'framing'>;
  /** Told about delivery failures (syslog reconnects and UDP send errors, webhook attempts) as they happen. */
  onError?: DeliveryErrorHook;
  /** ms since the epoch, for the alerts' timestamps; injected by tests. */
  clock?: () => number;
}

export function createAlertSink(spec: string | AlertSpec, ctx: Omit<AlertContext, 'now'>, opts: CreateSinkOptions = {}): AlertSink {
  const s = typeof spec === 'string' ? parseAlertSpec(spec) : spec;
  const { channel, format } = open(s, opts);
  return new FormattedSink(s.spec, format, channel, ctx, opts.clock);
}

/**
 * Every spec checked first (nothing opened if one is wrong), then opened and put behind
 * one sink; rateLimit ("10/60s[:pair]" or options) limits them all with one limiter.
 */
export function createAlertSinks(
  specs: string[], ctx: Omit<AlertContext, 'now'>, opts: CreateSinkOptions & { rateLimit?: string | RateLimitOptions } = {},
): AlertSink {
  if (specs.length === 0) throw new AlertSpecError('No --alerts destination given.');
  const parsed = specs.map(parseAlertSpec);
  const stdoutUsers = parsed.filter((p) => 'path' in p && p.path === '-');
  if (stdoutUsers.length > 1) throw new AlertSpecError(`Only one --alerts can write to stdout ("-"); got ${stdoutUsers.map((p) => p.spec).join(' and ')}.`);
  let limit: RateLimitOptions | undefined;
  try {
    limit = typeof opts.rateLimit === 'string' ? { ...parseRateLimit(opts.rateLimit), now: opts.clock } : opts.rateLimit;
  } catch (err) {
    throw new AlertSpecError((err as Error).message);
  }
  const sinks: AlertSink[] = [];
  try {
    for (const p of parsed) sinks.push(createAlertSink(p, ctx, opts));
  } catch (err) {
    void Promise.allSettled(sinks.map((s) => s.close()));
    throw err;
  }
  const all = sinks.length === 1 ? sinks[0] : new FanoutSink(sinks);
  return limit ? new RateLimitedSink(all, new RateLimiter(limit)) : all;
}

function open(s: AlertSpec, opts: CreateSinkOptions): { channel: MessageChannel; format: AlertFormat } {
  switch (s.format) {
    case 'ecs':
    case 'eve': {
      const format = s.format === 'ecs' ? ECS_FORMAT : EVE_FORMAT;
      if (s.path === '-') return { format, channel: new LineChannel(opts.stdout ?? process.stdout, { endOnClose: false }) };
      return { format, channel: new LineChannel(openAlertFile(s.path), { endOnClose: true }) };
    }
    case 'syslog': {
      const t = s.target;
      const format = syslogFormat(t.message);
      if (t.transport === 'udp') return { format, channel: new UdpChannel(t.host, t.port, opts.onError) };
      const endpoint = t.transport === 'tcp' ? { host: t.host, port: t.port } : { path: t.path };
      return { format, channel: new StreamChannel(endpoint, { onError: opts.onError, ...opts.syslogStream, framing: t.framing }) };
    }
    case 'webhook':
      return {
        format: opts.webhookFormat === 'eve' ? EVE_FORMAT : ECS_FORMAT,
        channel: new WebhookChannel(s.url, { onError: opts.onError, ...opts.webhook }),
      };
  }
}
