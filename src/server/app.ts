// The HTTP API as one Hono app with no runtime-specific imports: Node, Deno and
// Cloudflare Workers entries (node.ts, deno.ts, worker.ts) load the detector their own
// way and hand it in, like Hono's own adapters.

import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { timingSafeEqual } from 'hono/utils/buffer';
import type { UpgradeWebSocket } from 'hono/ws';
import type { Detector } from '../detect/detector.ts';
import { DEFAULT_BODY_LIMIT, DEFAULT_STREAM_IDLE_MS, DEFAULT_TIMEOUT_MS } from './config.ts';
import { detect, NDJSON } from './detect.ts';
import { stream } from './stream.ts';
import { streamSocket, WS_BUFFER } from './stream-ws.ts';
import { DetectorMetrics } from '../observe/detector-metrics.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../observe/registry.ts';
import { DetectorChoice } from '../detect/choice.ts';
import { fallbackPage } from './page.ts';
import { accessLog } from './access-log.ts';
import type { Logger } from '../observe/logger.ts';
import { HttpProblem, problemResponse, ProblemTypes, statusTitle, toProblem, type Problem } from './problem.ts';
import {
  CsvBodySchema, DetectJsonSchema, DetectQuerySchema, HealthSchema, ModelInfoSchema, MultipartBodySchema, PcapBodySchema, ZeekLogBodySchema,
  ProblemSchema, ReportSchema, StreamQuerySchema, StreamSocketQuerySchema,
} from './schemas.ts';

export interface AppOptions {
  /** When set, POST /api/detect requires `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Origins allowed to call /api/* from a browser ('*' for any); none by default. */
  corsOrigins?: string[];
  /** Maximum request body in bytes; default 100 MiB. */
  bodyLimit?: number;
  /** Deadline for one detection request, upload included, in ms; default 120 s, 0 for none. */
  timeoutMs?: number;
  /** POST /api/stream and GET /api/stream/ws end after this many ms without input; default 60 s. */
  streamIdleMs?: number;
}

export interface AppDeps {
  /** The loaded model, ready to score; the one /api/model describes. */
  detector: Detector;
  /**
   * More models, tried in order when the input does not fit `detector` (the traffic
   * model for captures and Zeek logs when `detector` reads KDD records).
   */
  others?: Detector[];
  /** Package version, reported by /api/health. */
  version: string;
  options?: AppOptions;
  /**
   * Serves the browser demo for GET requests outside /api (e.g. serveStatic over
   * dist/web); when it calls next() instead, / gets a minimal upload page.
   */
  staticAssets?: MiddlewareHandler;
  /** Where server-side failures are reported (default console.error). */
  log?: (message: string, err?: unknown) => void;
  /** When given, one "request" line per request (see access-log.ts). */
  accessLog?: Logger;
  /**
   * The runtime's WebSocket upgrade (@hono/node-server, hono/deno, hono/cloudflare-workers),
   * which GET /api/stream/ws needs; without it that endpoint answers 501.
   */
  upgradeWebSocket?: UpgradeWebSocket<any, any>; // each runtime has its own socket and option types
}

const API_ALLOW: Record<string, string> = {
  '/api/health': 'GET, HEAD',
  '/api/model': 'GET, HEAD',
  '/api/openapi.json': 'GET, HEAD',
  '/api/detect': 'POST',
  '/api/stream': 'POST',
  '/api/stream/ws': 'GET',
  '/metrics': 'GET, HEAD',
};

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
const problemResponses = (codes: Record<number, string>) =>
  Object.fromEntries(Object.entries(codes).map(([code, description]) => [code, { description, content: problemContent }]));

export const healthRoute = createRoute({
  method: 'get',
  path: '/api/health',
  summary: 'Liveness and the loaded model',
  responses: { 200: { description: 'The server is up.', content: { 'application/json': { schema: HealthSchema } } } },
});

export const modelRoute = createRoute({
  method: 'get',
  path: '/api/model',
  summary: 'The model: features, ensemble members, threshold, training metrics',
  responses: { 200: { description: 'Model metadata (no centroids).', content: { 'application/json': { schema: ModelInfoSchema } } } },
});

