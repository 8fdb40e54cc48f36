// RFC 9457 problem details: every error the API returns is one of these, with a
// detail a person can act on and never a stack trace.

import { HTTPException } from 'hono/http-exception';
import { InputError } from '../data/errors.ts';

export const PROBLEM_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** A problem thrown from anywhere in request handling; onError turns it into the response. */
export class HttpProblem extends Error {
  readonly problem: Problem;
  /** Extra response headers (Allow, WWW-Authenticate, ...). */
  readonly headers?: Record<string, string>;

  constructor(
    status: number,
    detail: string,
    opts: { type?: string; title?: string; extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.problem = {
      type: opts.type ?? 'about:blank',
      title: opts.title ?? statusTitle(status),
      status,
      detail,
      ...opts.extensions,
    };
    this.headers = opts.headers;
  }

  get status(): number {
    return this.problem.status;
  }
}

const urn = (slug: string) => `urn:anomalyze:problem:${slug}`;

export const ProblemTypes = {
  malformedCsv: urn('malformed-csv'),
  malformedJson: urn('malformed-json'),
  malformedMultipart: urn('malformed-multipart'),
  invalidRecords: urn('invalid-records'),
  invalidQuery: urn('invalid-query'),
} as const;

/** CSV/JSON input errors: syntax → 400, content → 422, with line/column or record. */
export function inputProblem(err: InputError, json = false): Problem {
  const syntax = err.kind === 'syntax';
  const ext: Record<string, unknown> = {};
  if (err.unit === 'record') {
    if (err.line !== undefined) ext.record = err.line;
  } else {
    if (err.line !== undefined) ext.line = err.line;
    if (err.column !== undefined) ext.column = err.column;
  }
  return {
    type: syntax ? (json ? ProblemTypes.malformedJson : ProblemTypes.malformedCsv) : ProblemTypes.invalidRecords,
    title: syntax ? (json ? 'Malformed JSON' : 'Malformed CSV') : 'Invalid records',
    status: syntax ? 400 : 422,
    detail: err.message,
    ...ext,
  };
}

/**
 * Any thrown value → a problem. Unknown errors become a bare 500 (the caller logs
 * them); nothing of their message or stack reaches the client.
 */
export function toProblem(err: unknown): { problem: Problem; headers?: Record<string, string>; internal: boolean } {
  if (err instanceof HttpProblem) return { problem: { ...err.problem }, headers: err.headers, internal: false };
  if (err instanceof InputError) return { problem: inputProblem(err), internal: false };
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status >= 500) return { problem: internalProblem(), internal: true };
    return {
      problem: { type: 'about:blank', title: statusTitle(status), status, detail: err.message || statusTitle(status) },
      internal: false,
    };
  }
  return { problem: internalProblem(), internal: true };
}

function internalProblem(): Problem {
  return {
    type: 'about:blank',
    title: statusTitle(500),
    status: 500,
    detail: 'The server failed while handling this request. The error is in the server log; please report it if it persists.',
  };
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_TYPE, ...headers },
  });
}
