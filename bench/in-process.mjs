#!/usr/bin/env node
// Child of the benchmark's `inprocess` phase: measures, inside one fresh process, what a test
// process pays for the mock, and prints one JSON line. Times are taken here with
// performance.now(), so starting node itself is not counted. Plain JS, no static imports: what
// this file loads must not make the measured import cheaper (node:http is what
// @hono/node-server loads, so it is imported only after an import was measured).
//
//   node bench/in-process.mjs import <specifier...>            {"ms": …}: importing them all, at once
//   node bench/in-process.mjs starts <package> <path> <count>   {"runs": […]}: startMock() to its first 200 on <path>
//   node bench/in-process.mjs test-file <package> <path> <count> {"totalMs": …}: <count> × (startMock, GET 200, close)
const [mode, ...args] = process.argv.slice(2);
const AUTH = { authorization: 'Bearer bench-token' };

/** One GET on a fresh connection (no keep-alive pool to carry over between mocks); its status. */
function getStatus(http, url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: AUTH, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
      .on('error', reject);
  });
}

/** startMock() → one GET that must answer 200; the milliseconds to that answer, and the mock. */
async function startAndGet(http, startMock, path) {
  const started = performance.now();
  const mock = await startMock({ logLevel: 'silent' });
  const status = await getStatus(http, `${mock.url}${path}`);
  const ms = performance.now() - started;
  if (status !== 200) throw new Error(`GET ${path} answered ${status}`);
  return { ms, mock };
}

const round = (ms) => Math.round(ms * 100) / 100;

async function main() {
  if (mode === 'import') {
    const started = performance.now();
    await Promise.all(args.map((specifier) => import(specifier)));
    return { ms: round(performance.now() - started) };
  }
  const [pkg, path, countArg] = args;
  const count = Number(countArg);
  const { startMock } = await import(pkg);
  const http = await import('node:http');
  if (mode === 'starts') {
    const runs = [];
    for (let i = 0; i < count; i++) {
      const { ms, mock } = await startAndGet(http, startMock, path);
      runs.push(round(ms));
      await mock.close();
    }
    return { runs };
  }
  if (mode === 'test-file') {
    const started = performance.now();
    for (let i = 0; i < count; i++) await (await startAndGet(http, startMock, path)).mock.close();
    return { totalMs: round(performance.now() - started) };
  }
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
