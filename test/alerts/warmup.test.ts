// A warm-up record (its traffic windows were still filling) was judged by the model's
// warm-up threshold: every alert format reports that threshold, and says warmup.
import { describe, expect, it } from 'vitest';
import { modelContext, recordThreshold } from '../../src/alerts/context.ts';
import { ecsAlert } from '../../src/alerts/ecs.ts';
import { eveAlert } from '../../src/alerts/eve.ts';
import { syslogAlert } from '../../src/alerts/syslog-message.ts';
import { CTX, FLOW_RECORD } from './fixtures.ts';

const ctx = { ...CTX, warmupThreshold: 4 };
const warm = { ...FLOW_RECORD, warmup: true };

describe('warm-up records in alerts', () => {
  it('reports the threshold the record was judged by', () => {
    expect(recordThreshold(warm, ctx)).toBe(4);
    expect(recordThreshold(FLOW_RECORD, ctx)).toBe(1.5);
    expect(recordThreshold(warm, CTX)).toBe(1.5); // a model without a warm-up threshold
    const ecs = ecsAlert(warm, ctx) as { message: string; anomalyze: Record<string, unknown> };
    expect(ecs.anomalyze.threshold).toBe(4);
    expect(ecs.anomalyze.warmup).toBe(true);
    expect(ecs.message).toContain('(threshold 4)');
    expect((ecsAlert(FLOW_RECORD, ctx) as { anomalyze: Record<string, unknown> }).anomalyze.warmup).toBeUndefined();
    const eve = eveAlert(warm, ctx) as { alert: { signature: string }; anomalyze: Record<string, unknown> };
    expect(eve.anomalyze.threshold).toBe(4);
    expect(eve.anomalyze.warmup).toBe(true);
    expect(eve.alert.signature).toContain('threshold 4)');
    expect(syslogAlert(warm, ctx)).toContain('threshold="4"');
  });

  it('takes both thresholds from the model', () => {
    expect(modelContext({ id: 'm', scoring: { threshold: 2, warmupThreshold: 5 } }, { source: 's' }))
      .toEqual({ source: 's', model: 'm', threshold: 2, warmupThreshold: 5 });
    expect(modelContext({ id: 'm', scoring: { threshold: 2 } })).toEqual({ model: 'm', threshold: 2 });
  });
});