export const detectRoute = createRoute({
  method: 'post',
  path: '/api/detect',
  summary: 'Score connection records',
  description:
    'Scores connection records with the ensemble and reports anomalies, severity, confidence and the features behind each verdict (and the connection identity — time, protocol, addresses, ports — when the input has it), plus detection metrics when the records are labelled. Inputs: KDD-format CSV, flow-meter CSV exports (CICFlowMeter, Argus, nfdump), pcap/pcapng captures, Zeek conn.log (TSV or JSON lines) and JSON records; the format is recognised from the content. The JSON response is the document `npm run detect -- --format json` prints, with the same numbers for the same input.',
  security: [{ bearerAuth: [] }, {}],
  request: {
    query: DetectQuerySchema,
    body: {
      required: true,
      content: {
        'text/csv': { schema: CsvBodySchema },
        'application/vnd.tcpdump.pcap': { schema: PcapBodySchema },
        'text/x-zeek-conn-log': { schema: ZeekLogBodySchema },
        'multipart/form-data': { schema: MultipartBodySchema },
        'application/json': { schema: DetectJsonSchema },
      },
    },
  },
  responses: {
    200: {
      description: 'The detection report (or, with format=ndjson, one JSON line per reported record and a last {summary, metrics} line).',
      content: {
        'application/json': { schema: ReportSchema },
        [NDJSON]: { schema: { type: 'string', description: 'Newline-delimited JSON: DetectionRecord lines, then {"summary": …, "metrics": …}.' } },
      },
    },
    ...problemResponses({
      400: 'Malformed CSV, JSON or multipart body, or an invalid query parameter.',
      401: 'An API key is required (the server has ANOMALYZE_API_KEY set) and was missing or wrong.',
      408: 'The request took longer than the server\'s timeout.',
      413: 'The body is larger than the server\'s limit.',
      415: 'Unsupported Content-Type.',
      422: "Well-formed, but the columns, values or fields do not fit the model's input schema (for example a capture sent to a model trained on KDD's content features).",
    }),
  },
});

export const streamRoute = createRoute({
  method: 'post',
  path: '/api/stream',
  summary: 'Score a live feed of records',
  description:
    'A long-lived upload: newline-delimited records in (Zeek conn.log JSON lines, KDD records as JSON lines, or CSV lines — recognised from the first line), one ndjson line per anomaly out as soon as it is scored (at most `latency` ms after its line arrives), chunked, with backpressure: a client that does not read its alerts slows its own input. The stream has no overall deadline; it ends when the client ends its body or sends nothing for the server\'s idle limit (ANOMALYZE_STREAM_IDLE_MS, default 60 s); the last line is {summary, metrics}. `alerts=ecs` or `alerts=eve` writes Elastic Common Schema or Suricata EVE lines instead of detection records.',
  security: [{ bearerAuth: [] }, {}],
  request: {
    query: StreamQuerySchema,
    body: {
      required: true,
      content: {
        [NDJSON]: { schema: { type: 'string', description: 'One record per line: Zeek conn.log JSON, or KDD records as JSON arrays/objects.' } },
        'text/csv': { schema: CsvBodySchema },
        'text/x-zeek-conn-log': { schema: ZeekLogBodySchema },
      },
    },
  },
  responses: {
    200: {
      description: 'ndjson: a line per anomaly (DetectionRecord, or an ECS/EVE alert), then {"summary": …, "metrics": …}.',
      content: { [NDJSON]: { schema: { type: 'string' } } },
    },
    ...problemResponses({
      400: 'Malformed input before the first batch, or an invalid query parameter.',
      401: 'An API key is required and was missing or wrong.',
      415: 'Unsupported Content-Type.',
      422: "The records do not fit any model's input schema.",
    }),
  },
});

export const streamSocketRoute = createRoute({
  method: 'get',
  path: '/api/stream/ws',
  summary: 'Score a live feed over a WebSocket',
  description:
    `POST /api/stream over a WebSocket (OpenAPI cannot describe the messages; this is the contract). Send the feed as text or binary messages — the same ndjson, CSV or Zeek lines, split anywhere: the messages are read as one byte stream. Each anomaly comes back as one text message (a DetectionRecord, or an ECS/EVE alert with \`alerts\`), at most \`latency\` ms after its line arrived; \`all\` sends every record. An empty message ends the input: the rest is scored and sent, then a {"summary", "metrics"} message, then close 1000. The server also ends the stream after its idle limit without input (ANOMALYZE_STREAM_IDLE_MS, default 60 s), the same way. Errors end it with a {"problem": …} message (the problem+json of POST /api/stream) and close 1007 (malformed or unfitting records), 1008 (input sent too far ahead of the alerts read) or 1011 (server error). Backpressure: the server stops reading input while more than ${WS_BUFFER} bytes of alerts wait on the socket. With ANOMALYZE_API_KEY set, send "Authorization: Bearer <key>", or, from a browser (which cannot set headers on a WebSocket), the query parameter access_token=<key>. Messages are at most 1 MiB on Node and Workers.`,
  security: [{ bearerAuth: [] }, { accessToken: [] }, {}],
  request: { query: StreamSocketQuerySchema },
  responses: {
    101: { description: 'Switching Protocols: the WebSocket is open.' },
    ...problemResponses({
      400: 'An invalid query parameter.',
      401: 'An API key is required and was missing or wrong.',
      403: 'The page\'s Origin is not allowed to call the API (ANOMALYZE_CORS_ORIGINS).',
      426: 'A plain GET: this endpoint needs a WebSocket upgrade.',
      501: 'This server was started without WebSocket support.',
    }),
  },
});

