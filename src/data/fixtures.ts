import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IdentityConfig } from '../domain/identities.js';
import { parseSnapshot } from '../store/snapshot.js';
import type { Snapshot } from '../store/types.js';

/** The embedded default data and identities, shipped in fixtures/ beside src/ and dist/. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url));

const readJson = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES_DIR}${name}`, 'utf8'));

export const loadDefaultSnapshot = (): Snapshot => parseSnapshot(readJson('clients.json'));
export const loadDefaultIdentities = (): IdentityConfig => readJson('identities.json') as IdentityConfig;
