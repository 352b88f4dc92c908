import { invalid } from './errors.js';
import { OPTIONAL_CLIENT_FIELDS, type CreateInput, type Identity, type Jwk, type PatchOperation, type StoredClient } from './types.js';

/** Per-list limits the document means but misplaces on the string items (FACTS.md). */
export const MAX_REDIRECT_URIS = 5;
export const MAX_ALLOWED_ORIGINS = 5;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const EC_CURVE_FOR_ALG: Record<string, string> = { ES384: 'P-384' };

/**
 * The documented rules of creation that a JSON schema cannot say. The input has already
 * passed the contract's schema, so types and enums are right here.
 */
export function checkCreateRules(input: CreateInput): void {
  if (input.clientName.trim() === '') throw invalid('clientName must not be empty.');
  if (input.allowedGrantTypes !== undefined && input.appType !== 'web') {
    throw invalid('allowedGrantTypes is only allowed for appType "web".');
  }
  if (input.allowedOrigins !== undefined && input.appType !== 'spa') {
    throw invalid('allowedOrigins is only allowed for appType "spa".');
  }
  checkList('redirectUris', input.redirectUris, MAX_REDIRECT_URIS);
  checkList('allowedOrigins', input.allowedOrigins, MAX_ALLOWED_ORIGINS);
  checkList('allowedScopes', input.allowedScopes);
  checkList('allowedGrantTypes', input.allowedGrantTypes);
  checkList('allowedAuthMethods', input.allowedAuthMethods);
  input.redirectUris?.forEach((uri, i) => checkAbsoluteUri(`redirectUris[${i}]`, uri));
  input.allowedOrigins?.forEach((origin, i) => checkOrigin(`allowedOrigins[${i}]`, origin));
  if (input.publicKeys !== undefined) checkPublicKeys(input.publicKeys);
  if (input.allowedAuthMethods?.includes('private_key_jwt') && !input.publicKeys?.length) {
    throw invalid('allowedAuthMethods "private_key_jwt" requires at least one entry in publicKeys.');
  }
}

function checkList(name: string, list: readonly string[] | undefined, max?: number): void {
  if (list === undefined) return;
  if (max !== undefined && list.length > max) {
    throw invalid(`${name} may hold at most ${max} entries; got ${list.length}.`);
  }
  if (new Set(list).size !== list.length) throw invalid(`${name} must not contain duplicates.`);
}

function checkAbsoluteUri(name: string, value: string): void {
  if (!URL.canParse(value)) throw invalid(`${name} must be an absolute URI; got "${value}".`);
}

function checkOrigin(name: string, value: string): void {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value.replace(/\/$/, '')) {
    throw invalid(`${name} must be an origin such as "https://example.com"; got "${value}".`);
  }
}

/** Members each key type needs, and those that belong to the other type (RFC 7518 §6). */
const JWK_MEMBERS = {
  RSA: { own: ['n', 'e'], foreign: ['crv', 'x', 'y'], algPrefix: 'RS' },
  EC: { own: ['x', 'y'], foreign: ['n', 'e'], algPrefix: 'ES' },
} as const;

/** JWK fields must fit their key type and algorithm (RFC 7517/7518). */
function checkPublicKeys(keys: readonly Jwk[]): void {
  const kids = new Set<string>();
  keys.forEach((key, i) => {
    const at = `publicKeys[${i}]`;
    const members = JWK_MEMBERS[key.kty];
    if (key.kid.trim() === '') throw invalid(`${at}.kid must not be empty.`);
    if (kids.has(key.kid)) throw invalid(`${at}.kid "${key.kid}" is used by another key.`);
    kids.add(key.kid);
    if (!key.alg.startsWith(members.algPrefix)) throw invalid(`${at}.alg ${key.alg} does not fit kty ${key.kty}.`);
    if (key.kty === 'EC' && key.crv !== EC_CURVE_FOR_ALG[key.alg]) {
      throw invalid(`${at}.crv must be "${EC_CURVE_FOR_ALG[key.alg]}" for alg ${key.alg}.`);
    }
    for (const field of members.own) {
      const value = key[field];
      if (value === undefined || value === '') throw invalid(`${at}.${field} is required for kty ${key.kty}.`);
      if (!BASE64URL.test(value)) throw invalid(`${at}.${field} must be base64url.`);
    }
    for (const field of members.foreign) {
      if (key[field] !== undefined) throw invalid(`${at}.${field} does not belong to kty ${key.kty}.`);
    }
  });
}

