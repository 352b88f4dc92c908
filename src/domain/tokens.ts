import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CryptoKey, JWSHeaderParameters, JWTPayload } from 'jose';

type Jose = typeof import('jose');
/** jose is loaded by the first assertion: a mock whose clients use secrets (most) never needs it. */
let jose: Promise<Jose> | undefined;
const loadJose = (): Promise<Jose> => (jose ??= import('jose'));
import { invalid, unauthenticated } from './errors.js';
import type { Entropy } from './ids.js';
import type { GrantType, Identity, Jwk, StoredClient } from './types.js';

/**
 * The token endpoint's rules (FACTS.md): machine-to-machine web clients get an access token for
 * `client_credentials` (or `urn:qlik:oauth:user-impersonation`), authenticating with one of their
 * secrets or with a private-key JWT signed by one of their public keys.
 */

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Chosen: how long an issued access token says it lives, in seconds (not enforced: see README). */
export const TOKEN_LIFETIME_SECONDS = 3600;
/** FACTS.md: an assertion's `exp` is at most 5 minutes after its `iat`. */
const MAX_ASSERTION_SECONDS = 300;
/** Clocks of caller and mock may differ a little. */
const CLOCK_SKEW_SECONDS = 60;
const GRANTS: readonly GrantType[] = ['client_credentials', 'urn:qlik:oauth:user-impersonation'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenRequest {
  grantType: GrantType;
  clientId: string;
  clientSecret?: string;
  clientAssertion?: string;
  /** Requested scopes; empty for "all the client is allowed". */
  scopes: string[];
  /** For user impersonation: who the token acts for. */
  userLookup?: { field: 'subject' | 'userId'; value: string };
}

export interface IssuedToken {
  response: { access_token: string; token_type: 'bearer'; expires_in: number; scope: string };
  /** Who a bearer of the token is to the API. */
  identity: Identity;
}

/**
 * The fields of a token request (a JSON object or a form), plus credentials from
 * `Authorization: Basic`, checked for shape: 400 for anything missing, repeated or unknown.
 */
export function parseTokenRequest(fields: Record<string, unknown>, basic?: { clientId: string; clientSecret: string }): TokenRequest {
  const text = (name: string): string | undefined => {
    const value = fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value === '') throw invalid(`"${name}" must be a non-empty string.`);
    return value;
  };
  const grant = text('grant_type');
  if (grant === undefined) throw invalid('"grant_type" is required; this endpoint issues "client_credentials" and "urn:qlik:oauth:user-impersonation" tokens.');
  if (!(GRANTS as readonly string[]).includes(grant)) {
    throw invalid(`The grant type "${grant}" is not supported; use "client_credentials" or "urn:qlik:oauth:user-impersonation".`);
  }
  const grantType = grant as GrantType;
  let clientId = text('client_id');
  let clientSecret = text('client_secret');
  if (basic) {
    if (clientSecret !== undefined || (clientId !== undefined && clientId !== basic.clientId)) {
      throw invalid('Send the client credentials once: in the Authorization header or in the body, not both.');
    }
    ({ clientId, clientSecret } = basic);
  }
  const clientAssertion = text('client_assertion');
  if (clientId === undefined && clientAssertion === undefined) throw invalid('"client_id" is required.');
  const assertionType = text('client_assertion_type');
  if (clientAssertion !== undefined && assertionType !== JWT_BEARER) throw invalid(`"client_assertion_type" must be "${JWT_BEARER}".`);
  if (clientAssertion === undefined && assertionType !== undefined) throw invalid('"client_assertion_type" was sent without "client_assertion".');
  if ((clientSecret === undefined) === (clientAssertion === undefined)) {
    throw invalid('Authenticate the client with exactly one of "client_secret" and "client_assertion".');
  }
  // RFC 7523: with an assertion, client_id may be left out; the assertion's subject names the client.
  clientId ??= assertionSubject(clientAssertion!);
  // An empty scope (what some OAuth libraries send when none is configured) asks for nothing in particular.
  const scope = fields.scope === '' ? undefined : text('scope');
  const scopes = scope === undefined ? [] : [...new Set(scope.split(' ').filter(Boolean))];
  const request: TokenRequest = { grantType, clientId, clientSecret, clientAssertion, scopes };
  if (grantType === 'urn:qlik:oauth:user-impersonation') request.userLookup = userLookup(fields);
  return request;
}

