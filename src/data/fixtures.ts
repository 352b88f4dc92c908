import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IdentityConfig } from '../domain/identities.js';
import type { Snapshot } from '../store/types.js';

/** The embedded default data and identities, shipped in fixtures/ beside src/ and dist/. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

const read = new Map<string, unknown>();
/** Read once per process: a store copies what it loads, and the identities are never changed. */
const readJson = (name: string): unknown => {
  if (!read.has(name)) read.set(name, JSON.parse(readFileSync(`${FIXTURES_DIR}${name}`, 'utf8')));
  return read.get(name);
};

/** Trusted as shipped, not validated on every start (test/unit/contract/schemas.test.ts checks it). */
export const loadDefaultSnapshot = (): Snapshot => readJson('clients.json') as Snapshot;
export const loadDefaultIdentities = (): IdentityConfig => readJson('identities.json') as IdentityConfig;