export function createApp(deps: AppDeps): OpenAPIHono {
  const { detector, version } = deps;
  const opts = deps.options ?? {};
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const log = deps.log ?? ((message: string, err?: unknown) => console.error(message, err));
  const model = detector.model;
  const scorer = deps.others?.length ? new DetectorChoice([detector, ...deps.others]) : detector;
  const metrics = new DetectorMetrics(model.id);

  const app = new OpenAPIHono({
    // Query validation failures (zod) → 400 problem.
    defaultHook: (result) => {
      if (!result.success) {
        const errors = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
        throw new HttpProblem(400, `Invalid query parameter ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}. See /api/openapi.json for the parameters.`, {
          type: ProblemTypes.invalidQuery, title: 'Invalid query parameter', extensions: { errors },
        });
      }
    },
  });

  if (deps.accessLog) app.use(accessLog(deps.accessLog));
  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  }));

  if (opts.corsOrigins?.length) {
    const any = opts.corsOrigins.includes('*');
    app.use('/api/*', cors({
      origin: any ? '*' : opts.corsOrigins,
      allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Accept'],
      maxAge: 600,
    }));
  }

  if (opts.apiKey) {
    app.post('/api/detect', bearer(opts.apiKey));
    app.post('/api/stream', bearer(opts.apiKey));
    app.get('/api/stream/ws', bearer(opts.apiKey, 'access_token'));
  }

  // `engine`: the build of the core this runtime chose at load time (relaxed-SIMD FMA or plain SIMD).
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const, model: model.id, version, engine: model.ensemble.engine.variant }, 200));

  const modelInfo = model.describe();
  app.openapi(modelRoute, (c) => c.json(modelInfo as never, 200));

  // The full route (all three body types) goes into the document; at run time the query
  // is validated by zod-openapi and the body by detect(), which streams CSV and form
  // uploads instead of buffering them and checks JSON with the same DetectJsonSchema.
  app.openAPIRegistry.registerPath(detectRoute);
  app.openapi({ ...detectRoute, request: { query: DetectQuerySchema }, hide: true }, (c) =>
    detect(c, c.req.valid('query'), { detector: scorer, bodyLimit, timeoutMs, log, metrics }));

  app.openAPIRegistry.registerPath(streamRoute);
  app.openapi({ ...streamRoute, request: { query: StreamQuerySchema }, hide: true }, (c) =>
    stream(c, c.req.valid('query'), { detector: scorer, bodyLimit, timeoutMs, log, metrics, idleMs: opts.streamIdleMs ?? DEFAULT_STREAM_IDLE_MS }));

  // WebSocket twin of /api/stream: the query is checked and auth done before the upgrade.
  app.openAPIRegistry.registerPath(streamSocketRoute);
  app.openapi({ ...streamSocketRoute, request: { query: StreamSocketQuerySchema }, hide: true }, (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new HttpProblem(426, 'GET /api/stream/ws is a WebSocket endpoint: connect with a WebSocket client (ws://…/api/stream/ws). To stream over plain HTTP, POST the feed to /api/stream.', {
        headers: { upgrade: 'websocket', connection: 'Upgrade' },
      });
    }
    if (!deps.upgradeWebSocket) {
      throw new HttpProblem(501, 'This server was started without WebSocket support (its runtime entry hands in no upgradeWebSocket). POST the feed to /api/stream instead.');
    }
    allowedOrigin(c.req.header('origin'), new URL(c.req.url).host, opts.corsOrigins ?? []);
    const { access_token: _key, ...query } = c.req.valid('query');
    return deps.upgradeWebSocket(c, streamSocket(query, { detector: scorer, bodyLimit, timeoutMs, log, metrics, idleMs: opts.streamIdleMs ?? DEFAULT_STREAM_IDLE_MS }));
  });

  // Prometheus text exposition: rows scored, alerts by severity, batch latency, model id.
  app.get('/metrics', (c) => c.body(metrics.render(), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'Only when the server has ANOMALYZE_API_KEY set.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'accessToken', {
    type: 'apiKey',
    in: 'query',
    name: 'access_token',
    description: 'GET /api/stream/ws only, for browsers (RFC 6750 §2.3): the API key as a query parameter. It appears in URLs, so prefer the Authorization header where the client can set it.',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Anomalyze API',
      version,
      description: 'Network intrusion detection with an ensemble of K-means models. Every error is application/problem+json (RFC 9457).',
    },
  });

  // Everything else: 405 with Allow on known API paths, 404 under /api, the demo otherwise.
  app.all('*', async (c, next) => {
    const path = c.req.path;
    const method = c.req.method;
    const allow = API_ALLOW[path];
    if (allow) {
      if (method === 'OPTIONS') return c.body(null, 204, { allow: `${allow}, OPTIONS` });
      throw new HttpProblem(405, `${method} is not supported on ${path}; use ${allow.replace(', HEAD', '')}.`, { headers: { allow } });
    }
    if (path === '/api' || path.startsWith('/api/')) {
      throw new HttpProblem(404, `There is no API endpoint at ${path}. The endpoints are GET /api/health, GET /api/model, POST /api/detect, POST /api/stream, GET /api/stream/ws (WebSocket) and GET /api/openapi.json.`);
    }
    if (method !== 'GET' && method !== 'HEAD') {
      throw new HttpProblem(405, `${method} is not supported on ${path}: it serves static files. POST uploads to /api/detect.`, { headers: { allow: 'GET, HEAD' } });
    }
    return next();
  });
  if (deps.staticAssets) app.get('*', deps.staticAssets);
  app.get('*', (c) => {
    if (c.req.path === '/' || c.req.path === '/index.html') {
      return c.html(fallbackPage({ version, model: model.id, apiKey: !!opts.apiKey }));
    }
    throw new HttpProblem(404, `Nothing is served at ${c.req.path}.`);
  });

  app.notFound((c) => problem(c, { type: 'about:blank', title: statusTitle(404), status: 404, detail: `Nothing is served at ${c.req.path}.` }));
  app.onError((err, c) => {
    const { problem: p, headers, internal } = toProblem(err);
    if (internal) log(`${c.req.method} ${c.req.path}: internal error`, err);
    return problem(c, p, headers);
  });
  return app;
}

