import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PactInteraction } from './pact-file.js';

export interface PactJob {
  pactFile: string;
  providerBaseUrl: string;
  providerStatesSetupUrl: string;
  timeoutMs: number;
}

export type PactWorkerReply = { kind: 'result'; json: string } | { kind: 'error'; message: string };

/** One interaction as Pact's verifier judged it: [] when it passed, else the mismatches. */
export interface PactOutcome {
  /** Set when Pact could not verify the file at all (every interaction then fails with it). */
  error?: string;
  results: { description: string; states: string[]; problems: string[] }[];
}

/** True when `@pact-foundation/pact` (a dev dependency) can be loaded from here. */
export function pactAvailable(): boolean {
  try {
    import.meta.resolve('@pact-foundation/pact');
    return true;
  } catch {
    return false;
  }
}

/**
 * Verifies one pact file with Pact's own Verifier against a running provider, in a child
 * process whose stdout (Pact's native report) is discarded; returns its JSON result per interaction.
 */
export function runPact(job: PactJob): Promise<PactOutcome> {
  const worker = fileURLToPath(new URL(`./pact-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  // From src/ (tsx, vitest) the worker is TypeScript too and needs tsx's loader.
  const execArgv = worker.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  return new Promise((resolve) => {
    const child = fork(worker, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv });
    let stderr = '';
    let settled = false;
    const finish = (outcome: PactOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ error: `Pact verification did not finish within ${Math.round(job.timeoutMs / 1000) + 30} s`, results: [] });
    }, job.timeoutMs + 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString('utf8');
    });
    child.on('message', (reply: PactWorkerReply) => finish(reply.kind === 'result' ? parseVerifierJson(reply.json) : { error: reply.message, results: [] }));
    child.on('error', (error) => finish({ error: `cannot start the Pact verifier: ${error.message}`, results: [] }));
    // 'close' comes after the IPC channel is drained, so a reply sent just before exiting is not lost.
    child.on('close', (code, signal) => {
      const last = stderr.trim().split('\n').slice(-3).join(' | ');
      finish({ error: `the Pact verifier stopped (${signal ?? `exit ${code}`})${last ? `: ${last}` : ''}`, results: [] });
    });
    child.send(job);
  });
}

/** Reads the verifier's JSON report (`interactionResults[]` with their mismatches). */
export function parseVerifierJson(json: string): PactOutcome {
  let report: any;
  try {
    report = JSON.parse(json);
  } catch {
    return { error: `Pact's verifier answered something that is not its JSON report: ${json.slice(0, 200)}`, results: [] };
  }
  const results: PactOutcome['results'] = [];
  for (const entry of Array.isArray(report?.interactionResults) ? report.interactionResults : []) {
    const states = (Array.isArray(entry.providerStates) ? entry.providerStates : []).map((s: any) => (typeof s === 'string' ? s : String(s?.name ?? '')));
    // Pact 17 writes "OK" or "Error"; any mismatch is a failure whatever the label.
    const passed = !entry.mismatch && !/error|fail/i.test(String(entry.result ?? ''));
    results.push({ description: String(entry.description ?? ''), states, problems: passed ? [] : describeMismatch(entry.mismatch) });
  }
  return { results };
}

function describeMismatch(mismatch: any): string[] {
  if (!mismatch) return ['failed (Pact gave no reason)'];
  if (mismatch.type === 'error') return [String(mismatch.message ?? 'error')];
  const list: any[] = Array.isArray(mismatch.mismatches) ? mismatch.mismatches : [];
  if (list.length === 0) return [String(mismatch.message ?? JSON.stringify(mismatch))];
  return list.map((m) => {
    const text = String(m.mismatch ?? m.description ?? JSON.stringify(m));
    switch (m.type) {
      case 'StatusMismatch':
        return `status: ${text}`;
      case 'BodyMismatch':
        return `body ${m.path ?? '$'}: ${text}`;
      case 'HeaderMismatch':
        return `header ${m.key ?? ''}: ${text}`;
      case 'BodyTypeMismatch':
        return `body: ${text}`;
      default:
        return `${m.type ?? 'mismatch'}${m.path ? ` ${m.path}` : ''}: ${text}`;
    }
  });
}

/** Pact's result for one interaction of the file (by description, then provider states). */
export function pactResultFor(outcome: PactOutcome, interaction: PactInteraction): string[] {
  if (outcome.error) return [`not verified: ${outcome.error}`];
  const sameName = outcome.results.filter((r) => r.description === interaction.description);
  const states = interaction.providerStates.map((s) => s.name).join('\u0000');
  const found = sameName.find((r) => r.states.join('\u0000') === states) ?? (sameName.length === 1 ? sameName[0] : undefined);
  if (!found) return ["Pact's verifier did not report this interaction"];
  return found.problems;
}
