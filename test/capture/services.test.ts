import { describe, expect, it } from 'vitest';
import { icmp6AsIcmp4Type, kddService } from '../../src/capture/services.ts';

describe('kddService', () => {
  it.each([
    ['tcp', 80, 'http'], ['tcp', 21, 'ftp'], ['tcp', 20, 'ftp_data'], ['tcp', 22, 'ssh'], ['tcp', 23, 'telnet'],
    ['tcp', 25, 'smtp'], ['tcp', 53, 'domain'], ['udp', 53, 'domain_u'], ['udp', 123, 'ntp_u'], ['udp', 69, 'tftp_u'],
    ['tcp', 443, 'http_443'], ['tcp', 8001, 'http_8001'], ['tcp', 2784, 'http_2784'], ['tcp', 110, 'pop_3'],
    ['tcp', 109, 'pop_2'], ['tcp', 143, 'imap4'], ['tcp', 79, 'finger'], ['tcp', 113, 'auth'], ['tcp', 111, 'sunrpc'],
    ['tcp', 137, 'netbios_ns'], ['tcp', 138, 'netbios_dgm'], ['tcp', 139, 'netbios_ssn'], ['tcp', 389, 'ldap'],
    ['tcp', 515, 'printer'], ['tcp', 37, 'time'], ['tcp', 43, 'whois'], ['tcp', 540, 'uucp'], ['tcp', 194, 'IRC'],
    ['tcp', 6667, 'IRC'], ['tcp', 6000, 'X11'], ['tcp', 6063, 'X11'], ['tcp', 6064, 'other'],
    ['tcp', 1023, 'private'], ['udp', 161, 'private'], ['tcp', 5432, 'other'], ['udp', 40000, 'other'],
    ['tcp', 49152, 'private'], ['udp', 65535, 'private'], ['udp', 80, 'private'],
  ] as const)('%s %i → %s', (protocol, port, name) => {
    expect(kddService(protocol, port)).toBe(name);
  });

  it('active FTP data comes from port 20', () => {
    expect(kddService('tcp', 40123, 20)).toBe('ftp_data');
  });

  it('ICMP: origPort is the type, respPort the code', () => {
    expect([8, 0, 3, 13, 14, 5, 11].map((type) => kddService('icmp', 0, type))).toEqual(['eco_i', 'ecr_i', 'urp_i', 'tim_i', 'tim_i', 'red_i', 'oth_i']);
    expect(kddService('icmp', 0, icmp6AsIcmp4Type(128))).toBe('eco_i');
    expect(kddService('icmp', 0, icmp6AsIcmp4Type(135))).toBe('oth_i');
  });
});
