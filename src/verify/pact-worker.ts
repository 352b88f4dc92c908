/**
 * Runs Pact's Verifier in a child process (see pact-runner.ts). Pact's native core prints its
 * own report on stdout; the parent discards this process's stdout and reads the verifier's
 * structured JSON result from the IPC channel instead.
 */
import type { PactJob, PactWorkerReply } from './pact-runner.js';

process.once('message', (job: PactJob) => {
  void run(job).then((reply) => {
    process.send!(reply, () => process.exit(0));
  });
});

async function run(job: PactJob): Promise<PactWorkerReply> {
  try {
    const { Verifier } = await import('@pact-foundation/pact');
    const json = await new Verifier({
      providerBaseUrl: job.providerBaseUrl,
      pactUrls: [job.pactFile],
      // Pact calls the mock's own endpoint directly: POST {"state","params","action"}.
      providerStatesSetupUrl: job.providerStatesSetupUrl,
      logLevel: 'error',
      timeout: job.timeoutMs,
    }).verifyProvider();
    return { kind: 'result', json };
  } catch (error) {
    // A failed verification rejects with the same JSON report as its message.
    const message = error instanceof Error ? error.message : String(error);
    return message.trimStart().startsWith('{') ? { kind: 'result', json: message } : { kind: 'error', message };
  }
}
