import { describe, expect, it } from 'vitest';
import { ecsAlert, ecsSuppression } from '../../src/alerts/ecs.ts';
import { ECS_FORMAT } from '../../src/alerts/formats.ts';
import { CTX, FLOW_RECORD, KDD_RECORD, NOW } from './fixtures.ts';

describe('ECS alert', () => {
  it('maps a flow record to the ECS fields, exactly', () => {
    expect(ecsAlert(FLOW_RECORD, CTX)).toEqual({
      '@timestamp': '2026-12-03T09:59:58.123Z',
      ecs: { version: '8.11.0' },
      message: 'Anomalous connection 10.0.0.5:4444 → 10.0.0.9:22/tcp: severity Critical, score 12.35 (threshold 1.5)',
      event: {
        kind: 'alert',
        category: ['network'],
        type: ['connection'],
        severity: 4,
        risk_score: 99,
        dataset: 'anomalyze.alert',
        module: 'anomalyze',
        action: 'anomaly-detected',
        created: '2026-12-03T10:00:00.000Z',
        start: '2026-12-03T09:59:58.123Z',
        duration: 250_000_000,
      },
      source: { address: '10.0.0.5', ip: '10.0.0.5', port: 4444 },
      destination: { address: '10.0.0.9', ip: '10.0.0.9', port: 22 },
      network: { transport: 'tcp', iana_number: '6' },
      rule: { name: 'Anomalyze: anomalous network connection', ruleset: 'anomalyze', version: 'm-1234abcd' },
      observer: { type: 'ids', vendor: 'Anomalyze', product: 'Anomalyze', hostname: 'sensor-1' },
      anomalyze: {
        score: 12.345678, threshold: 1.5, anomaly: true, confidence: 0.987654, severity: 'Critical', model: 'm-1234abcd',
        row: 17, label: 'neptune', category: 'DoS', input: 'conn.log',
        top_features: [
          { feature: 'serror_rate', value: 1, share: 0.5 },
          { feature: 'count', value: 511, share: 0.3 },
          { feature: 'service', value: 'private', share: 0.1 },
        ],
      },
    });
  });

  it('leaves out identity fields a KDD record does not have, and stamps it with now', () => {
    const doc = ecsAlert(KDD_RECORD, { model: 'm', threshold: 2, now: NOW });
    expect(doc['@timestamp']).toBe('2026-12-03T10:00:00.000Z');
    expect(doc).not.toHaveProperty('source');
    expect(doc).not.toHaveProperty('destination');
    expect(doc).not.toHaveProperty('network');
    expect(doc.observer).toEqual({ type: 'ids', vendor: 'Anomalyze', product: 'Anomalyze' });
    expect(doc.event).toMatchObject({ kind: 'alert', severity: 1, risk_score: 21 });
    expect(doc.event).not.toHaveProperty('start');
    expect(doc.message).toBe('Anomalous connection row 3: severity Low, score 2.1 (threshold 2)');
    expect(doc.anomalyze).not.toHaveProperty('label');
    const line = ECS_FORMAT.alert(KDD_RECORD, { model: 'm', threshold: 2, now: NOW });
    expect(line).not.toContain('undefined');
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(doc);
  });

  it('puts a hostname in source.domain, not source.ip', () => {
    const doc = ecsAlert({ ...FLOW_RECORD, src: 'scanner.example', srcPort: undefined }, CTX);
    expect(doc.source).toEqual({ address: 'scanner.example', domain: 'scanner.example' });
  });

  it('renders a suppression summary as an alert event with the counts', () => {
    const doc = ecsSuppression({ key: '127.0.0.66', suppressed: 1243, maxSeverity: 'Critical', windowStart: NOW.getTime(), seconds: 60, at: NOW.getTime() + 60_000 }, CTX);
    expect(doc.message).toBe('127.0.0.66: 1,243 more alerts suppressed in the last 60 s, max severity Critical');
    expect(doc.event).toMatchObject({ kind: 'alert', action: 'alerts-suppressed', severity: 4, start: '2026-12-03T10:00:00.000Z', end: '2026-12-03T10:01:00.000Z' });
    expect(doc['@timestamp']).toBe('2026-12-03T10:01:00.000Z');
  });
});
