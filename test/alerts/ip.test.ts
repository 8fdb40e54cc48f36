import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIpAddress } from '../../src/alerts/ip.ts';

describe('isIpAddress (pure, for workerd and browsers)', () => {
  it('agrees with node:net on addresses and non-addresses', () => {
    const cases = ['127.0.0.1', '0.0.0.0', '255.255.255.255', '256.1.1.1', '1.2.3', '01.2.3.4', '::1', '::', 'fe80::1%eth0', '2001:db8::8a2e:370:7334',
      '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', '::ffff:192.0.2.1', 'gggg::1', 'example.test', '', ':', '1:2:3:4:5:6:7::'];
    for (const c of cases) expect([c, isIpAddress(c)]).toEqual([c, isIP(c) !== 0]);
  });
});
