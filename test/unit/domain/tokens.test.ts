import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { sha256Hex, type Entropy } from '../../../src/domain/ids.js';
import { issuedTokenSession, issueToken, JWT_BEARER, parseTokenRequest, TOKEN_LIFETIME_SECONDS, type TokenContext } from '../../../src/domain/tokens.js';
import type { Jwk, StoredClient } from '../../../src/domain/types.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const AUD = 'https://tenant.example.com/oauth/token';
const SECRET = 'f'.repeat(60) + 'abcd';
const entropy: Entropy = { hex: (n) => '0123456789abcdef'.repeat(8).slice(0, n * 2), now: () => NOW };
const context = (): TokenContext => ({ entropy, audience: AUD, signingKey: 'k', usedAssertions: new Map() });

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const jwkOf = (key: KeyObject, kid: string, alg: Jwk['alg']): Jwk => ({ ...(key.export({ format: 'jwk' }) as object), kid, alg, use: 'sig' }) as Jwk;

const client = (over: Partial<StoredClient> = {}): StoredClient => ({
  tenantId: 'tenant-1',
  clientId: 'c'.repeat(32),
  appType: 'web',
  clientName: 'M2M',
  allowedGrantTypes: ['client_credentials'],
  allowedAuthMethods: ['client_secret', 'private_key_jwt'],
  allowedScopes: ['user_default', 'admin_classic'],
  publicKeys: [jwkOf(rsa.publicKey, 'rsa-1', 'RS256'), jwkOf(ec.publicKey, 'ec-1', 'ES384'), jwkOf(rsa.publicKey, 'rsa-512', 'RS512')],
  connectionConfig: { consentMethod: 'trusted' },
  createdAt: 't',
  updatedAt: 't',
  ownerId: 'o',
  createdByType: 'user',
  secrets: [{ hint: 'abcd', hash: sha256Hex(SECRET), createdAt: 't', createdBy: 'o' }],
  ...over,
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A private-key JWT as a client would sign it; `over` changes claims, `header` the header. */
function assertion(over: Record<string, unknown> = {}, header: Record<string, unknown> = { alg: 'RS256', kid: 'rsa-1' }): string {
  const iat = Math.floor(NOW / 1000);
  const claims = { iss: 'c'.repeat(32), sub: 'c'.repeat(32), aud: AUD, jti: randomUUID(), iat, exp: iat + 300, ...over };
  return signed(b64(header), b64(claims), header.alg as string);
}

/** Claims as `assertion()` makes them, for assertions built part by part. */
const goodClaims = (over: Record<string, unknown> = {}) => {
  const iat = Math.floor(NOW / 1000);
  return { iss: 'c'.repeat(32), sub: 'c'.repeat(32), aud: AUD, jti: randomUUID(), iat, exp: iat + 300, ...over };
};

/** A signature over exactly `headerPart.payloadPart`, whatever encoding those parts are in. */
function signed(headerPart: string, payloadPart: string, alg: string, rsaKey: KeyObject = rsa.privateKey): string {
  const input = `${headerPart}.${payloadPart}`;
  const signature =
    alg === 'ES384'
      ? sign('sha384', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(alg === 'RS512' ? 'sha512' : 'sha256', Buffer.from(input), rsaKey);
  return `${input}.${signature.toString('base64url')}`;
}

/** Standard base64 (no padding) of JSON that holds a "+" or a "/" there: what base64url would spell "-" or "_". */
function standardBase64(value: Record<string, unknown>): string {
  for (let n = 0; ; n++) {
    const text = Buffer.from(JSON.stringify({ ...value, pad: '?'.repeat(n) })).toString('base64').replace(/=+$/, '');
    if (/[+/]/.test(text)) return text;
  }
}

const withSecret = (over: Record<string, unknown> = {}) =>
  parseTokenRequest({ grant_type: 'client_credentials', client_id: 'c'.repeat(32), client_secret: SECRET, ...over });
const withAssertion = (jwt: string) =>
  parseTokenRequest({ grant_type: 'client_credentials', client_id: 'c'.repeat(32), client_assertion: jwt, client_assertion_type: JWT_BEARER });

/** The error kind and message a call throws (or rejects with: issueToken is async). */
async function failure(call: () => unknown): Promise<{ kind: string; message: string }> {
  try {
    await call();
  } catch (error) {
    if (error instanceof DomainError) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('parseTokenRequest', () => {
  it('reads the grant, the client and its credentials, and the scopes', () => {
    expect(withSecret({ scope: 'user_default  admin_classic user_default' })).toEqual({
      grantType: 'client_credentials',
      clientId: 'c'.repeat(32),
      clientSecret: SECRET,
      clientAssertion: undefined,
      scopes: ['user_default', 'admin_classic'],
    });
  });

  it('takes an empty scope as no scope in particular', () => {
    expect(withSecret({ scope: '' }).scopes).toEqual([]);
  });

  it('takes the credentials from Authorization: Basic, and refuses them twice', async () => {
    const basic = { clientId: 'id', clientSecret: 's' };
    expect(parseTokenRequest({ grant_type: 'client_credentials' }, basic)).toMatchObject({ clientId: 'id', clientSecret: 's' });
    expect((await failure(() => parseTokenRequest({ grant_type: 'client_credentials', client_secret: 'x' }, basic))).kind).toBe('invalid');
  });

  it.each([
    [{}, /grant_type" is required/],
    [{ grant_type: 'authorization_code' }, /not supported/],
    [{ grant_type: 'client_credentials' }, /client_id" is required/],
    [{ grant_type: 'client_credentials', client_id: 'c' }, /exactly one of/],
    [{ grant_type: 'client_credentials', client_id: 'c', client_secret: 's', client_assertion: 'a', client_assertion_type: JWT_BEARER }, /exactly one of/],
    [{ grant_type: 'client_credentials', client_id: 'c', client_assertion: 'a' }, /client_assertion_type" must be/],
    [{ grant_type: 'client_credentials', client_id: 'c', client_secret: 's', client_assertion_type: JWT_BEARER }, /without "client_assertion"/],
    [{ grant_type: 'client_credentials', client_id: 7, client_secret: 's' }, /client_id" must be a non-empty string/],
    [{ grant_type: 'client_credentials', client_id: '', client_secret: 's' }, /client_id" must be a non-empty string/],
    [{ grant_type: 'urn:qlik:oauth:user-impersonation', client_id: 'c', client_secret: 's' }, /user_lookup/],
    [{ grant_type: 'urn:qlik:oauth:user-impersonation', client_id: 'c', client_secret: 's', user_lookup: { field: 'email', value: 'x' } }, /user_lookup/],
  ])('refuses %j with a 400 saying what is wrong', async (fields, message) => {
    const error = await failure(() => parseTokenRequest(fields));
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(message);
  });

  it('reads user_lookup from a JSON object, from form fields, or from JSON text in a form', async () => {
    const base = { grant_type: 'urn:qlik:oauth:user-impersonation', client_id: 'c', client_secret: 's' };
    expect(parseTokenRequest({ ...base, user_lookup: { field: 'subject', value: 'auth0|42' } }).userLookup).toEqual({ field: 'subject', value: 'auth0|42' });
    expect(parseTokenRequest({ ...base, 'user_lookup[field]': 'userId', 'user_lookup[value]': 'u-1' }).userLookup).toEqual({ field: 'userId', value: 'u-1' });
    expect(parseTokenRequest({ ...base, user_lookup: '{"field":"userId","value":"u-2"}' }).userLookup).toEqual({ field: 'userId', value: 'u-2' });
    expect((await failure(() => parseTokenRequest({ ...base, user_lookup: '{not json' }))).message).toMatch(/user_lookup/);
  });

  it("takes the client id from an assertion's subject when client_id is left out (RFC 7523)", async () => {
    const jwt = assertion();
    const request = parseTokenRequest({ grant_type: 'client_credentials', client_assertion: jwt, client_assertion_type: JWT_BEARER });
    expect(request.clientId).toBe('c'.repeat(32));
    expect((await issueToken(client(), request, context())).response.token_type).toBe('bearer');
    // An assertion that names no client is refused as verifying it would refuse it: 401, saying why.
    const refused = async (client_assertion: string) => failure(() => parseTokenRequest({ grant_type: 'client_credentials', client_assertion, client_assertion_type: JWT_BEARER }));
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const [jwt, why] of [
      ['not-a-jwt', /not a JWT/],
      [`${b64({ alg: 'RS256' })}.e30.sig`, /"iss" and "sub" must both be the client id/],
      [`${b64({ alg: 'RS256' })}.${b64([1])}.sig`, /payload is not a base64url-encoded JSON object/],
      [`${b64({ alg: 'RS256' })}.%%%.sig`, /payload is not a base64url-encoded JSON object/],
    ] as const) {
      const error = await refused(jwt);
      expect(error).toMatchObject({ kind: 'unauthenticated' });
      expect(error.message).toMatch(why);
    }
  });
});

describe('issueToken', () => {
  it('issues a bearer token for a secret, with every allowed scope when none was asked for', async () => {
    const { response, identity } = await issueToken(client(), withSecret(), context());
    expect(response).toMatchObject({ token_type: 'bearer', expires_in: TOKEN_LIFETIME_SECONDS, scope: 'user_default admin_classic' });
    expect(identity).toEqual({ userId: 'c'.repeat(32), tenantId: 'tenant-1', admin: true, type: 'service' });
    const [, payload] = response.access_token.split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      iss: 'https://tenant.example.com',
      sub: 'c'.repeat(32),
      client_id: 'c'.repeat(32),
      scope: 'user_default admin_classic',
      exp: Math.floor(NOW / 1000) + TOKEN_LIFETIME_SECONDS,
    });
  });

  it('grants only the scopes asked for, and refuses one the client does not have', async () => {
    expect((await issueToken(client(), withSecret({ scope: 'user_default' }), context())).response.scope).toBe('user_default');
    const error = await failure(() => issueToken(client(), withSecret({ scope: 'user_default apps:read' }), context()));
    expect(error).toMatchObject({ kind: 'invalid' });
    expect(error.message).toContain('"apps:read"');
  });

  it('answers 401 for an unknown client, a wrong secret, or a method the client does not allow', async () => {
    expect((await failure(() => issueToken(undefined, withSecret(), context()))).kind).toBe('unauthenticated');
    expect((await failure(() => issueToken(client(), withSecret({ client_secret: 'wrong' }), context()))).kind).toBe('unauthenticated');
    expect((await failure(() => issueToken(client({ allowedAuthMethods: ['private_key_jwt'] }), withSecret(), context()))).kind).toBe('unauthenticated');
    expect((await failure(() => issueToken(client({ allowedAuthMethods: ['client_secret'] }), withAssertion(assertion()), context()))).kind).toBe('unauthenticated');
  });

  it('answers 400 for a grant the client is not allowed, or a client that is not a web client', async () => {
    expect((await failure(() => issueToken(client({ allowedGrantTypes: ['urn:qlik:oauth:user-impersonation'] }), withSecret(), context()))).message).toContain(
      'not allowed the grant type "client_credentials"',
    );
    expect((await failure(() => issueToken(client({ allowedGrantTypes: undefined }), withSecret(), context()))).kind).toBe('invalid');
    expect((await failure(() => issueToken(client({ appType: 'native' }), withSecret(), context()))).message).toContain('Only web clients');
  });

  it('issues an impersonation token that acts as the user looked up, not as an admin', async () => {
    const request = parseTokenRequest({ grant_type: 'urn:qlik:oauth:user-impersonation', client_id: 'c'.repeat(32), client_secret: SECRET, user_lookup: { field: 'userId', value: 'u-7' } });
    const { identity } = await issueToken(client({ allowedGrantTypes: ['urn:qlik:oauth:user-impersonation'] }), request, context());
    expect(identity).toEqual({ userId: 'u-7', tenantId: 'tenant-1', admin: false });
  });

  it.each([
    ['RS256', 'rsa-1'],
    ['RS512', 'rsa-512'],
    ['ES384', 'ec-1'],
  ])('accepts a private-key JWT signed with %s', async (alg, kid) => {
    expect((await issueToken(client(), withAssertion(assertion({}, { alg, kid })), context())).response.token_type).toBe('bearer');
  });

  it.each([
    ['not a JWT', () => 'abc', /not a JWT/],
    ['a header that is not JSON', () => `e30.${assertion().split('.').slice(1).join('.')}`.replace(/^e30/, 'bm90LWpzb24'), /header is not/],
    ['alg none', () => assertion({}, { alg: 'none', kid: 'rsa-1' }).split('.').slice(0, 2).join('.') + '.', /"alg" must be/],
    ['HS256', () => `${b64({ alg: 'HS256', kid: 'rsa-1' })}.${b64({})}.c2ln`, /"alg" must be/],
    ['no kid', () => assertion({}, { alg: 'RS256' }), /"kid"/],
    ['an unknown kid', () => assertion({}, { alg: 'RS256', kid: 'other' }), /no public key with kid "other"/],
    ['a key of another alg', () => assertion({}, { alg: 'RS512', kid: 'rsa-1' }), /is for RS256/],
    ['a tampered payload', () => {
      const [h, , s] = assertion().split('.');
      return `${h}.${b64({ iss: 'c'.repeat(32), sub: 'c'.repeat(32), aud: AUD, jti: randomUUID(), iat: 1, exp: 2 })}.${s}`;
    }, /signature does not verify/],
    ['iss not the client', () => assertion({ iss: 'someone' }), /"iss" and "sub"/],
    ['sub not the client', () => assertion({ sub: 'someone' }), /"iss" and "sub"/],
    ['another audience', () => assertion({ aud: 'https://elsewhere.example.com/oauth/token' }), /"aud" must be/],
    ['a jti that is not a UUID', () => assertion({ jti: 'abc' }), /"jti" must be a UUID/],
    ['exp more than 5 minutes after iat', () => assertion({ exp: Math.floor(NOW / 1000) + 301 }), /more than 300 seconds/],
    ['an expired assertion', () => assertion({ iat: Math.floor(NOW / 1000) - 400, exp: Math.floor(NOW / 1000) - 100 }), /expired/],
    ['an iat in the future', () => assertion({ iat: Math.floor(NOW / 1000) + 600, exp: Math.floor(NOW / 1000) + 700 }), /in the future/],
    ['no iat', () => assertion({ iat: undefined }), /numeric "iat" and "exp"/],
  ])('answers 401 for an assertion with %s', async (_name, make, message) => {
    const error = await failure(() => issueToken(client(), withAssertion(make()), context()));
    expect(error.kind).toBe('unauthenticated');
    expect(error.message).toMatch(message);
  });

  // What jose refuses that the hand-written check took (the audit), and jose's other rules.
  it.each([
    ['a payload in standard base64 ("+" or "/")', () => signed(b64({ alg: 'RS256', kid: 'rsa-1' }), standardBase64(goodClaims()), 'RS256'), /payload is not a base64url-encoded JSON object/],
    ['a header in standard base64 ("+" or "/")', () => signed(standardBase64({ alg: 'RS256', kid: 'rsa-1' }), b64(goodClaims()), 'RS256'), /header is not a base64url-encoded JSON object/],
    ['a payload that is not JSON (signed)', () => signed(b64({ alg: 'RS256', kid: 'rsa-1' }), Buffer.from('not json').toString('base64url'), 'RS256'), /payload is not/],
    ['a good signature in standard base64', () => {
      for (;;) {
        const [h, p, sig] = assertion().split('.');
        const standard = Buffer.from(sig, 'base64url').toString('base64').replace(/=+$/, '');
        if (/[+/]/.test(standard)) return `${h}.${p}.${standard}`;
      }
    }, /not a JWT \(three base64url parts\)/],
    ['an unknown "crit" extension', () => assertion({}, { alg: 'RS256', kid: 'rsa-1', crit: ['x-unknown'], 'x-unknown': 1 }), /"crit" names an extension the mock does not support: \["x-unknown"\]/],
    ['an empty "crit"', () => assertion({}, { alg: 'RS256', kid: 'rsa-1', crit: [] }), /"crit" must be a non-empty list/],
    ['alg none, with no signature', () => `${b64({ alg: 'none', kid: 'rsa-1' })}.${b64(goodClaims())}.`, /"alg" must be/],
    ['HS256, keyed with the public key (algorithm confusion)', () => {
      const input = `${b64({ alg: 'HS256', kid: 'rsa-1' })}.${b64(goodClaims())}`;
      const publicJwk = client().publicKeys![0];
      return `${input}.${createHmac('sha256', JSON.stringify(publicJwk)).update(input).digest('base64url')}`;
    }, /"alg" must be/],
    ['an iat 70 s in the future', () => assertion({ iat: Math.floor(NOW / 1000) + 70, exp: Math.floor(NOW / 1000) + 300 }), /in the future/],
    ['an exp 70 s past', () => assertion({ iat: Math.floor(NOW / 1000) - 300, exp: Math.floor(NOW / 1000) - 70 }), /expired/],
    ['an nbf 70 s in the future', () => assertion({ nbf: Math.floor(NOW / 1000) + 70 }), /not valid yet/],
    ['an nbf that is not a number', () => assertion({ nbf: 'soon' }), /"nbf" must be a number/],
    ['an exp that is not a number', () => assertion({ exp: String(Math.floor(NOW / 1000) + 60) }), /numeric "iat" and "exp"/],
    ['an iat older than 5 minutes, exp still good', () => assertion({ iat: Math.floor(NOW / 1000) - 400, exp: Math.floor(NOW / 1000) + 10 }), /more than 300 seconds/],
    ['no jti', () => assertion({ jti: undefined }), /"jti" must be a UUID/],
    ['no aud', () => assertion({ aud: undefined }), /"aud" must be/],
    ['an audience array without the endpoint', () => assertion({ aud: ['https://elsewhere.example.com/oauth/token'] }), /"aud" must be/],
  ])('answers 401 (through jose) for an assertion with %s', async (_name, make, message) => {
    const error = await failure(() => issueToken(client(), withAssertion(make()), context()));
    expect(error.kind).toBe('unauthenticated');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['an iat 50 s in the future', { iat: Math.floor(NOW / 1000) + 50, exp: Math.floor(NOW / 1000) + 300 }],
    ['an exp 50 s past', { iat: Math.floor(NOW / 1000) - 250, exp: Math.floor(NOW / 1000) - 50 }],
    ['an nbf 50 s in the future', { nbf: Math.floor(NOW / 1000) + 50 }],
    ['an audience array holding the endpoint', { aud: ['https://other.example.com', AUD] }],
  ])('accepts an assertion with %s (60 s of clock skew; RFC 7519 audiences)', async (_name, over) => {
    expect((await issueToken(client(), withAssertion(assertion(over)), context())).response.token_type).toBe('bearer');
  });

  it('refuses an assertion signed by an RSA key under 2048 bits, saying why', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const holder = client({ publicKeys: [jwkOf(weak.publicKey, 'weak', 'RS256')] });
    const error = await failure(() => issueToken(holder, withAssertion(signed(b64({ alg: 'RS256', kid: 'weak' }), b64(goodClaims()), 'RS256', weak.privateKey)), context()));
    expect(error).toMatchObject({ kind: 'unauthenticated' });
    expect(error.message).toMatch(/public key "weak" cannot verify the client assertion \(.*2048/);
  });

  it('accepts an assertion once: its jti cannot be replayed', async () => {
    const ctx = context();
    const jwt = assertion();
    await issueToken(client(), withAssertion(jwt), ctx);
    expect((await failure(() => issueToken(client(), withAssertion(jwt), ctx))).message).toMatch(/already used/);
  });
});

describe('issuedTokenSession: the mock tells its own tokens, and their session', () => {
  it('reads the sid of a token it signed, and refuses any other token', async () => {
    const key = 'k'.repeat(64);
    const inSession = (await issueToken(client(), withSecret(), { ...context(), signingKey: key, session: 'worker-1' })).response.access_token;
    const inDefault = (await issueToken(client(), withSecret(), { ...context(), signingKey: key })).response.access_token;
    expect(issuedTokenSession(inSession, key)).toBe('worker-1');
    expect(issuedTokenSession(inDefault, key)).toBe('');
    expect(issuedTokenSession(inSession, 'another-key')).toBeNull();
    expect(issuedTokenSession(`${inSession.slice(0, -2)}xx`, key)).toBeNull();
    expect(issuedTokenSession('any-api-key', key)).toBeNull();
  });
});
