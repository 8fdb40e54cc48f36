// --alerts specs, as the CLI takes them: <format>:<target>
//   ecs:-                     ECS JSON lines on stdout
//   ecs:/var/log/anomalyze/alerts.ndjson   appended to a file
//   eve:-  eve:/var/log/anomalyze/eve.json Suricata EVE JSON lines
//   syslog:udp://127.0.0.1:514  syslog:tcp://host:6514  syslog:unix:///run/syslog.sock
//   webhook:https://hooks.example/anomalyze
// Parsing is separate from opening, so that every spec is checked before any socket opens.

import { parseSyslogUrl, type SyslogTarget } from './syslog-url.ts';

export type AlertSpec =
  | { spec: string; format: 'ecs' | 'eve'; path: '-' | string }
  | { spec: string; format: 'syslog'; target: SyslogTarget }
  | { spec: string; format: 'webhook'; url: string };

export class AlertSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertSpecError';
  }
}

const USAGE = 'Use ecs:- or ecs:<file>, eve:- or eve:<file>, syslog:udp://host:port (or tcp://, unix:///path), webhook:https://…';

export function parseAlertSpec(text: string): AlertSpec {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new AlertSpecError(`--alerts "${text}" needs a format and a target separated by ":". ${USAGE}.`);
  const format = text.slice(0, colon).toLowerCase();
  const target = text.slice(colon + 1);
  if (target === '') throw new AlertSpecError(`--alerts "${text}" has no target after "${format}:". ${USAGE}.`);
  switch (format) {
    case 'ecs':
    case 'eve':
      return { spec: text, format, path: target };
    case 'syslog':
      try {
        return { spec: text, format, target: parseSyslogUrl(target) };
      } catch (err) {
        throw new AlertSpecError(`--alerts "${text}": ${(err as Error).message}`);
      }
    case 'webhook': {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        throw new AlertSpecError(`--alerts "${text}": "${target}" is not a URL; write webhook:https://host/path.`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new AlertSpecError(`--alerts "${text}": a webhook URL must start with http:// or https://, not ${url.protocol}//.`);
      }
      return { spec: text, format, url: url.href };
    }
    default:
      throw new AlertSpecError(`--alerts "${text}": unknown format "${format}". ${USAGE}.`);
  }
}
