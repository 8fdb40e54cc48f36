// KDD service names (NSL-KDD column 3) from a connection's ports, shared by
// every traffic source (pcap, Zeek conn.log, flow CSV) so that the same traffic
// gets the same one-hot column whichever tool recorded it.

/** TCP responder ports with a KDD service name (IANA assignments of the late 1990s). */
const TCP_SERVICES: ReadonlyMap<number, string> = new Map([
  [7, 'echo'], [9, 'discard'], [11, 'systat'], [13, 'daytime'], [15, 'netstat'],
  [20, 'ftp_data'], [21, 'ftp'], [22, 'ssh'], [23, 'telnet'], [25, 'smtp'],
  [37, 'time'], [42, 'name'], [43, 'whois'], [53, 'domain'], [57, 'mtp'],
  [70, 'gopher'], [71, 'remote_job'], [72, 'remote_job'], [73, 'remote_job'], [74, 'remote_job'],
  [77, 'rje'], [79, 'finger'], [80, 'http'], [84, 'ctf'], [95, 'supdup'],
  [101, 'hostnames'], [102, 'iso_tsap'], [105, 'csnet_ns'], [109, 'pop_2'], [110, 'pop_3'],
  [111, 'sunrpc'], [113, 'auth'], [117, 'uucp_path'], [119, 'nntp'], [137, 'netbios_ns'],
  [138, 'netbios_dgm'], [139, 'netbios_ssn'], [143, 'imap4'], [150, 'sql_net'], [175, 'vmnet'],
  [179, 'bgp'], [194, 'IRC'], [210, 'Z39_50'], [245, 'link'], [389, 'ldap'],
  [433, 'nnsp'], [443, 'http_443'], [512, 'exec'], [513, 'login'], [514, 'shell'],
  [515, 'printer'], [520, 'efs'], [530, 'courier'], [540, 'uucp'], [543, 'klogin'],
  [544, 'kshell'], [2784, 'http_2784'], [5190, 'aol'], [6665, 'IRC'], [6666, 'IRC'],
  [6667, 'IRC'], [6668, 'IRC'], [6669, 'IRC'], [8001, 'http_8001'],
]);

/** UDP: KDD names only these three; everything else is private or other. */
const UDP_SERVICES: ReadonlyMap<number, string> = new Map([
  [53, 'domain_u'], [69, 'tftp_u'], [123, 'ntp_u'],
]);

/**
 * KDD service of a connection. For ICMP, pass Zeek's port convention: origPort is
 * the ICMP type and respPort the code (ICMPv4 numbering: translate ICMPv6 types
 * with icmp6AsIcmp4Type first).
 *
 * Ports without a KDD name (KDD's tools are not public, so this rule is ours):
 * 'private' below 1024 — NSL-KDD files SNMP (161/udp) and most scans of
 * privileged ports there — and in the IANA dynamic/private range 49152–65535;
 * 'other' for the registered range 1024–49151. X11 is 6000–6063.
 * ICMP types other than echo, unreachable, timestamp and redirect give 'oth_i'
 * (KDD Cup 1999's name; NSL-KDD's training file has none).
 * Not produced: harvest and pm_dump (their ports are unknown) and urh_i.
 */
export function kddService(protocol: 'tcp' | 'udp' | 'icmp', respPort: number, origPort?: number): string {
  if (protocol === 'icmp') return icmpService(origPort ?? -1);
  if (protocol === 'tcp') {
    const name = TCP_SERVICES.get(respPort);
    if (name !== undefined) return name;
    // Active-mode FTP data connections are opened by the server from port 20.
    if (origPort === 20) return 'ftp_data';
    if (respPort >= 6000 && respPort <= 6063) return 'X11';
  } else {
    const name = UDP_SERVICES.get(respPort);
    if (name !== undefined) return name;
  }
  return respPort < 1024 || respPort >= 49152 ? 'private' : 'other';
}

function icmpService(type: number): string {
  switch (type) {
    case 8: return 'eco_i'; // echo request
    case 0: return 'ecr_i'; // echo reply
    case 3: return 'urp_i'; // destination unreachable
    case 13: case 14: return 'tim_i'; // timestamp request / reply
    case 5: return 'red_i'; // redirect
    default: return 'oth_i';
  }
}

/** The ICMPv4 type with the same meaning as an ICMPv6 type (-1 when there is none). */
export function icmp6AsIcmp4Type(type: number): number {
  switch (type) {
    case 128: return 8;
    case 129: return 0;
    case 1: return 3;
    case 137: return 5;
    default: return -1;
  }
}
