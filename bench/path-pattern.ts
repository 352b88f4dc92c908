/**
 * `node --import tsx bench/path-pattern.ts`: the cost of one `test` of a fault rule's `path`,
 * the linear-time matcher of src/faults/path-pattern.ts against the RegExp the rule used to
 * compile to (a glob's `*` as `[^/]*`). Nanoseconds per call, best of 7 rounds; compare the two
 * columns of one run, not runs on different machines.
 */
import { compilePathPattern } from '../src/faults/path-pattern.js';

const ID = 'b3ee66d6f21d1611efa89a425f656f6f';
const CASES: { pattern: string; old: RegExp; paths: string[] }[] = [
  {
    pattern: '/api/core/oauth-clients/*',
    old: /^\/api\/core\/oauth-clients\/[^/]*$/,
    paths: [`/api/core/oauth-clients/${ID}`, `/api/core/oauth-clients/${ID}/client-secrets`, '/api/core/oauth-clients', `/api/v1/oauth-clients/${ID}`],
  },
  {
    pattern: '/api/*/oauth-clients/*/client-secrets/*',
    old: /^\/api\/[^/]*\/oauth-clients\/[^/]*\/client-secrets\/[^/]*$/,
    paths: [`/api/core/oauth-clients/${ID}/client-secrets/${ID}`, `/api/core/oauth-clients/${ID}`],
  },
  {
    pattern: '^/api/(core|v1)/oauth-clients/[0-9a-f]{32}$',
    old: /^\/api\/(core|v1)\/oauth-clients\/[0-9a-f]{32}$/,
    paths: [`/api/v1/oauth-clients/${ID}`, '/api/v1/oauth-clients'],
  },
];

/** Nanoseconds per call, the best of several rounds (other processes on the machine only add time). */
function nsPerCall(fn: (path: string) => boolean, path: string): number {
  const calls = 500_000;
  let hits = 0;
  for (let i = 0; i < 200_000; i++) hits += fn(path) ? 1 : 0; // warm up: the JIT, and the matcher's DFA cache
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) hits += fn(path) ? 1 : 0;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / calls);
  }
  if (hits < 0) console.log(hits); // keeps the loop's result alive
  return best;
}

for (const { pattern, old, paths } of CASES) {
  const matcher = compilePathPattern(pattern);
  console.log(pattern);
  for (const path of paths) {
    if (matcher.test(path) !== old.test(path)) throw new Error(`disagreement on ${path}`);
    const mine = nsPerCall((p) => matcher.test(p), path);
    const theirs = nsPerCall((p) => old.test(p), path);
    console.log(`  ${matcher.test(path) ? 'match   ' : 'no match'} ${path.length.toString().padStart(3)} chars: new ${mine.toFixed(1).padStart(6)} ns, RegExp ${theirs.toFixed(1).padStart(6)} ns  ${path}`);
  }
}
