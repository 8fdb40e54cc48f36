// Reported records as the detector makes them: one from a flow source (identity
// fields present), one from a KDD file (none).

import type { DetectionRecord } from '../../src/detect/report.ts';
import type { AlertContext } from '../../src/alerts/context.ts';

export const NOW = new Date('2026-12-03T10:00:00.000Z');

export const CTX: AlertContext = { model: 'm-1234abcd', threshold: 1.5, source: 'conn.log', host: 'sensor-1', now: NOW };

export const FLOW_RECORD: DetectionRecord = {
  row: 17,
  score: 12.345678,
  anomaly: true,
  confidence: 0.987654,
  severity: 'Critical',
  label: 'neptune',
  category: 'DoS',
  topFeatures: [
    { feature: 'serror_rate', value: 1, share: 0.5 },
    { feature: 'count', value: 511, share: 0.3 },
    { feature: 'service', value: 'private', share: 0.1 },
  ],
  time: '2026-12-03T09:59:58.123Z',
  duration: 0.25,
  protocol: 'tcp',
  src: '10.0.0.5',
  srcPort: 4444,
  dst: '10.0.0.9',
  dstPort: 22,
};

export const KDD_RECORD: DetectionRecord = {
  row: 3,
  score: 2.1,
  anomaly: true,
  confidence: 0.7,
  severity: 'Low',
  topFeatures: [{ feature: 'src_bytes', value: 491, share: 0.9 }],
};

export function withSrc(src: string, severity: DetectionRecord['severity'] = 'High', dst = '10.0.0.1'): DetectionRecord {
  return { ...FLOW_RECORD, src, dst, severity };
}