/**
 * The `sub` of an assertion, read without verifying it (verification comes with the client's
 * keys). An assertion that names no client is refused as verifying it would refuse it (401).
 */
function assertionSubject(assertion: string): string {
  const parts = assertion.split('.');
  if (parts.length !== 3) throw unauthenticated(NOT_A_JWT);
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw unauthenticated(NOT_JSON_PAYLOAD);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw unauthenticated(NOT_JSON_PAYLOAD);
  const { sub } = payload as { sub?: unknown };
  if (typeof sub !== 'string' || sub === '') throw unauthenticated(ISS_SUB);
  return sub;
}

function userLookup(fields: Record<string, unknown>): TokenRequest['userLookup'] {
  let lookup = fields.user_lookup;
  // In a form, the object may come as JSON text.
  if (typeof lookup === 'string') {
    try {
      lookup = JSON.parse(lookup);
    } catch {
      // reported below
    }
  }
  const field = typeof lookup === 'object' && lookup !== null ? (lookup as Record<string, unknown>).field : fields['user_lookup[field]'];
  const value = typeof lookup === 'object' && lookup !== null ? (lookup as Record<string, unknown>).value : fields['user_lookup[value]'];
  if ((field !== 'subject' && field !== 'userId') || typeof value !== 'string' || value === '') {
    throw invalid('User impersonation needs "user_lookup": {"field": "subject" or "userId", "value": "<the user>"}.');
  }
  return { field, value };
}

export interface TokenContext {
  entropy: Entropy;
  /** The URL of the token endpoint as the caller reaches it: an assertion's `aud`. */
  audience: string;
  /** Signs issued tokens (JWTs a consumer can decode); the mock checks it only to tell its own tokens. */
  signingKey: string;
  /** The session the token is issued in (`sid`; none for the default session). */
  session?: string;
  /** `jti`s of assertions already used, with their `exp`: an assertion is good once. */
  usedAssertions: Map<string, number>;
}

/** Authenticates the client and issues a token: 401 for bad credentials, 400 for a grant or scope the client may not have. */
export async function issueToken(client: StoredClient | undefined, request: TokenRequest, ctx: TokenContext): Promise<IssuedToken> {
  if (!client) throw unauthenticated(`No OAuth client has the id "${request.clientId}".`);
  if (request.clientSecret !== undefined) checkSecret(client, request.clientSecret);
  else await checkAssertion(client, request.clientAssertion!, ctx);
  if (client.appType !== 'web') throw invalid(`Only web clients get tokens here; this client is "${client.appType}".`);
  if (!(client.allowedGrantTypes ?? []).includes(request.grantType)) {
    throw invalid(`The client is not allowed the grant type "${request.grantType}"; its allowedGrantTypes: ${JSON.stringify(client.allowedGrantTypes ?? [])}.`);
  }
  const allowed = client.allowedScopes ?? [];
  const refused = request.scopes.filter((s) => !allowed.includes(s));
  if (refused.length > 0) throw invalid(`The client is not allowed the scope${refused.length > 1 ? 's' : ''} ${refused.map((s) => `"${s}"`).join(', ')}; its allowedScopes: ${JSON.stringify(allowed)}.`);
  const scope = (request.scopes.length > 0 ? request.scopes : allowed).join(' ');

  const identity: Identity = request.userLookup
    ? { userId: request.userLookup.value, tenantId: client.tenantId, admin: false }
    : { userId: client.clientId, tenantId: client.tenantId, admin: true, type: 'service' };
  const iat = Math.floor(ctx.entropy.now() / 1000);
  const claims: Record<string, unknown> = { iss: ctx.audience.replace(/\/oauth\/token$/, ''), sub: identity.userId, client_id: client.clientId, tenant_id: client.tenantId, scope, iat, exp: iat + TOKEN_LIFETIME_SECONDS, jti: uuidFrom(ctx.entropy.hex(16)) };
  if (ctx.session) claims.sid = ctx.session;
  const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  const accessToken = `${unsigned}.${createHmac('sha256', ctx.signingKey).update(unsigned).digest('base64url')}`;
  return { response: { access_token: accessToken, token_type: 'bearer', expires_in: TOKEN_LIFETIME_SECONDS, scope }, identity };
}

/**
 * The session a token the mock issued belongs to ('' for the default session), or null for any
 * other token: only a JWT signed with the mock's key counts.
 */
