import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineChannel } from '../../src/alerts/line-channel.ts';

describe('LineChannel', () => {
  it('counts lines as delivered by the time close() returns, even on a stream that writes at once', async () => {
    // Like stdout on a file or a pipe: nothing stays buffered, the callbacks come on the next tick.
    let text = '';
    const sync = new Writable({ write(chunk, _enc, cb) { text += chunk; cb(); } });
    const ch = new LineChannel(sync, { endOnClose: false });
    for (let i = 0; i < 5; i++) ch.send(`line ${i}`);
    await ch.close();
    expect(text.split('\n')).toHaveLength(6);
    expect(ch.stats()).toEqual({ delivered: 5, dropped: {}, pending: 0, lastError: undefined });
  });
});
