/** Attack taxonomy of KDD Cup 99 / NSL-KDD (training and test-set attack names). */
export type AttackCategory = 'normal' | 'dos' | 'probe' | 'r2l' | 'u2r' | 'unknown';

const GROUPS: Record<Exclude<AttackCategory, 'normal' | 'unknown'>, readonly string[]> = {
  dos: ['back', 'land', 'neptune', 'pod', 'smurf', 'teardrop', 'apache2', 'mailbomb', 'processtable', 'udpstorm'],
  probe: ['ipsweep', 'nmap', 'portsweep', 'satan', 'mscan', 'saint'],
  r2l: [
    'ftp_write', 'guess_passwd', 'imap', 'multihop', 'phf', 'spy', 'warezclient', 'warezmaster',
    'sendmail', 'named', 'snmpgetattack', 'snmpguess', 'xlock', 'xsnoop', 'worm',
  ],
  u2r: ['buffer_overflow', 'loadmodule', 'perl', 'rootkit', 'httptunnel', 'ps', 'sqlattack', 'xterm'],
};

const CATEGORY = new Map<string, AttackCategory>([['normal', 'normal']]);
for (const [cat, names] of Object.entries(GROUPS)) {
  for (const n of names) CATEGORY.set(n, cat as AttackCategory);
}

/** Trim, lower-case and drop KDD'99's trailing '.' ("smurf." → "smurf"). */
export function normalizeLabel(label: string): string {
  const s = label.trim().toLowerCase();
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

export function attackCategory(label: string): AttackCategory {
  return CATEGORY.get(normalizeLabel(label)) ?? 'unknown';
}

/** Anything that is not 'normal' counts as an attack, including unknown names. */
export function isAttackLabel(label: string): boolean {
  return normalizeLabel(label) !== 'normal';
}
