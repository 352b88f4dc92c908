import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/document.js';
import { compileValidators } from '../../../src/contract/validators.js';
import { faultRuleSchema } from '../../../src/faults/rules.js';
import { fakerSchema, rateLimitsSchema, scenarioFileSchema } from '../../../src/faults/scenarios.js';
import { FIXTURES_DIR } from '../../../src/data/fixtures.js';
import { parseSnapshot, snapshotSchema } from '../../../src/store/snapshot.js';

/** At run time schemas are compiled without the meta-schema check (it cost ~23 ms per start): it is done here. */
describe('every schema compiled at run time', () => {
  it.each([
    ['fault rule', faultRuleSchema],
    ['stored data', snapshotSchema],
    ['scenario file', scenarioFileSchema],
    ['scenario rate limits', rateLimitsSchema],
    ['scenario faker', fakerSchema],
  ])('%s: valid against the draft-07 meta-schema', (_name, schema) => {
    const ajv = new Ajv({ strict: true });
    expect(ajv.validateSchema(schema), ajv.errorsText()).toBe(true);
  });

  it("the contract's: its request validators compile with the meta-schema check on", () => {
    expect(() => compileValidators(loadContract(), { validateSchema: true })).not.toThrow();
  });

  it('the embedded fixtures, trusted at start, are valid stored data', () => {
    expect(() => parseSnapshot(JSON.parse(readFileSync(`${FIXTURES_DIR}clients.json`, 'utf8')))).not.toThrow();
  });

  it('a meta-schema check would catch a broken schema (the check is real)', () => {
    const ajv = new Ajv({ strict: true });
    expect(ajv.validateSchema({ type: 'object', properties: { a: { minLength: 'five' } } })).toBe(false);
  });
});
