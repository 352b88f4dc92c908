import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UnknownScenarioError } from '../runtime/mock-runtime.js';
import { PactFileError } from './pact-file.js';
import { pactAvailable } from './pact-runner.js';
import { formatReport, verifyPacts } from './verify.js';

export const VERIFY_HELP = `Usage: qlik-oauth-clients-mock verify [options] <pact.json | directory>...

Starts the mock in-process and, for each pact file (Pact specification V2, V3 or V4):
  - verifies it with Pact's own verifier against a fresh mock, provider states set up
    through the mock's POST /__mock/provider-states;
  - checks each interaction against the OpenAPI contract: the request is one of its
    operations with valid parameters and body, the expected status is one the operation
    returns, and the expected body fits its schema (matchers: their example values) and
    uses no field the contract lacks.
Prints one line per interaction (✓ or ✗, the reasons below it) and a summary.

Options:
  --contract-only        check against the contract only; Pact is not run (no dev dependencies needed)
  --scenario <name>      start each mock with this scenario from scenarios/ (default: the embedded data)
  --seed-count <n>       add n faker-generated clients to each mock
  --faker-seed <n>       seed for those clients (repeatable runs)
  --help                 show this help

Exit status: 0 all passed, 1 any interaction failed, 2 usage error (no or unreadable file).`;

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** `verify <files...>`: returns the exit status (0 passed, 1 failed, 2 usage). */
export async function verifyCommand(argv: readonly string[], io: CommandIo = stdio): Promise<number> {
  const usage = (message: string) => {
    io.err(`qlik-oauth-clients-mock verify: error: ${message} (see verify --help)`);
    return 2;
  };
  let values: { 'contract-only'?: boolean; help?: boolean; scenario?: string; 'seed-count'?: string; 'faker-seed'?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        'contract-only': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        scenario: { type: 'string' },
        'seed-count': { type: 'string' },
        'faker-seed': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    return usage((error as Error).message.split('\n')[0]);
  }
  if (values.help) {
    io.out(VERIFY_HELP);
    return 0;
  }
  if (positionals.length === 0) return usage('give at least one pact file, e.g. verify pacts/*.json');
  const seedCount = wholeNumber(values['seed-count']);
  const fakerSeed = wholeNumber(values['faker-seed']);
  if (seedCount === null) return usage(`--seed-count must be a whole number; got "${values['seed-count']}"`);
  if (fakerSeed === null) return usage(`--faker-seed must be a whole number; got "${values['faker-seed']}"`);
  const mock = { scenario: values.scenario, seedCount, fakerSeed };
  let files: string[];
  try {
    files = positionals.flatMap(expand);
  } catch (error) {
    return usage((error as Error).message);
  }
  if (files.length === 0) return usage(`no .json files in ${positionals.join(', ')}`);
  const contractOnly = values['contract-only'] === true;
  if (!contractOnly && !pactAvailable()) {
    io.err('verify needs @pact-foundation/pact: npm i -D @pact-foundation/pact (or use --contract-only)');
    return 2;
  }
  try {
    const result = await verifyPacts(files, { contractOnly, mock });
    if (result.passed + result.failed === 0) return usage(`no interactions to verify in ${files.join(', ')}`);
    io.out(formatReport(result, { contractOnly }));
    return result.failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof PactFileError || error instanceof UnknownScenarioError) return usage(error.message);
    throw error;
  }
}

/** undefined when absent, null when not a whole number. */
function wholeNumber(raw: string | undefined): number | undefined | null {
  if (raw === undefined) return undefined;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : null;
}

/** A directory stands for the .json files directly in it. */
function expand(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new PactFileError(`cannot read ${path}: no such file`);
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(path, name));
}
