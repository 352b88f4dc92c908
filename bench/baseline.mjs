#!/usr/bin/env node
// The bare Hono baseline of the benchmark: Hono on @hono/node-server answering fixed JSON
// bodies and doing nothing else (no auth, no routing beyond Hono's, no store). Plain JS on
// purpose, so it starts the way compiled code starts (no TypeScript loader in its start time).
//
//   node bench/baseline.mjs [--port 0] [--host 127.0.0.1] [--bodies bodies.json]
//
// `bodies.json` maps a path to a JSON value, e.g. {"/get": {...}, "/list": {...}}: each path
// answers `c.json(value)`, the idiomatic Hono answer, so a body of the same shape and size as the
// mock's is serialized per request just as a hand-written Hono handler would. `/` answers
// {"status":"ok"} (used for the start-to-first-200 measurement).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, bodies: { type: 'string' } },
});

const app = new Hono();
app.get('/', (c) => c.json({ status: 'ok' }));
if (values.bodies) {
  const bodies = JSON.parse(readFileSync(values.bodies, 'utf8'));
  for (const [path, body] of Object.entries(bodies)) app.get(path, (c) => c.json(body));
}

const server = serve({ fetch: app.fetch, port: Number(values.port), hostname: values.host }, (info) => {
  console.log(`bare-hono baseline listening on http://${values.host}:${info.port}`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
