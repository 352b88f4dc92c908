/**
 * `verify`: each pact file against a fresh in-process mock with Pact's own Verifier (provider
 * states through the mock's /__mock/provider-states), and each interaction against the
 * OpenAPI contract. One report line per interaction; the reasons below it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadContract } from '../contract/document.js';
import { startMock, type StartOptions } from '../index.js';
import { ContractChecker } from './contract-check.js';
import { readPactFile, type PactDocument, type PactInteraction } from './pact-file.js';
import { pactResultFor, runPact, type PactOutcome } from './pact-runner.js';

export interface VerifyOptions {
  /** Skip Pact and check the pacts against the contract only. */
  contractOnly?: boolean;
  /** Options of the mock each pact is verified against (default: embedded fixtures, silent). */
  mock?: StartOptions;
  /** Per-request timeout of Pact's verifier. */
  timeoutMs?: number;
}

export interface InteractionReport {
  description: string;
  states: string[];
  /** Mismatches Pact's verifier found against the mock; undefined when Pact was not run. */
  pact?: string[];
  /** Ways the interaction asks for something the contract does not allow. */
  contract: string[];
  ok: boolean;
}

export interface PactFileReport {
  file: string;
  consumer: string;
  provider: string;
  interactions: InteractionReport[];
}

export interface VerifyResult {
  files: PactFileReport[];
  passed: number;
  failed: number;
}

/**
 * Reads every file first (a PactFileError for an unusable one, before anything runs), then
 * verifies each against its own fresh mock.
 */
export async function verifyPacts(files: readonly string[], options: VerifyOptions = {}): Promise<VerifyResult> {
  const pacts = files.map((file) => readPactFile(file));
  const checker = new ContractChecker([loadContract('core'), loadContract('v1')]);
  const reports: PactFileReport[] = [];
  for (const pact of pacts) reports.push(await verifyOne(pact, checker, options));
  const all = reports.flatMap((r) => r.interactions);
  return { files: reports, passed: all.filter((i) => i.ok).length, failed: all.filter((i) => !i.ok).length };
}

async function verifyOne(pact: PactDocument, checker: ContractChecker, options: VerifyOptions): Promise<PactFileReport> {
  let outcome: PactOutcome | undefined;
  const stateFailures = new Map<string, string>();
  if (!options.contractOnly && pact.interactions.length > 0) {
    const mock = await startMock({ logLevel: 'silent', ...options.mock, port: 0, host: '127.0.0.1' });
    const states = await stateRelay(`${mock.url}/__mock/provider-states`, stateFailures);
    try {
      outcome = await runPact({
        pactFile: pact.file,
        providerBaseUrl: mock.url,
        providerStatesSetupUrl: states.url,
        timeoutMs: options.timeoutMs ?? 30_000,
      });
    } finally {
      await states.close();
      await mock.close();
    }
  }
  return {
    file: pact.file,
    consumer: pact.consumer,
    provider: pact.provider,
    interactions: pact.interactions.map((interaction) => judge(interaction, checker, outcome, stateFailures)),
  };
}

/**
 * Passes Pact's provider-state calls on to the mock's endpoint unchanged and keeps the
 * mock's reason for any it refuses (e.g. an unknown state name), which Pact's own report
 * reduces to "One or more of the setup state change handlers has failed".
 */
async function stateRelay(target: string, failures: Map<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const answer = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await answer.text();
        if (!answer.ok) {
          let call: { state?: unknown; action?: unknown } = {};
          let detail = text.slice(0, 500);
          try {
            call = JSON.parse(body);
            detail = JSON.parse(text)?.errors?.[0]?.detail ?? detail;
          } catch {
            // keep the raw text
          }
          failures.set(String(call.state ?? ''), `provider state "${String(call.state ?? '')}" could not be ${call.action === 'teardown' ? 'torn down' : 'set up'}: the mock answered ${answer.status}: ${detail}`);
        }
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`cannot reach the mock: ${(error as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function judge(interaction: PactInteraction, checker: ContractChecker, outcome: PactOutcome | undefined, stateFailures: Map<string, string>): InteractionReport {
  let pact = outcome ? pactResultFor(outcome, interaction) : undefined;
  if (pact && pact.some((p) => /state change/i.test(p))) {
    const names = interaction.providerStates.length > 0 ? interaction.providerStates.map((s) => s.name) : [''];
    const reasons = names.map((name) => stateFailures.get(name)).filter((r): r is string => r !== undefined);
    if (reasons.length > 0) pact = [...pact.filter((p) => !/state change/i.test(p)), ...reasons];
  }
  const contract = checker.check(interaction);
  return {
    description: interaction.description,
    states: interaction.providerStates.map((s) => s.name),
    pact,
    contract,
    ok: (pact?.length ?? 0) === 0 && contract.length === 0,
  };
}

/** The human report: per file a heading, per interaction ✓/✗ with the reasons indented below. */
export function formatReport(result: VerifyResult, options: { contractOnly?: boolean } = {}): string {
  const lines: string[] = [];
  for (const file of result.files) {
    const n = file.interactions.length;
    lines.push(`${file.file}: ${file.consumer} → ${file.provider} (${n} interaction${n === 1 ? '' : 's'})`);
    if (n === 0) lines.push('  (no interactions to verify)');
    for (const interaction of file.interactions) {
      const given = interaction.states.length > 0 ? ` (given: ${interaction.states.join('; ')})` : '';
      lines.push(`  ${interaction.ok ? '✓' : '✗'} ${interaction.description}${given}`);
      for (const problem of interaction.pact ?? []) lines.push(`      pact mismatch: ${problem}`);
      for (const problem of interaction.contract) lines.push(`      contract violation: ${problem}`);
    }
    lines.push('');
  }
  const checked = options.contractOnly ? ' (contract only; Pact not run)' : '';
  lines.push(`${result.passed} passed, ${result.failed} failed${checked}`);
  return lines.join('\n');
}
