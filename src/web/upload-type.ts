// The Content-Type a file is uploaded with in server mode. The API recognises captures
// and Zeek logs by their content, but only accepts media types it lists, so a capture
// must not go up as text/csv (nor as the browser's guess, often empty or text/plain).

const BY_EXTENSION: Record<string, string> = {
  pcap: 'application/vnd.tcpdump.pcap',
  cap: 'application/vnd.tcpdump.pcap',
  pcapng: 'application/vnd.tcpdump.pcap-ng',
  log: 'text/x-zeek-conn-log',
  ndjson: 'application/x-ndjson',
  // conn.log as JSON lines (Zeek's LogAscii::use_json); the API's application/json means {"records": [...]}.
  json: 'application/x-ndjson',
  tsv: 'text/tab-separated-values',
};

export function uploadType(file: { name: string }): string {
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION[ext] ?? 'text/csv';
}
