// SocketInput: WebSocket messages as one byte stream, bounded by pausing the socket or,
// where a runtime cannot pause one (Deno, Workers), by failing past a hard limit.
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../src/server/problem.ts';
import { SocketInput } from '../../src/server/socket-input.ts';

const text = (chunks: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(chunks));

describe('SocketInput', () => {
  it('yields text, binary and Blob messages in order as bytes, then ends after what was queued', async () => {
    const input = new SocketInput({ high: 1 << 20, limit: 1 << 24 });
    input.push('a,b');
    input.push(new TextEncoder().encode(',c\nd').buffer);
    input.push(new Blob([',e\n']));
    input.push(''); // an empty piece is no data
    input.end();
    input.push('ignored after the end');
    const got: Uint8Array[] = [];
    for await (const c of input) got.push(c);
    expect(text(got)).toBe('a,b,c\nd,e\n');
  });

  it('pauses the socket above `high` queued bytes and resumes once half is taken', async () => {
    const calls: string[] = [];
    const input = new SocketInput({ high: 100, limit: 10_000, pause: () => calls.push('pause'), resume: () => calls.push('resume') });
    for (let i = 0; i < 5; i++) input.push('x'.repeat(30)); // 150 bytes queued
    expect(calls).toEqual(['pause']);
    const it = input[Symbol.asyncIterator]();
    await it.next(); // 120 left
    await it.next(); // 90
    expect(calls).toEqual(['pause']);
    await it.next(); // 60
    await it.next(); // 30 ≤ 50: read the socket again
    expect(calls).toEqual(['pause', 'resume']);
    expect(input.bytesQueued).toBe(30);
  });

  it('without a way to pause, input queued past `limit` fails the stream with a 429 problem', async () => {
    const input = new SocketInput({ high: 10, limit: 100 });
    input.push('x'.repeat(60));
    input.push('x'.repeat(60));
    expect(input.closed).toBe(true);
    const it = input[Symbol.asyncIterator]();
    const err = await it.next().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(HttpProblem);
    expect((err as HttpProblem).status).toBe(429);
    expect((err as HttpProblem).message).toMatch(/more than 100 bytes ahead of the alerts it has read/);
  });

  it('a consumer that stops early resumes a paused socket and drops what is queued', async () => {
    const calls: string[] = [];
    const input = new SocketInput({ high: 10, limit: 1000, pause: () => calls.push('pause'), resume: () => calls.push('resume') });
    input.push('x'.repeat(50));
    input.push('y'.repeat(50));
    for await (const _ of input) break;
    expect(calls).toEqual(['pause', 'resume']);
    expect(input.bytesQueued).toBe(0);
    expect(input.closed).toBe(true);
  });
});
