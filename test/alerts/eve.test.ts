import { describe, expect, it } from 'vitest';
import { eveAlert, eveSuppression, suricataTimestamp } from '../../src/alerts/eve.ts';
import { EVE_FORMAT } from '../../src/alerts/formats.ts';
import { CTX, FLOW_RECORD, KDD_RECORD, NOW } from './fixtures.ts';

describe('Suricata EVE alert', () => {
  it('formats timestamps the way Suricata does', () => {
    expect(suricataTimestamp(new Date('2026-12-03T10:00:00.000Z'))).toBe('2026-12-03T10:00:00.000000+0000');
    expect(suricataTimestamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678000+0000');
    expect(() => suricataTimestamp(new Date('nope'))).toThrow(/invalid date/);
  });

  it('maps a flow record to EVE fields, exactly and in Suricata key order', () => {
    const doc = eveAlert(FLOW_RECORD, CTX);
    expect(doc).toEqual({
      timestamp: '2026-12-03T09:59:58.123000+0000',
      host: 'sensor-1',
      event_type: 'alert',
      src_ip: '10.0.0.5',
      src_port: 4444,
      dest_ip: '10.0.0.9',
      dest_port: 22,
      proto: 'TCP',
      alert: {
        action: 'allowed', gid: 1, signature_id: 1000004, rev: 1,
        signature: 'ANOMALYZE Critical anomalous connection (score 12.35, threshold 1.5)',
        category: 'Potentially Bad Traffic', severity: 1,
      },
      anomalyze: {
        message: 'Anomalous connection 10.0.0.5:4444 → 10.0.0.9:22/tcp: severity Critical, score 12.35 (threshold 1.5)',
        score: 12.345678, threshold: 1.5, anomaly: true, confidence: 0.987654, severity: 'Critical', model: 'm-1234abcd',
        row: 17, duration: 0.25, label: 'neptune', category: 'DoS', input: 'conn.log',
        top_features: FLOW_RECORD.topFeatures,
      },
    });
    expect(Object.keys(doc).slice(0, 8)).toEqual(['timestamp', 'host', 'event_type', 'src_ip', 'src_port', 'dest_ip', 'dest_port', 'proto']);
  });

  it('maps our severities onto Suricata 1 (high) … 3 (low)', () => {
    const sev = (s: typeof FLOW_RECORD.severity) => (eveAlert({ ...FLOW_RECORD, severity: s }, CTX).alert as { severity: number }).severity;
    expect([sev('Critical'), sev('High'), sev('Medium'), sev('Low')]).toEqual([1, 1, 2, 3]);
  });

  it('gives valid output without identity fields (KDD), omitting them', () => {
    const line = EVE_FORMAT.alert(KDD_RECORD, { model: 'm', threshold: 2, now: NOW });
    expect(line).not.toContain('undefined');
    const doc = JSON.parse(line);
    expect(doc.timestamp).toBe('2026-12-03T10:00:00.000000+0000');
    expect(doc.event_type).toBe('alert');
    for (const k of ['src_ip', 'src_port', 'dest_ip', 'dest_port', 'proto', 'host']) expect(doc).not.toHaveProperty(k);
    expect(doc.alert).toMatchObject({ signature_id: 1000001, severity: 3 });
  });

  it('summarises suppressed alerts with their own signature', () => {
    const doc = eveSuppression({ key: '127.0.0.66', suppressed: 2, maxSeverity: 'Medium', windowStart: 0, seconds: 60, at: NOW.getTime() }, CTX);
    expect(doc.alert).toMatchObject({ signature_id: 1000010, severity: 2, signature: 'ANOMALYZE alerts suppressed: 127.0.0.66: 2 more alerts suppressed in the last 60 s, max severity Medium' });
  });
});