/** The stored record of a new client, from input that passed the contract and the rules above. */
export function buildClient(
  input: CreateInput,
  ctx: { clientId: string; now: string; owner: Identity },
): StoredClient {
  const client: StoredClient = {
    tenantId: ctx.owner.tenantId,
    clientId: ctx.clientId,
    appType: input.appType,
    clientName: input.clientName,
    connectionConfig: { consentMethod: input.connectionConfig?.consentMethod ?? 'required' },
    createdAt: ctx.now,
    updatedAt: ctx.now,
    ownerId: ctx.owner.userId,
    createdByType: 'user',
    secrets: [],
  };
  for (const key of OPTIONAL_CLIENT_FIELDS) {
    if (input[key] !== undefined) (client as unknown as Record<string, unknown>)[key] = structuredClone(input[key]);
  }
  // Unknown members of a key are ignored like unknown members of the body: stored, they would
  // make the data file (whose schema is closed) unloadable, and a deeply nested one broke the clone.
  if (input.publicKeys !== undefined) client.publicKeys = input.publicKeys.map(knownJwkMembers);
  // A web client authenticates with a secret unless told otherwise.
  if (client.appType === 'web' && client.allowedAuthMethods === undefined) {
    client.allowedAuthMethods = ['client_secret'];
  }
  return client;
}


const JWK_FIELDS = ['kty', 'use', 'alg', 'kid', 'n', 'e', 'crv', 'x', 'y'] as const satisfies readonly (keyof Jwk)[];

function knownJwkMembers(key: Jwk): Jwk {
  const copy: Record<string, string> = {};
  for (const field of JWK_FIELDS) if (key[field] !== undefined) copy[field] = key[field];
  return copy as unknown as Jwk;
}

/** A string's length as JSON Schema's maxLength counts it (code points), as at creation. */
const characters = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** What PATCH may touch, and what value each path takes. */
const PATCHABLE: Record<string, { field: 'clientName' | 'description' | 'allowedScopes'; required: boolean; check: (value: unknown) => string | undefined }> = {
  '/clientName': {
    field: 'clientName',
    required: true,
    check: (v) => (typeof v !== 'string' ? 'a string' : v.trim() === '' ? 'a non-empty string' : characters(v) > 512 ? 'a string of at most 512 characters' : undefined),
  },
  '/description': {
    field: 'description',
    required: false,
    check: (v) => (typeof v !== 'string' ? 'a string' : characters(v) > 4096 ? 'a string of at most 4096 characters' : undefined),
  },
  '/allowedScopes': {
    field: 'allowedScopes',
    required: false,
    check: (v) =>
      !Array.isArray(v) || v.some((s) => typeof s !== 'string' || characters(s) > 256)
        ? 'an array of strings of at most 256 characters'
        : new Set(v).size !== v.length
          ? 'an array without duplicates'
          : undefined,
  },
};

/**
 * Applies a JSON Patch (RFC 6902) array to a client, all or nothing: the result is a new
 * record, the input is never touched. Lenient where consumers of the real API rely on it:
 * `replace` on an absent optional member sets it, `remove` of an absent one is a no-op.
 */
export function applyPatch(client: StoredClient, operations: readonly PatchOperation[], now: string): StoredClient {
  const next: StoredClient = { ...client };
  operations.forEach((operation, i) => {
    const at = `operation ${i}`;
    const target = PATCHABLE[operation.path];
    if (!target) throw invalid(`${at}: path "${operation.path}" cannot be patched; use one of ${Object.keys(PATCHABLE).join(', ')}.`);
    if (operation.op === 'remove') {
      if (target.required) throw invalid(`${at}: ${operation.path} is required and cannot be removed.`);
      delete next[target.field];
      return;
    }
    if (!('value' in operation)) throw invalid(`${at}: "${operation.op}" needs a value.`);
    const problem = target.check(operation.value);
    if (problem) throw invalid(`${at}: the value of ${operation.path} must be ${problem}.`);
    (next as unknown as Record<string, unknown>)[target.field] = structuredClone(operation.value);
  });
  if (operations.length > 0) next.updatedAt = now;
  return next;
}