export function issuedTokenSession(token: string, signingKey: string): string | null {
  // Most tokens are API keys or test tokens: told apart before anything is split or hashed.
  if (!token.startsWith('eyJ')) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const expected = createHmac('sha256', signingKey).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const sid: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')).sid;
    return typeof sid === 'string' ? sid : '';
  } catch {
    return null;
  }
}

function checkSecret(client: StoredClient, secret: string): void {
  if (!(client.allowedAuthMethods ?? []).includes('client_secret')) throw unauthenticated('The client does not authenticate with a client secret (see its allowedAuthMethods).');
  const hash = createHash('sha256').update(secret).digest();
  if (!client.secrets.some((s) => timingSafeEqual(Buffer.from(s.hash, 'hex'), hash))) throw unauthenticated('The client secret is wrong.');
}

/** A private-key JWT (RFC 7523) as FACTS.md describes it, verified by jose; every failure is a 401 saying what. */
async function checkAssertion(client: StoredClient, assertion: string, ctx: TokenContext): Promise<void> {
  if (!(client.allowedAuthMethods ?? []).includes('private_key_jwt')) throw unauthenticated('The client does not authenticate with a private-key JWT (see its allowedAuthMethods).');
  const lib = await loadJose();
  const header = assertionHeader(lib, assertion);
  const jwk = assertionKey(client, header);
  const claims = await verifiedClaims(lib, assertion, header, jwk, client.clientId, ctx);
  // What FACTS.md asks beyond jose: a UUID jti, a life of at most 5 minutes, one use.
  if (typeof claims.jti !== 'string' || !UUID.test(claims.jti)) throw unauthenticated('The client assertion\'s "jti" must be a UUID.');
  const { iat, exp } = claims as { iat: number; exp: number }; // required, and numbers: jose checked
  if (exp - iat > MAX_ASSERTION_SECONDS) throw unauthenticated(EXP_TOO_LATE);
  // No await from here on: the replay check and the record of the jti happen in one turn of the
  // event loop, so two concurrent requests with the same assertion cannot both pass.
  const now = ctx.entropy.now() / 1000;
  for (const [jti, until] of ctx.usedAssertions) if (until <= now - CLOCK_SKEW_SECONDS) ctx.usedAssertions.delete(jti);
  if (ctx.usedAssertions.has(claims.jti)) throw unauthenticated('The client assertion was already used (its "jti" was seen before).');
  ctx.usedAssertions.set(claims.jti, exp);
}

/** The header, read unverified to find the key (jose verifies it with the rest). */
function assertionHeader({ decodeProtectedHeader }: Jose, assertion: string): JWSHeaderParameters {
  // jose checks the compact form again; checked first here so that "abc" is not called a bad header.
  if (assertion.split('.').length !== 3) throw unauthenticated(NOT_A_JWT);
  try {
    return decodeProtectedHeader(assertion);
  } catch {
    throw unauthenticated('The client assertion\'s header is not a base64url-encoded JSON object.');
  }
}

/** The client's public key the header names, for the algorithm the header says (FACTS.md). */
function assertionKey(client: StoredClient, header: JWSHeaderParameters): Jwk {
  const alg = header.alg;
  if (alg !== 'RS256' && alg !== 'RS512' && alg !== 'ES384') throw unauthenticated(ALG_NOT_ALLOWED);
  if (typeof header.kid !== 'string') throw unauthenticated('The client assertion\'s header needs the "kid" of one of the client\'s public keys.');
  const jwk = (client.publicKeys ?? []).find((k) => k.kid === header.kid);
  if (!jwk) throw unauthenticated(`The client has no public key with kid "${header.kid}".`);
  if (jwk.alg !== alg) throw unauthenticated(`The public key "${jwk.kid}" is for ${jwk.alg}, the assertion says ${alg}.`);
  return jwk;
}

/** jose's verification: compact form, "crit", algorithm, signature, iss, sub, aud and times (60 s of skew). */
async function verifiedClaims(lib: Jose, assertion: string, header: JWSHeaderParameters, jwk: Jwk, clientId: string, ctx: TokenContext): Promise<JWTPayload> {
  const { importJWK, jwtVerify } = lib;
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK({ ...jwk }, jwk.alg);
  } catch {
    // a key the platform cannot use (values off the curve, say): nothing verifies with it
    throw unauthenticated(signatureFails(jwk));
  }
  try {
    const { payload } = await jwtVerify(assertion, key, {
      algorithms: [jwk.alg],
      issuer: clientId,
      subject: clientId,
      audience: ctx.audience,
      requiredClaims: ['iat', 'exp', 'jti'],
      // Only so that jose refuses an iat in the future; an older iat breaks the 5-minute rule anyway.
      maxTokenAge: MAX_ASSERTION_SECONDS,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(ctx.entropy.now()),
    });
    return payload;
  } catch (error) {
    throw refusal(lib.errors, error, assertion, header, jwk, ctx.audience);
  }
}

