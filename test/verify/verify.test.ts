/**
 * `verify`: Pact's verifier against an in-process mock plus the contract check, per
 * interaction; and the CLI's report and exit status.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCommand } from '../../src/verify/command.js';
import { formatReport, verifyPacts, type VerifyResult } from '../../src/verify/verify.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GOOD = 'pacts/admin-frontend-qlik-oauth-clients.json';
const BAD = 'test/pact/fixtures/asks-too-much.pact.json';
const dir = mkdtempSync(join(tmpdir(), 'verify-'));
const emptyDir = join(dir, 'empty');
mkdirSync(emptyDir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('verifyPacts', () => {
  let result: VerifyResult;
  beforeAll(async () => {
    // A consumer's typo in a provider state name.
    const typo = JSON.parse(readFileSync(join(ROOT, BAD), 'utf8'));
    typo.interactions = [{ ...typo.interactions[0], providerStates: [{ name: 'a cliet exists' }] }];
    writeFileSync(join(dir, 'typo.json'), JSON.stringify(typo));
    result = await verifyPacts([join(ROOT, GOOD), join(ROOT, BAD), join(dir, 'typo.json')]);
  }, 60_000);

  it('passes every interaction of the example pact: Pact against the mock, and the contract', () => {
    const good = result.files[0];
    expect(good.consumer).toBe('admin-frontend');
    expect(good.interactions).toHaveLength(11);
    expect(good.interactions.filter((i) => !i.ok)).toEqual([]);
    expect(good.interactions.every((i) => i.pact !== undefined)).toBe(true);
  });

  it('fails the pact that asks too much, naming the Pact mismatch and the contract violation of each interaction', () => {
    const byName = Object.fromEntries(result.files[1].interactions.map((i) => [i.description, i]));
    expect(byName['a request for a client (what the API gives)']).toMatchObject({ ok: true, pact: [], contract: [] });
    expect(byName['a request for a client expecting a field the contract lacks']).toMatchObject({
      ok: false,
      pact: ['body $: Actual map is missing the following keys: lastUsedAt'],
      contract: ['response 200 (readOAuthClientQCC): body $.lastUsedAt is not a field the contract defines here'],
    });
    expect(byName['a request to create a client expecting 200 instead of 201']).toMatchObject({
      ok: false,
      pact: ['status: expected 200 but was 201'],
      contract: ['response: status 200 is not one createOAuthClientQCC returns (the contract documents 201, 400, 401, 403, 500, 503)'],
    });
    // What Pact alone cannot see: the mock sends the field, the contract lacks it.
    expect(byName['a request for a client relying on createdByType, which the mock sends but the contract lacks']).toMatchObject({
      ok: false,
      pact: [],
      contract: ['response 200 (readOAuthClientQCC): body $.createdByType is not a field the contract defines here'],
    });
  });

  it("reports the mock's reason when a provider state cannot be set up, not just Pact's generic message", () => {
    const [typo] = result.files[2].interactions;
    expect(typo.ok).toBe(false);
    expect(typo.contract).toEqual([]);
    expect(typo.pact).toHaveLength(1);
    expect(typo.pact![0]).toMatch(/^provider state "a cliet exists" could not be set up: the mock answered 400: Unknown provider state "a cliet exists"\. Known states: "no clients", /);
    expect([result.passed, result.failed]).toEqual([12, 4]);
  });

  it('formats one line per interaction with the reasons indented, and a summary', () => {
    const report = formatReport(result).split('\n');
    expect(report).toContain(`${join(ROOT, BAD)}: overreaching-frontend → qlik-oauth-clients (4 interactions)`);
    const at = report.indexOf('  ✗ a request to create a client expecting 200 instead of 201 (given: no clients)');
    expect(at).toBeGreaterThan(0);
    expect(report.slice(at + 1, at + 3)).toEqual([
      '      pact mismatch: status: expected 200 but was 201',
      '      contract violation: response: status 200 is not one createOAuthClientQCC returns (the contract documents 201, 400, 401, 403, 500, 503)',
    ]);
    expect(report).toContain('  ✓ a request to list web clients (given: a web client exists)');
    expect(report.at(-1)).toBe('12 passed, 4 failed');
  });
});

describe('verifyCommand', () => {
  it('exits 2 on usage errors, with one clear line', async () => {
    const cases: [string[], RegExp][] = [
      [[], /give at least one pact file/],
      [[join(dir, 'missing.json')], /cannot read .*missing\.json: no such file/],
      [['--bogus', GOOD], /Unknown option '--bogus'/],
      [[emptyDir], /no \.json files in/],
      [['--seed-count', 'many', GOOD], /--seed-count must be a whole number; got "many"/],
      [['--scenario', 'no-such-scenario', GOOD], /no-such-scenario/],
    ];
    for (const [args, message] of cases) {
      const { io, out, err } = capture();
      expect(await verifyCommand(args, io), args.join(' ')).toBe(2);
      expect(err.join('\n')).toMatch(message);
      expect(out).toEqual([]);
    }
    const notPact = join(dir, 'not-a-pact.json');
    writeFileSync(notPact, '{"hello":"world"}');
    const { io, err } = capture();
    expect(await verifyCommand([notPact], io)).toBe(2);
    expect(err.join('\n')).toMatch(/not-a-pact\.json is not a pact file/);
  });

  it('verifies against a mock started with a scenario and faker clients', async () => {
    const { io, out } = capture();
    expect(await verifyCommand(['--scenario', 'empty', '--seed-count', '5', '--faker-seed', '3', GOOD], io)).toBe(0);
    expect(out.join('\n')).toMatch(/\n11 passed, 0 failed$/);
    // The scenario really is applied: with every API call failing, the pact cannot pass.
    const unavailable = capture();
    expect(await verifyCommand(['--scenario', 'service-unavailable', GOOD], unavailable.io)).toBe(1);
  });

  it('checks the contract alone with --contract-only (no Pact, no server): exit 1 for the pact that asks too much', async () => {
    const { io, out } = capture();
    expect(await verifyCommand(['--contract-only', join(ROOT, BAD)], io)).toBe(1);
    const text = out.join('\n');
    expect(text).toContain('contract violation: response 200 (readOAuthClientQCC): body $.lastUsedAt is not a field the contract defines here');
    expect(text).not.toContain('pact mismatch');
    expect(text).toMatch(/1 passed, 3 failed \(contract only; Pact not run\)$/);
  });
});

describe('the CLI: qlik-oauth-clients-mock verify', () => {
  const run = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });

  it('exits 1 when any interaction fails and 0 when all pass, with the report on stdout only', async () => {
    const [bad, good] = await Promise.all([run(GOOD, BAD), run('--contract-only', GOOD)]);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/^pacts\/admin-frontend-qlik-oauth-clients\.json: admin-frontend → qlik-oauth-clients \(11 interactions\)\n/);
    expect(bad.stdout).toContain('  ✗ a request for a client expecting a field the contract lacks');
    expect(bad.stdout.trim().split('\n').at(-1)).toBe('12 passed, 3 failed');
    // Pact's own native report goes nowhere: stdout holds only the verify report.
    expect(bad.stdout).not.toContain('Verifying a pact between');
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout.trim().split('\n').at(-1)).toBe('11 passed, 0 failed (contract only; Pact not run)');
  }, 60_000);
});
