// A strict reader of the Prometheus text format 0.0.4, to check what we render
// by parsing it back line by line.

export interface ParsedSample { name: string; labels: Record<string, string>; value: number }
export interface ParsedFamily { name: string; help: string; type: string; samples: ParsedSample[] }

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';

export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  let current: ParsedFamily | null = null;
  text.slice(0, -1).split('\n').forEach((line, i) => {
    const where = `line ${i + 1} "${line}"`;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line))) {
      if (families.has(m[1])) throw new Error(`${where}: second HELP for ${m[1]}`);
      current = { name: m[1], help: unescape(m[2], false), type: '', samples: [] };
      families.set(m[1], current);
    } else if ((m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      if (!current || current.name !== m[1] || current.type) throw new Error(`${where}: TYPE must follow its HELP`);
      current.type = m[2];
    } else if ((m = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`).exec(line))) {
      if (!current) throw new Error(`${where}: sample before any family`);
      const fam: ParsedFamily = current;
      const suffixOk = fam.type === 'histogram' ? [`${fam.name}_bucket`, `${fam.name}_sum`, `${fam.name}_count`].includes(m[1]) : m[1] === fam.name;
      if (!suffixOk) throw new Error(`${where}: sample ${m[1]} does not belong to ${fam.name} (${fam.type})`);
      fam.samples.push({ name: m[1], labels: m[2] === undefined ? {} : parseLabels(m[2], where), value: parseValue(m[3], where) });
    } else {
      throw new Error(`${where}: not HELP, TYPE or a sample`);
    }
  });
  return families;
}

function parseLabels(text: string, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new Error(`${where}: bad label set at "${text.slice(pos)}"`);
    if (Object.hasOwn(out, m[1])) throw new Error(`${where}: label ${m[1]} twice`);
    out[m[1]] = unescape(m[2], true);
    pos = re.lastIndex;
  }
  return out;
}

function unescape(s: string, quotes: boolean): string {
  return s.replace(quotes ? /\\([\\"n])/g : /\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(s: string, where: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`${where}: bad value ${s}`);
  return Number(s);
}
