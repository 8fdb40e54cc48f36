// GET /api/stream/ws: the live feed of POST /api/stream over a WebSocket. Messages in
// (text or binary, any split: they are one byte stream, like a request body), one
// message per alert out, then a {summary, metrics} message and close 1000. The
// detection is stream.ts's liveJob; this file only adapts it to a socket, through
// Hono's WSEvents, so every runtime's upgradeWebSocket drives the same code.
//
// Backpressure: between input chunks the scorer waits while more than WS_BUFFER bytes
// of alerts are queued on the socket (its bufferedAmount); waiting, it takes no input,
// so SocketInput fills and pauses the socket where the runtime can (Node's ws), and
// TCP then holds the client back. Where it cannot, input queued past INPUT_LIMIT
// closes the stream with 1008 rather than grow.

import type { WSContext, WSEvents, WSMessageReceive } from 'hono/ws';
import { InputError } from '../data/errors.ts';
import { asProblem } from './detect.ts';
import { toProblem, type Problem } from './problem.ts';
import type { StreamQuery } from './schemas.ts';
import { SocketInput } from './socket-input.ts';
import { liveJob, type StreamSettings } from './stream.ts';

/** Bytes of alert messages queued on the socket before the server stops taking input. */
export const WS_BUFFER = 1 << 20;
/** Input bytes queued ahead of the scorer before the socket is paused. */
export const INPUT_HIGH = 1 << 20;
/** Input bytes queued at most where the socket cannot be paused; past it, close 1008. */
export const INPUT_LIMIT = 16 << 20;
/** How often a full socket is looked at again (WebSockets have no drain event). */
const POLL_MS = 10;

/** The parts of a runtime's server-side socket used for flow control, where it has them. */
interface RawSocket {
  bufferedAmount?: number;
  binaryType?: string;
  pause?: () => void;
  resume?: () => void;
}

const OPEN = 1;

/** RFC 6455 close codes for a problem: bad data 1007, refused 1008, our fault 1011. */
export function closeCode(status: number): number {
  if (status === 400 || status === 422) return 1007;
  if (status >= 500) return 1011;
  return 1008;
}

/** The events for one connection (createEvents for Hono's upgradeWebSocket). */
export function streamSocket(query: StreamQuery, s: StreamSettings): WSEvents {
  let ws: WSContext | undefined;
  let raw: RawSocket = {};
  let ended = false; // the client sent the empty end-of-input message
  const input = new SocketInput({
    high: INPUT_HIGH,
    limit: INPUT_LIMIT,
    pause: () => raw.pause?.(),
    resume: () => raw.resume?.(),
  });

  // Workers' adapter has no open event: the first event of any kind starts the stream.
  const start = (socket: WSContext) => {
    if (ws) return;
    ws = socket;
    raw = (socket.raw ?? {}) as RawSocket;
    if (raw.binaryType === 'blob') raw.binaryType = 'arraybuffer';
    void run(socket, input, query, s, () => ended);
  };

  return {
    onOpen: (_evt, socket) => start(socket),
    onMessage: (evt, socket) => {
      start(socket);
      if (ended) return;
      const data = evt.data as WSMessageReceive;
      if (isEmpty(data)) {
        ended = true; // "that was all": score the rest, send it, close
        input.end();
        return;
      }
      input.push(data as string | ArrayBuffer | Blob);
    },
    // The client is gone (or going): score what it sent; alerts go out only while the socket is open.
    onClose: (_evt, socket) => { start(socket); input.end(); },
    onError: (_evt, socket) => { start(socket); input.end(); },
  };
}

function isEmpty(data: WSMessageReceive): boolean {
  if (typeof data === 'string') return data.length === 0;
  if (data instanceof Blob) return data.size === 0;
  return data.byteLength === 0;
}

async function run(ws: WSContext, input: SocketInput, query: StreamQuery, s: StreamSettings, ended: () => boolean): Promise<void> {
  const raw = (ws.raw ?? {}) as RawSocket;
  const open = () => ws.readyState === OPEN;
  const send = (text: string) => { if (open()) ws.send(text); };
  const drained = async () => {
    while (open() && (raw.bufferedAmount ?? 0) > WS_BUFFER) await new Promise((r) => setTimeout(r, POLL_MS));
  };
  try {
    const report = await liveJob(input, query, s)((r) => send(JSON.stringify(r)), drained, () => {});
    send(JSON.stringify({ summary: report.summary, metrics: report.metrics }));
    if (open()) ws.close(1000, ended() ? 'end of input' : `no input for ${s.idleMs / 1000} s`);
  } catch (err) {
    const { problem, internal } = toProblem(err instanceof InputError ? asProblem(err, false) : err);
    if (internal) s.log('stream: error in a WebSocket stream', err);
    send(JSON.stringify({ problem }));
    if (open()) ws.close(closeCode(problem.status), reasonOf(problem));
  }
}

/** A close reason is at most 123 bytes of UTF-8: the problem's title fits. */
function reasonOf(p: Problem): string {
  const enc = new TextEncoder();
  let r = p.title;
  while (enc.encode(r).length > 123) r = r.slice(0, -1);
  return r;
}
