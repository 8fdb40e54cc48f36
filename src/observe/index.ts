// Metrics (Prometheus text format) and structured logs.

export { Registry, Counter, Gauge, Histogram, PROMETHEUS_CONTENT_TYPE, DEFAULT_BUCKETS, escapeLabelValue, escapeHelp, formatValue, type Labels } from './registry.ts';
export { DetectorMetrics, BATCH_LATENCY_BUCKETS } from './detector-metrics.ts';
export { createLogger, parseLogLevel, LOG_LEVELS, type Logger, type LogLevel, type LogFields, type LoggerOptions } from './logger.ts';
export { createTextLogger } from './text-logger.ts';
export { resolveLogOptions, openLogger, LogOptionError, LOG_FORMATS, LOG_FORMAT_ENV, LOG_LEVEL_ENV, type LogFormat, type LogOptions } from './log-options.ts';
