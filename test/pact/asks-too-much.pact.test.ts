/**
 * A pact that asks for what the real API cannot do must fail verification against the mock:
 * the mock is only worth trusting if it says no where the API would.
 * Fixture: test/pact/fixtures/asks-too-much.pact.json (hand-written, Pact specification V3).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Verifier } from '@pact-foundation/pact';
import { startMock } from '../../src/index.js';

const fixture = fileURLToPath(new URL('./fixtures/asks-too-much.pact.json', import.meta.url));

describe('Pact’s Verifier against the mock, with a pact that asks too much', () => {
  it('fails the interactions the API cannot satisfy, and only those', async () => {
    const mock = await startMock({ port: 0, host: '127.0.0.1' });
    let output: string;
    try {
      output = await new Verifier({
        providerBaseUrl: mock.url,
        pactUrls: [fixture],
        providerStatesSetupUrl: `${mock.url}/__mock/provider-states`,
        logLevel: 'error',
      })
        .verifyProvider()
        .then(
          () => 'resolved',
          (error: Error) => error.message,
        );
    } finally {
      await mock.close();
    }
    expect(output, 'verification must fail').not.toBe('resolved');
    const report = JSON.parse(output);
    expect(report.result).toBe(false);
    const byName = Object.fromEntries(report.interactionResults.map((r: any) => [r.description, r]));
    const mismatches = (name: string) => (byName[name].mismatch?.mismatches ?? []).map((m: any) => `${m.type}: ${m.mismatch}`);

    // A field the contract lacks, which the mock (like the API) never returns.
    expect(byName['a request for a client expecting a field the contract lacks'].result).toBe('Error');
    expect(mismatches('a request for a client expecting a field the contract lacks')).toEqual([
      'BodyMismatch: Actual map is missing the following keys: lastUsedAt',
    ]);
    // A status the operation never returns.
    expect(byName['a request to create a client expecting 200 instead of 201'].result).toBe('Error');
    expect(mismatches('a request to create a client expecting 200 instead of 201')).toEqual(['StatusMismatch: expected 200 but was 201']);
    // The same state and request with a fair expectation passes: the failures are specific.
    expect(byName['a request for a client (what the API gives)'].result).toBe('OK');
    // Pact alone cannot see this one: the mock sends createdByType (a newer revision's field),
    // so the pact passes; `verify` flags it against the contract (test/verify).
    expect(byName['a request for a client relying on createdByType, which the mock sends but the contract lacks'].result).toBe('OK');
  }, 60_000);
});
