// Whether a string is an IPv4 or IPv6 address (ECS puts addresses in source.ip and
// names in source.domain). Pure, without node:net, so the formats also run in
// workerd and browsers.

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpAddress(s: string): boolean {
  if (V4.test(s)) return true;
  if (!s.includes(':')) return false;
  const [addr, zone] = s.split('%');
  if (zone !== undefined && !/^[\w.-]+$/.test(zone)) return false;
  let text = addr;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let groups = 8;
  if (tail.includes('.')) { // an embedded IPv4 address ends the address
    if (!V4.test(tail)) return false;
    text = text.slice(0, lastColon + 1) + '0';
    groups = 7;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const parts = halves.map((h) => (h === '' ? [] : h.split(':')));
  if (parts.some((p) => p.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g)))) return false;
  const count = parts.reduce((n, p) => n + p.length, 0);
  return halves.length === 2 ? count < groups : count === groups;
}
