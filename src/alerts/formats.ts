// The alert formats by name, each as a pair of renderers to one message: an
// alert, and a rate limiter's summary.

import type { DetectionRecord } from '../detect/report.ts';
import type { AlertContext } from './context.ts';
import { ecsAlert, ecsSuppression } from './ecs.ts';
import { eveAlert, eveSuppression } from './eve.ts';
import type { SuppressionSummary } from './suppression.ts';
import { syslogAlert, syslogSuppression, type SyslogOptions } from './syslog-message.ts';

export interface AlertFormat {
  alert(r: DetectionRecord, ctx: AlertContext): string;
  suppression(s: SuppressionSummary, ctx: AlertContext): string;
}

export const ECS_FORMAT: AlertFormat = {
  alert: (r, ctx) => JSON.stringify(ecsAlert(r, ctx)),
  suppression: (s, ctx) => JSON.stringify(ecsSuppression(s, ctx)),
};

export const EVE_FORMAT: AlertFormat = {
  alert: (r, ctx) => JSON.stringify(eveAlert(r, ctx)),
  suppression: (s, ctx) => JSON.stringify(eveSuppression(s, ctx)),
};

export function syslogFormat(opts: SyslogOptions = {}): AlertFormat {
  return {
    alert: (r, ctx) => syslogAlert(r, ctx, opts),
    suppression: (s, ctx) => syslogSuppression(s, ctx, opts),
  };
}
