// A streaming multipart/form-data reader (RFC 7578) for one file field: it finds the
// part, then hands its content on chunk by chunk, so a 100 MB upload is never held in
// memory (Request.formData() would buffer all of it).

import { HttpProblem, ProblemTypes } from './problem.ts';

export interface FormFile {
  /** The file name the client sent, if any. */
  filename?: string;
  contentType?: string;
  /** The part's bytes; ends at the part's closing boundary. */
  content: AsyncGenerator<Uint8Array>;
}

const MAX_HEADER_BYTES = 16 * 1024;
const enc = new TextEncoder();

function malformed(detail: string): HttpProblem {
  return new HttpProblem(400, `The multipart/form-data body is malformed: ${detail}. Upload the file with an HTML form or \`curl -F file=@traffic.csv\`.`, {
    type: ProblemTypes.malformedMultipart,
    title: 'Malformed multipart body',
  });
}

/** The boundary parameter of a multipart/form-data Content-Type. */
export function boundaryOf(contentType: string): string {
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  if (!b || b.length > 70) throw malformed('the Content-Type has no valid boundary parameter');
  return b;
}

/** Pull-based byte buffer over an async chunk source. */
class Bytes {
  buf: Uint8Array = new Uint8Array(0);
  private ended = false;

  constructor(private readonly src: AsyncIterator<Uint8Array>) {}

  /** Reads one more chunk; false at the end of the body. */
  async more(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.src.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    if (this.buf.length === 0) this.buf = r.value;
    else {
      const next = new Uint8Array(this.buf.length + r.value.length);
      next.set(this.buf);
      next.set(r.value, this.buf.length);
      this.buf = next;
    }
    return true;
  }

  /** Position of `needle` in the buffer, reading more as needed; -1 at the end of the body. */
  async find(needle: Uint8Array, maxBuffered = Infinity): Promise<number> {
    let from = 0;
    while (true) {
      const i = indexOf(this.buf, needle, from);
      if (i >= 0) return i;
      from = Math.max(0, this.buf.length - needle.length + 1);
      if (this.buf.length > maxBuffered) return -2;
      if (!(await this.more())) return -1;
    }
  }

  skip(n: number): void {
    this.buf = this.buf.subarray(n);
  }

  async close(): Promise<void> {
    await this.src.return?.(undefined);
  }
}

/** Finds the part named `field` and streams its content. */
export async function formFile(chunks: AsyncIterable<Uint8Array>, boundary: string, field: string): Promise<FormFile> {
  const bytes = new Bytes(chunks[Symbol.asyncIterator]());
  const dashBoundary = enc.encode(`--${boundary}`);
  const delimiter = enc.encode(`\r\n--${boundary}`);
  const crlf2 = enc.encode('\r\n\r\n');
  const seen: string[] = [];
  try {
    // Preamble, then the first boundary.
    const first = await bytes.find(dashBoundary, MAX_HEADER_BYTES);
    if (first < 0) throw malformed(`no part starts with the boundary "${boundary}"`);
    bytes.skip(first + dashBoundary.length);
    while (true) {
      // After a boundary: "--" closes the body, otherwise CRLF and the part's headers.
      while (bytes.buf.length < 2 && (await bytes.more()));
      if (bytes.buf[0] === 0x2d && bytes.buf[1] === 0x2d) break;
      const end = await bytes.find(crlf2, MAX_HEADER_BYTES);
      if (end === -2) throw malformed('a part has more than 16 kB of headers');
      if (end < 0) throw malformed('the body ends inside the headers of a part');
      const headers = parseHeaders(new TextDecoder().decode(bytes.buf.subarray(0, end)));
      bytes.skip(end + crlf2.length);
      const disposition = headers.get('content-disposition') ?? '';
      const name = param(disposition, 'name');
      if (name === undefined) throw malformed('a part has no Content-Disposition name');
      if (name === field) {
        return { filename: param(disposition, 'filename') || undefined, contentType: headers.get('content-type'), content: partContent(bytes, delimiter) };
      }
      seen.push(name);
      // Skip this part's content.
      for await (const _ of partContent(bytes, delimiter, false));
    }
  } catch (err) {
    await bytes.close();
    throw err;
  }
  await bytes.close();
  throw new HttpProblem(422, `The form has no field named "${field}"${seen.length ? ` (it has ${seen.map((s) => JSON.stringify(s)).join(', ')})` : ''}. Send the CSV file in a field called "${field}", e.g. \`curl -F ${field}=@traffic.csv\`.`, {
    type: ProblemTypes.invalidRecords,
    title: 'Missing form field',
  });
}

/** The bytes up to the next delimiter; leaves the buffer just after it. */
async function* partContent(bytes: Bytes, delimiter: Uint8Array, closeAtEnd = true): AsyncGenerator<Uint8Array> {
  let done = false;
  try {
    while (true) {
      const i = indexOf(bytes.buf, delimiter, 0);
      if (i >= 0) {
        const out = bytes.buf.subarray(0, i);
        bytes.skip(i + delimiter.length);
        if (out.length) yield out;
        done = true;
        return;
      }
      // Everything except a possible delimiter prefix at the end is content.
      const safe = bytes.buf.length - delimiter.length + 1;
      if (safe > 0) {
        const out = bytes.buf.subarray(0, safe);
        bytes.skip(safe);
        yield out;
      }
      if (!(await bytes.more())) throw malformed('the body ends before the closing boundary of the file part');
    }
  } finally {
    // The file part is all we need: stop reading the rest of the body.
    if (closeAtEnd || !done) await bytes.close();
  }
}

function parseHeaders(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

/** A Content-Disposition parameter (quoted or token); undefined when absent. */
function param(header: string, key: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const m = re.exec(header);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
