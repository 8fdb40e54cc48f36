import { describe, expect, it } from 'vitest';
import { escapeSdValue, facilityCode, sdElement, syslogAlert, syslogPri, syslogSuppression } from '../../src/alerts/syslog-message.ts';
import { CTX, FLOW_RECORD, KDD_RECORD, NOW } from './fixtures.ts';

// RFC 5424 §6: HEADER SP STRUCTURED-DATA [SP MSG]
const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[.*\]|-)(?: (.*))?$/s;

describe('RFC 5424 syslog message', () => {
  it('escapes ", \\ and ] in parameter values, and nothing else', () => {
    expect(escapeSdValue('a"b\\c]d[e=f')).toBe('a\\"b\\\\c\\]d[e=f');
    expect(sdElement('x@32473', [['v', 'say "hi" [ok] \\o/'], ['gone', undefined]])).toBe('[x@32473 v="say \\"hi\\" [ok\\] \\\\o/"]');
  });

  it('refuses names that would break the structured data', () => {
    expect(() => sdElement('bad id', [])).toThrow(/SD-ID/);
    expect(() => sdElement('ok', [['a=b', 1]])).toThrow(/parameter name/);
  });

  it('computes PRI from facility and our severity', () => {
    expect(syslogPri(16, 'Critical')).toBe(130); // local0.crit
    expect(syslogPri(4, 'Low')).toBe(37); // auth.notice
    expect(facilityCode(undefined)).toBe(16);
    expect(facilityCode('LOCAL5')).toBe(21);
    expect(facilityCode('10')).toBe(10);
    expect(() => facilityCode('local9')).toThrow(/Unknown syslog facility "local9".*local0/);
    expect(() => facilityCode(24)).toThrow(/0–23/);
  });

  it('builds the whole message for a flow record', () => {
    const msg = syslogAlert(FLOW_RECORD, CTX, { procId: 42 });
    expect(msg).toBe(
      '<130>1 2026-12-03T10:00:00.000Z sensor-1 anomalyze 42 alert '
      + '[anomalyze@32473 severity="Critical" score="12.3457" threshold="1.5" confidence="0.9877" model="m-1234abcd" row="17" '
      + 'time="2026-12-03T09:59:58.123Z" proto="tcp" src="10.0.0.5" srcPort="4444" dst="10.0.0.9" dstPort="22" label="neptune" '
      + 'category="DoS" input="conn.log" features="serror_rate=1 (50%), count=511 (30%), service=private (10%)"] '
      + 'Anomalous connection 10.0.0.5:4444 → 10.0.0.9:22/tcp: severity Critical, score 12.35 (threshold 1.5)',
    );
    const m = RFC5424.exec(msg)!;
    expect(m).not.toBeNull();
    expect(Buffer.from(m[8], 'utf8')[0]).not.toBe(0xef); // no BOM before MSG
  });

  it('omits absent fields for a KDD record and uses the chosen facility, app and SD-ID', () => {
    const msg = syslogAlert(KDD_RECORD, { model: 'm', threshold: 2, host: 'h', now: NOW }, { facility: 'auth', appName: 'ids', procId: 7, sdId: 'meta@1' });
    expect(msg).toBe('<37>1 2026-12-03T10:00:00.000Z h ids 7 alert [meta@1 severity="Low" score="2.1" threshold="2" confidence="0.7" model="m" row="3" features="src_bytes=491 (90%)"] Anomalous connection row 3: severity Low, score 2.1 (threshold 2)');
    expect(msg).not.toContain('undefined');
  });

  it('keeps header fields within the grammar and the message on one line', () => {
    const msg = syslogAlert({ ...KDD_RECORD, label: 'x]"\\' }, { model: 'm', threshold: 2, host: 'my host\n', now: NOW }, { procId: 1 });
    const m = RFC5424.exec(msg)!;
    expect(m[3]).toBe('my_host_');
    expect(msg).toContain('label="x\\]\\"\\\\"');
    expect(msg).not.toMatch(/[\r\n]/);
  });

  it('renders suppression summaries with MSGID "suppressed"', () => {
    const msg = syslogSuppression({ key: '127.0.0.66', suppressed: 1243, maxSeverity: 'High', windowStart: 0, seconds: 60, at: NOW.getTime() }, CTX, { procId: 1 });
    expect(msg).toBe('<131>1 2026-12-03T10:00:00.000Z sensor-1 anomalyze 1 suppressed [anomalyze@32473 suppressed="1243" key="127.0.0.66" maxSeverity="High" seconds="60" model="m-1234abcd"] 127.0.0.66: 1,243 more alerts suppressed in the last 60 s, max severity High');
  });
});