const NOT_A_JWT = 'The client assertion is not a JWT (three base64url parts).';
const NOT_JSON_PAYLOAD = 'The client assertion\'s payload is not a base64url-encoded JSON object.';
const ALG_NOT_ALLOWED = 'The client assertion\'s "alg" must be RS256, RS512 or ES384.';
const ISS_SUB = 'The client assertion\'s "iss" and "sub" must both be the client id.';
const NOT_NUMERIC = 'The client assertion needs numeric "iat" and "exp".';
const EXP_TOO_LATE = `The client assertion's "exp" is more than ${MAX_ASSERTION_SECONDS} seconds after its "iat".`;
const signatureFails = (jwk: Jwk) => `The client assertion's signature does not verify with the public key "${jwk.kid}".`;

/** The sentence the API gives for jose's reason to refuse an assertion; an error that is no refusal is thrown as it is. */
function refusal(errors: Jose['errors'], error: unknown, assertion: string, header: JWSHeaderParameters, jwk: Jwk, audience: string): unknown {
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthenticated(signatureFails(jwk));
  // An iat older than 5 minutes (maxTokenAge) with an exp still good is an exp more than 5 minutes after it.
  if (error instanceof errors.JWTExpired) return unauthenticated(error.claim === 'iat' ? EXP_TOO_LATE : 'The client assertion has expired ("exp").');
  if (error instanceof errors.JWTClaimValidationFailed) return unauthenticated(claimRefusal(error, audience));
  // The payload is not a JSON object, or is not encoded at all (a "b64": false header).
  if (error instanceof errors.JWTInvalid) return unauthenticated(NOT_JSON_PAYLOAD);
  // Verifying, jose raises it only for a "crit" extension it does not know (RFC 7515 §4.1.11: refuse).
  if (error instanceof errors.JOSENotSupported) {
    return unauthenticated(`The client assertion's header "crit" names an extension the mock does not support: ${JSON.stringify(header.crit)}.`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthenticated(ALG_NOT_ALLOWED);
  if (error instanceof errors.JWSInvalid) return unauthenticated(malformed(assertion, header));
  // The options are fixed, so a TypeError is about the key: an RSA key under 2048 bits, say.
  if (error instanceof TypeError) return unauthenticated(`The public key "${jwk.kid}" cannot verify the client assertion (${error.message}).`);
  return error;
}

function claimRefusal(error: InstanceType<Jose['errors']['JWTClaimValidationFailed']>, audience: string): string {
  const checked = error.reason === 'check_failed';
  switch (error.claim) {
    case 'iss':
    case 'sub':
      return ISS_SUB;
    case 'aud':
      return `The client assertion's "aud" must be "${audience}".`;
    case 'jti':
      return 'The client assertion\'s "jti" must be a UUID.';
    case 'iat':
      return checked ? 'The client assertion was issued in the future ("iat").' : NOT_NUMERIC;
    case 'exp':
      return NOT_NUMERIC;
    case 'nbf':
      return checked ? 'The client assertion is not valid yet ("nbf").' : 'The client assertion\'s "nbf" must be a number.';
    default:
      return `The client assertion's "${error.claim}" is refused (${error.message}).`;
  }
}

/**
 * Which part of the assertion jose found malformed (JWSInvalid): this only picks the sentence,
 * jose has decided. jose reads the parts as strict base64url, so a part in standard base64
 * (with "+" or "/") is refused here, where Node's lenient decoder would take it.
 */
function malformed(assertion: string, header: JWSHeaderParameters): string {
  const [, payload, signature] = assertion.split('.');
  if (!isBase64url(payload)) return NOT_JSON_PAYLOAD;
  if (!isBase64url(signature)) return NOT_A_JWT;
  if (header.crit !== undefined) return 'The client assertion\'s header "crit" must be a non-empty list of names of extension parameters the header carries.';
  return NOT_A_JWT;
}

const isBase64url = (part: string) => /^[A-Za-z0-9_-]*$/.test(part) && part.length % 4 !== 1;

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/** 32 hex characters as a version-4-shaped UUID. */
function uuidFrom(hex: string): string {
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