function problem(c: Context, p: Problem, headers?: Record<string, string>): Response {
  return problemResponse({ ...p, instance: c.req.path }, headers);
}

/**
 * Bearer API key check (constant-time), answering 401 problems with WWW-Authenticate.
 * With `queryParam`, the key may come as that query parameter instead (WebSockets from a
 * browser, which cannot set headers).
 */
function bearer(apiKey: string, queryParam?: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const m = header ? /^Bearer[ ]+([^\s]+)\s*$/i.exec(header) : null;
    const fromQuery = !m && queryParam ? c.req.query(queryParam) : undefined;
    const key = m?.[1] ?? fromQuery;
    const where = m ? 'the Authorization header' : `the ${queryParam} query parameter`;
    if (!key) {
      const or = queryParam ? `, or from a browser as the query parameter ${queryParam}=<key>` : '';
      throw new HttpProblem(401, `This server requires an API key for ${c.req.path}: send it as "Authorization: Bearer <key>"${or}.`, {
        headers: { 'www-authenticate': 'Bearer realm="anomalyze"' },
      });
    }
    if (!(await timingSafeEqual(key, apiKey))) {
      throw new HttpProblem(401, `The API key in ${where} is not the one this server expects. Check ANOMALYZE_API_KEY where the server runs.`, {
        headers: { 'www-authenticate': 'Bearer realm="anomalyze", error="invalid_token"' },
      });
    }
    await next();
  };
}

/**
 * Browsers do not apply CORS to WebSockets, so the upgrade checks the page's Origin itself:
 * same host, or one of ANOMALYZE_CORS_ORIGINS. Clients other than browsers send no Origin.
 */
function allowedOrigin(origin: string | undefined, host: string, allowed: string[]): void {
  if (!origin || allowed.includes('*') || allowed.includes(origin)) return;
  let from: string;
  try {
    from = new URL(origin).host;
  } catch {
    from = '';
  }
  if (from === host) return;
  throw new HttpProblem(403, `A page from ${origin} may not open this WebSocket. Add the origin to ANOMALYZE_CORS_ORIGINS (comma-separated) where the server runs.`);
}

