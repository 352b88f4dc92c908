#!/usr/bin/env node
// The two baselines of the benchmark: Hono on @hono/node-server doing nothing but answer (no
// auth, no routing beyond Hono's, no store). Plain JS on purpose, so it starts the way compiled
// code starts (no TypeScript loader in its start time).
//
//   node bench/baseline.mjs [--port 0] [--host 127.0.0.1] [--bodies bodies.json] [--answers answers.json]
//
// `bodies.json` maps a path to a JSON value, e.g. {"/get": {...}, "/list": {...}}: each path
// answers `c.json(value)`, the idiomatic Hono answer, so a body of the same shape and size as the
// mock's is serialized per request just as a hand-written Hono handler would.
//
// `answers.json` maps a path to an answer the mock gave, {"headers": {...}, "body": "<base64>"}:
// each path answers those bytes, decoded once at start, with those headers and nothing else. The
// FLOOR: what Hono costs to send exactly the mock's bytes. It returns a Response with a plain
// header object rather than `c.body(buffer, 200, headers)`, because with more than one header
// `c.body` builds a `Headers` that @hono/node-server then copies out again, which costs more
// than the path the mock's own answers take (one header in `c.body`, `Vary` set on Node's
// response): a floor must not be slower than what it bounds.
//
// `/` answers {"status":"ok"} (used for the start-to-first-200 measurement).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    bodies: { type: 'string' },
    answers: { type: 'string' },
  },
});

const app = new Hono();
app.get('/', (c) => c.json({ status: 'ok' }));
if (values.bodies) {
  const bodies = JSON.parse(readFileSync(values.bodies, 'utf8'));
  for (const [path, body] of Object.entries(bodies)) app.get(path, (c) => c.json(body));
}
if (values.answers) {
  const answers = JSON.parse(readFileSync(values.answers, 'utf8'));
  for (const [path, answer] of Object.entries(answers)) {
    const body = Buffer.from(answer.body, 'base64');
    const headers = answer.headers;
    // `Response` here is @hono/node-server's: it keeps the buffer and the plain object as they are.
    app.get(path, () => new Response(body, { status: 200, headers }));
  }
}

const server = serve({ fetch: app.fetch, port: Number(values.port), hostname: values.host }, (info) => {
  console.log(`bare-hono baseline listening on http://${values.host}:${info.port}`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
