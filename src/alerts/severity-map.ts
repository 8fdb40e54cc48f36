// Our five severities in the vocabularies of the formats we emit. Kept in one
// table so that the formats cannot disagree with each other.

import type { Severity } from '../model/scoring.ts';

interface SeverityInOtherTerms {
  /** Our own numeric code, 0 = Normal … 4 = Critical (ECS event.severity). */
  code: number;
  /** Elastic Security's risk score for its severity bands (low 21, medium 47, high 73, critical 99). */
  riskScore: number;
  /** Suricata alert.severity: 1 = high … 3 = low. */
  suricata: 1 | 2 | 3;
  /** RFC 5424 severity: 2 crit, 3 err, 4 warning, 5 notice, 6 info. */
  syslog: number;
}

export const SEVERITY_MAP: Record<Severity, SeverityInOtherTerms> = {
  Normal: { code: 0, riskScore: 0, suricata: 3, syslog: 6 },
  Low: { code: 1, riskScore: 21, suricata: 3, syslog: 5 },
  Medium: { code: 2, riskScore: 47, suricata: 2, syslog: 4 },
  High: { code: 3, riskScore: 73, suricata: 1, syslog: 3 },
  Critical: { code: 4, riskScore: 99, suricata: 1, syslog: 2 },
};

/** The more severe of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_MAP[a].code >= SEVERITY_MAP[b].code ? a : b;
}
