import { invalid } from './errors.js';
import { OPTIONAL_CLIENT_FIELDS, type CreateInput, type Identity, type Jwk, type PatchOperation, type StoredClient } from './types.js';

/** Per-list limits the document means but misplaces on the string items (docs/FACTS.md). */
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
    createdByType: ctx.owner.type === 'service' ? 'service' : 'user',
    secrets: [],
  };
  for (const key of OPTIONAL_CLIENT_FIELDS) {
    if (input[key] !== undefined) (client as unknown as Record<string, unknown>)[key] = structuredClone(input[key]);
  }
  // Unknown members of a key are ignored like unknown members of the body: stored, they would
  // make the data file (whose schema is closed) unloadable, and a deeply nested one broke the clone.
  if (input.publicKeys !== undefined) client.publicKeys = input.publicKeys.map(knownJwkMembers);
  withDefaultAuthMethods(client);
  return client;
}

/** A web client authenticates with a secret unless told otherwise: at creation, and after a patch removed its methods. */
function withDefaultAuthMethods(client: StoredClient): void {
  if (client.appType === 'web' && client.allowedAuthMethods === undefined) client.allowedAuthMethods = ['client_secret'];
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

type Check = (value: unknown) => string | undefined;

const text = (max: number, nonEmpty = false): Check => (v) =>
  typeof v !== 'string' ? 'a string' : nonEmpty && v.trim() === '' ? 'a non-empty string' : characters(v) > max ? `a string of at most ${max} characters` : undefined;

const strings = (max: number, allowed?: readonly string[]): Check => (list) => {
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || characters(s) > max)) return `an array of strings of at most ${max} characters`;
  if (allowed && list.some((s) => !allowed.includes(s))) return `an array of ${allowed.map((a) => `"${a}"`).join(', ')}`;
  if (new Set(list).size !== list.length) return 'an array without duplicates';
  return undefined;
};

const JWK_ENUMS = { kty: ['RSA', 'EC'], use: ['sig'], alg: ['RS256', 'RS512', 'ES384'] } as const;
const JWK_STRINGS = ['kid', 'n', 'e', 'crv', 'x', 'y'] as const;

const keys: Check = (v) => {
  const valid = (key: unknown): boolean => {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return false;
    const k = key as Record<string, unknown>;
    for (const [field, values] of Object.entries(JWK_ENUMS)) if (!(values as readonly unknown[]).includes(k[field])) return false;
    if (typeof k.kid !== 'string') return false;
    return JWK_STRINGS.every((field) => k[field] === undefined || typeof k[field] === 'string');
  };
  return Array.isArray(v) && v.every(valid) ? undefined : 'an array of JSON Web Keys ({"kty": "RSA"|"EC", "use": "sig", "alg": "RS256"|"RS512"|"ES384", "kid", ...})';
};

type PatchField = 'clientName' | 'description' | 'clientUri' | 'logoUri' | 'jwksUri' | 'redirectUris' | 'allowedOrigins' | 'allowedScopes' | 'allowedGrantTypes' | 'allowedAuthMethods' | 'publicKeys';

/** Every path a PATCH may touch (the contract says which of them its API accepts), and what value each takes. */
const PATCHABLE: Record<string, { field: PatchField; required?: boolean; check: Check }> = {
  '/clientName': { field: 'clientName', required: true, check: text(512, true) },
  '/description': { field: 'description', check: text(4096) },
  '/clientUri': { field: 'clientUri', check: text(2048) },
  '/logoUri': { field: 'logoUri', check: text(2048) },
  '/jwksUri': { field: 'jwksUri', check: text(2048) },
  '/redirectUris': { field: 'redirectUris', check: strings(256) },
  '/allowedOrigins': { field: 'allowedOrigins', check: strings(256) },
  '/allowedScopes': { field: 'allowedScopes', check: strings(256) },
  '/allowedGrantTypes': { field: 'allowedGrantTypes', check: strings(256, ['client_credentials', 'urn:qlik:oauth:user-impersonation']) },
  '/allowedAuthMethods': { field: 'allowedAuthMethods', check: strings(256, ['client_secret', 'private_key_jwt']) },
  '/publicKeys': { field: 'publicKeys', check: keys },
};

/**
 * Applies a JSON Patch (RFC 6902) array to a client, all or nothing: the result is a new
 * record, the input is never touched, and the rules of creation hold for it (or it throws).
 * `add` and `replace` set the member (RFC 6902: `add` on an existing member replaces it);
 * `remove` deletes it, and of an absent member changes nothing.
 */
export function applyPatch(client: StoredClient, operations: readonly PatchOperation[], now: string): StoredClient {
  const next: StoredClient = { ...client };
  const fields = next as unknown as Record<string, unknown>;
  operations.forEach((operation, i) => {
    const at = `operation ${i}`;
    const target = PATCHABLE[operation.path];
    if (!target) throw invalid(`${at}: path "${operation.path}" cannot be patched; use one of ${Object.keys(PATCHABLE).join(', ')}.`);
    if (operation.op === 'remove') {
      if (target.required) throw invalid(`${at}: ${operation.path} is required and cannot be removed.`);
      delete fields[target.field];
      return;
    }
    if (!('value' in operation)) throw invalid(`${at}: "${operation.op}" needs a value.`);
    const problem = target.check(operation.value);
    if (problem) throw invalid(`${at}: the value of ${operation.path} must be ${problem}.`);
    fields[target.field] = target.field === 'publicKeys' ? (operation.value as Jwk[]).map(knownJwkMembers) : structuredClone(operation.value);
  });
  if (operations.length === 0) return next;
  // A stored client has the fields of a create body (and passed the same per-value checks above).
  checkCreateRules(next as unknown as CreateInput);
  withDefaultAuthMethods(next);
  next.updatedAt = now;
  return next;
}
