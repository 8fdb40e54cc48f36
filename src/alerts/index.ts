// Alerts for running beside a sensor: formats (ECS, Suricata EVE, RFC 5424 syslog),
// transports (stdout/file lines, syslog UDP/TCP/Unix, webhook), rate limiting, and
// the --alerts spec factory.

export type { AlertContext } from './context.ts';
export type { AlertSink, AlertSinkStats, MessageChannel } from './sink.ts';
export { totalDropped } from './sink.ts';
export type { DeliveryFailure, DeliveryErrorHook } from './delivery-failure.ts';
export type { SuppressionSummary } from './suppression.ts';
export { suppressionText } from './suppression.ts';
export { ecsAlert, ecsSuppression, ECS_VERSION } from './ecs.ts';
export { eveAlert, eveSuppression, suricataTimestamp } from './eve.ts';
export { syslogAlert, syslogSuppression, escapeSdValue, facilityCode, DEFAULT_FACILITY, DEFAULT_SD_ID, type SyslogOptions } from './syslog-message.ts';
export { parseSyslogUrl, frame, type SyslogTarget } from './syslog-url.ts';
export { ECS_FORMAT, EVE_FORMAT, syslogFormat, type AlertFormat } from './formats.ts';
export { FormattedSink } from './formatted-sink.ts';
export { FanoutSink } from './fanout-sink.ts';
export { LineChannel, openAlertFile } from './line-channel.ts';
export { UdpChannel } from './udp-channel.ts';
export { StreamChannel, type StreamChannelOptions } from './stream-channel.ts';
export { WebhookChannel, type WebhookOptions } from './webhook-channel.ts';
export { RateLimiter, parseRateLimit, type RateLimitOptions } from './rate-limiter.ts';
export { RateLimitedSink } from './rate-limited-sink.ts';
export { parseAlertSpec, AlertSpecError, type AlertSpec } from './spec.ts';
export { createAlertSink, createAlertSinks, type CreateSinkOptions } from './create-sink.ts';
