/**
 * Every bad input tried against the mock, with the status it must get. The source of truth
 * for docs/bad-input.md (bad-input.test.ts checks that the document lists every case with its
 * status). Add a case here, run the test, and add its row to the document.
 *
 * `app` cases run in process (app.request); `socket` cases need a real socket, because what
 * they test happens in Node's HTTP parser or while a body is still arriving.
 */
const API = '/api/core/oauth-clients';
/** A web client of the default tenant in the fixtures. */
export const FIXTURE_ID = '20ba0ecf013ffb6bf5b711761f6c39ec';
const ITEM = `${API}/${FIXTURE_ID}`;
const JSON_TYPE = { 'content-type': 'application/json' };
const MiB = 1024 * 1024;

const web = (extra: Record<string, unknown> = {}) => JSON.stringify({ appType: 'web', clientName: 'Bad input test', ...extra });
const replace = (path: string, value: unknown) => JSON.stringify([{ op: 'replace', path, value }]);
/** A valid create body padded with spaces to exactly `size` bytes. */
const padded = (size: number) => {
  const body = web();
  return body.slice(0, -1) + ' '.repeat(size - Buffer.byteLength(body)) + '}';
};
const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);
const filter = (text: string) => `${API}?filter=${encodeURIComponent(text)}`;
/** A fault rule that never fires on the table's requests (deleting a secret), with `extra`. */
const faultRule = (extra: Record<string, unknown>) => JSON.stringify({ status: 503, operationId: 'deleteOAuthClientSecretQCC', ...extra });
const manyHeaders = (count: number, size: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-h${i}`, 'v'.repeat(size)]));

export type Bullet =
  | 'body size'
  | 'content type'
  | 'malformed JSON'
  | 'top-level type'
  | 'maxLength'
  | 'unicode and control characters'
  | 'prototype pollution'
  | 'filters'
  | 'limit'
  | 'repeated parameters'
  | 'paths'
  | 'headers'
  | 'methods'
  | 'token endpoint'
  | 'fault rules'
  | 'connections';

export interface AppCase {
  name: string;
  bullet: Bullet;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Bearer token; null sends no Authorization header. Default: the owner. */
  token?: string | null;
  expectStatus: number;
  /** What the answer means, for the document. */
  note?: string;
}

export const APP_CASES: AppCase[] = [
  // --- body size --------------------------------------------------------------------------
  { name: 'create body of 1 MiB + 1 byte', bullet: 'body size', method: 'POST', path: API, headers: JSON_TYPE, body: padded(MiB + 1), expectStatus: 413 },
  { name: 'create body of exactly 1 MiB', bullet: 'body size', method: 'POST', path: API, headers: JSON_TYPE, body: padded(MiB), expectStatus: 201, note: 'the limit is inclusive' },
  { name: 'patch body of 5 MiB', bullet: 'body size', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: replace('/description', 'x'.repeat(5 * MiB)), expectStatus: 413 },
  {
    name: 'patch of 10,000 operations (under 1 MiB)',
    bullet: 'body size',
    method: 'PATCH',
    path: ITEM,
    headers: JSON_TYPE,
    body: JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ op: 'replace', path: '/description', value: `d${i}` }))),
    expectStatus: 204,
  },
  { name: 'body too large on an operation without a body (create secret)', bullet: 'body size', method: 'POST', path: `${ITEM}/client-secrets`, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(2 * MiB), expectStatus: 413, note: 'every operation refuses a body over 1 MiB; no secret is created' },
  { name: 'body of 1 MiB on an operation without a body (create secret)', bullet: 'body size', method: 'POST', path: `${ITEM}/client-secrets`, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(MiB), expectStatus: 201, note: 'read, kept for the journal (cut short), and ignored' },
  { name: 'delete with a body of 1 MiB + 1 byte', bullet: 'body size', method: 'DELETE', path: ITEM, headers: { 'content-type': 'text/plain', 'qlik-confirm-delete': FIXTURE_ID }, body: 'x'.repeat(MiB + 1), expectStatus: 413, note: 'the client is not deleted' },

  // --- content type -----------------------------------------------------------------------
  { name: 'create with text/plain', bullet: 'content type', method: 'POST', path: API, headers: { 'content-type': 'text/plain' }, body: web(), expectStatus: 415 },
  { name: 'create without a content type', bullet: 'content type', method: 'POST', path: API, body: web(), expectStatus: 415 },
  { name: 'create with application/x-www-form-urlencoded', bullet: 'content type', method: 'POST', path: API, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'appType=web&clientName=x', expectStatus: 415 },
  { name: 'create with multipart/form-data', bullet: 'content type', method: 'POST', path: API, headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: '--b\r\n\r\nx\r\n--b--', expectStatus: 415 },
  { name: 'create with text/json', bullet: 'content type', method: 'POST', path: API, headers: { 'content-type': 'text/json' }, body: web(), expectStatus: 415 },
  { name: 'create with application/jsonx', bullet: 'content type', method: 'POST', path: API, headers: { 'content-type': 'application/jsonx' }, body: web(), expectStatus: 415 },
  { name: 'create with an empty content type', bullet: 'content type', method: 'POST', path: API, headers: { 'content-type': '' }, body: web(), expectStatus: 415 },
  { name: 'create with application/json; charset=utf-8', bullet: 'content type', method: 'POST', path: API, headers: { 'content-type': 'application/json; charset=utf-8' }, body: web(), expectStatus: 201 },
  { name: 'create with APPLICATION/JSON (case-insensitive)', bullet: 'content type', method: 'POST', path: API, headers: { 'content-type': 'APPLICATION/JSON' }, body: web(), expectStatus: 201 },
  { name: 'create with a +json type (application/vnd.api+json)', bullet: 'content type', method: 'POST', path: API, headers: { 'content-type': 'application/vnd.api+json' }, body: web(), expectStatus: 201 },
  { name: 'create with Content-Encoding: gzip', bullet: 'content type', method: 'POST', path: API, headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: web(), expectStatus: 415, note: 'the mock reads no compressed body; the bytes are not parsed as they are' },
  { name: 'create with Content-Encoding: identity', bullet: 'content type', method: 'POST', path: API, headers: { ...JSON_TYPE, 'content-encoding': 'identity' }, body: web(), expectStatus: 201 },
  { name: 'patch with text/plain', bullet: 'content type', method: 'PATCH', path: ITEM, headers: { 'content-type': 'text/plain' }, body: replace('/clientName', 'x'), expectStatus: 415 },
  { name: 'patch without a content type', bullet: 'content type', method: 'PATCH', path: ITEM, body: replace('/clientName', 'x'), expectStatus: 415 },
  { name: 'patch with application/json-patch+json', bullet: 'content type', method: 'PATCH', path: ITEM, headers: { 'content-type': 'application/json-patch+json' }, body: replace('/clientName', 'x'), expectStatus: 204 },
  { name: 'create secret without a body or content type', bullet: 'content type', method: 'POST', path: `${ITEM}/client-secrets`, expectStatus: 201 },
  { name: 'create secret with a text/plain body', bullet: 'content type', method: 'POST', path: `${ITEM}/client-secrets`, headers: { 'content-type': 'text/plain' }, body: 'please', expectStatus: 201 },
  { name: 'create secret with a body and no content type', bullet: 'content type', method: 'POST', path: `${ITEM}/client-secrets`, body: '{}', expectStatus: 201 },
  { name: 'delete with a stray text/plain body', bullet: 'content type', method: 'DELETE', path: ITEM, headers: { 'content-type': 'text/plain', 'qlik-confirm-delete': FIXTURE_ID }, body: 'bye', expectStatus: 204 },

  // --- malformed JSON ---------------------------------------------------------------------
  { name: 'empty body with a JSON content type', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: '', expectStatus: 400 },
  { name: 'whitespace-only body', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: ' \n\t ', expectStatus: 400 },
  { name: 'unterminated object', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: '{"appType":"web",', expectStatus: 400 },
  { name: 'trailing comma', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: '{"appType":"web","clientName":"x",}', expectStatus: 400 },
  { name: 'single quotes', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: "{'appType':'web','clientName':'x'}", expectStatus: 400 },
  { name: 'NaN literal', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: 'NaN', expectStatus: 400 },
  { name: 'two JSON documents', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: `${web()} ${web()}`, expectStatus: 400 },
  { name: 'invalid UTF-8 bytes', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: new Uint8Array([...Buffer.from('{"appType":"web","clientName":"'), 0xc3, 0x28, ...Buffer.from('"}')]), expectStatus: 400 },
  { name: 'UTF-16 encoded body', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: new Uint8Array(Buffer.from(web(), 'utf16le')), expectStatus: 400 },
  { name: 'UTF-8 byte order mark before valid JSON', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: `\uFEFF${web()}`, expectStatus: 201, note: 'the BOM is ignored (RFC 8259 §8.1 allows it)' },
  { name: 'duplicate keys', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: '{"appType":"web","clientName":"first","clientName":"second"}', expectStatus: 201, note: 'the last one wins, as in JSON.parse' },
  { name: 'JSON nested 100,000 levels deep (in an unknown member)', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: web().slice(0, -1) + `,"extra":${nested(100_000)}}`, expectStatus: 400, note: 'more than 64 levels is refused before anything walks it' },
  { name: 'JSON nested 64 levels deep (in an unknown member)', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: web().slice(0, -1) + `,"extra":${nested(63)}}`, expectStatus: 201, note: 'the limit is inclusive; unknown members are ignored' },
  { name: 'JSON nested deeply inside a public key', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: web({ allowedAuthMethods: ['private_key_jwt'], publicKeys: [{ kty: 'RSA', use: 'sig', alg: 'RS256', kid: 'k', n: 'AQAB', e: 'AQAB', x5c: 'PLACEHOLDER' }] }).replace('"PLACEHOLDER"', nested(20_000)), expectStatus: 400 },
  { name: 'unauthenticated create nested 30,000 levels deep', bullet: 'malformed JSON', method: 'POST', path: API, headers: JSON_TYPE, body: nested(30_000), token: null, expectStatus: 401, note: 'journaled as text: GET /__mock/requests still answers' },
  { name: 'patch nested 100,000 levels deep', bullet: 'malformed JSON', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: nested(100_000), expectStatus: 400 },

  // --- wrong type at the top level --------------------------------------------------------
  { name: 'create with an array', bullet: 'top-level type', method: 'POST', path: API, headers: JSON_TYPE, body: `[${web()}]`, expectStatus: 400 },
  { name: 'create with a string', bullet: 'top-level type', method: 'POST', path: API, headers: JSON_TYPE, body: JSON.stringify(web()), expectStatus: 400 },
  { name: 'create with a number', bullet: 'top-level type', method: 'POST', path: API, headers: JSON_TYPE, body: '42', expectStatus: 400 },
  { name: 'create with null', bullet: 'top-level type', method: 'POST', path: API, headers: JSON_TYPE, body: 'null', expectStatus: 400 },
  { name: 'create with true', bullet: 'top-level type', method: 'POST', path: API, headers: JSON_TYPE, body: 'true', expectStatus: 400 },
  { name: 'patch with an object', bullet: 'top-level type', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: '{"op":"replace","path":"/clientName","value":"x"}', expectStatus: 400 },
  { name: 'patch with a string', bullet: 'top-level type', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: '"replace"', expectStatus: 400 },
  { name: 'patch with null', bullet: 'top-level type', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: 'null', expectStatus: 400 },
  { name: 'patch with an array of null', bullet: 'top-level type', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: '[null]', expectStatus: 400 },
  { name: 'patch with an array of arrays', bullet: 'top-level type', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: '[[]]', expectStatus: 400 },
  { name: 'patch with an empty array', bullet: 'top-level type', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: '[]', expectStatus: 204, note: 'changes nothing (README)' },

  // --- strings far over maxLength ---------------------------------------------------------
  { name: 'clientName of 100,000 characters', bullet: 'maxLength', method: 'POST', path: API, headers: JSON_TYPE, body: web({ clientName: 'n'.repeat(100_000) }), expectStatus: 400 },
  { name: 'clientName of 513 characters', bullet: 'maxLength', method: 'POST', path: API, headers: JSON_TYPE, body: web({ clientName: 'n'.repeat(513) }), expectStatus: 400 },
  { name: 'clientName of 512 characters', bullet: 'maxLength', method: 'POST', path: API, headers: JSON_TYPE, body: web({ clientName: 'n'.repeat(512) }), expectStatus: 201 },
  { name: 'clientName of 512 emoji (1,024 UTF-16 units)', bullet: 'maxLength', method: 'POST', path: API, headers: JSON_TYPE, body: web({ clientName: '😀'.repeat(512) }), expectStatus: 201, note: 'maxLength counts characters (code points)' },
  { name: 'clientName of 513 emoji', bullet: 'maxLength', method: 'POST', path: API, headers: JSON_TYPE, body: web({ clientName: '😀'.repeat(513) }), expectStatus: 400 },
  { name: 'description of 100,000 characters', bullet: 'maxLength', method: 'POST', path: API, headers: JSON_TYPE, body: web({ description: 'd'.repeat(100_000) }), expectStatus: 400 },
  { name: 'logoUri of 3,000 characters', bullet: 'maxLength', method: 'POST', path: API, headers: JSON_TYPE, body: web({ logoUri: `https://x.example.com/${'l'.repeat(3000)}` }), expectStatus: 400 },
  { name: 'redirect URI of 10,000 characters', bullet: 'maxLength', method: 'POST', path: API, headers: JSON_TYPE, body: web({ redirectUris: [`https://x.example.com/${'r'.repeat(10_000)}`] }), expectStatus: 400 },
  { name: 'scope of 300 characters', bullet: 'maxLength', method: 'POST', path: API, headers: JSON_TYPE, body: web({ allowedScopes: ['s'.repeat(300)] }), expectStatus: 400 },
  { name: 'patch clientName to 100,000 characters', bullet: 'maxLength', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: replace('/clientName', 'n'.repeat(100_000)), expectStatus: 400 },
  { name: 'patch clientName to 512 emoji', bullet: 'maxLength', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: replace('/clientName', '😀'.repeat(512)), expectStatus: 204, note: 'as at creation' },
  { name: 'patch description to 4,097 characters', bullet: 'maxLength', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: replace('/description', 'd'.repeat(4097)), expectStatus: 400 },
  { name: 'patch a scope of 257 characters', bullet: 'maxLength', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: replace('/allowedScopes', ['s'.repeat(257)]), expectStatus: 400 },
  { name: 'client id of 10,000 characters in the path', bullet: 'maxLength', method: 'GET', path: `${API}/${'a'.repeat(10_000)}`, expectStatus: 404 },
  { name: 'cursor of 10,000 characters', bullet: 'maxLength', method: 'GET', path: `${API}?next=${'a'.repeat(10_000)}`, expectStatus: 400 },

  // --- Unicode and control characters -----------------------------------------------------
  { name: 'emoji, right-to-left and combining characters', bullet: 'unicode and control characters', method: 'POST', path: API, headers: JSON_TYPE, body: web({ clientName: '🚀 שלום مرحبا e\u0301 👩‍👩‍👧', description: '\u202Eevil\u202C ‮ 𝕏 ﷽' }), expectStatus: 201, note: 'stored and returned byte for byte (see the round-trip test)' },
  { name: 'escaped control characters (\\u0000, \\u001f, \\u007f) in a string', bullet: 'unicode and control characters', method: 'POST', path: API, headers: JSON_TYPE, body: web({ clientName: 'a\u0000b\u001fc\u007fd\u0007' }), expectStatus: 201, note: 'JSON allows them escaped: stored as given' },
  { name: 'a raw (unescaped) control character inside a string', bullet: 'unicode and control characters', method: 'POST', path: API, headers: JSON_TYPE, body: '{"appType":"web","clientName":"a\u0001b"}', expectStatus: 400, note: 'not JSON' },
  { name: 'a raw newline inside a string', bullet: 'unicode and control characters', method: 'POST', path: API, headers: JSON_TYPE, body: '{"appType":"web","clientName":"a\nb"}', expectStatus: 400 },
  { name: 'clientName of only whitespace control characters', bullet: 'unicode and control characters', method: 'POST', path: API, headers: JSON_TYPE, body: web({ clientName: '\t\n\r ' }), expectStatus: 400, note: 'blank' },
  { name: 'a lone surrogate (\\ud800) in a string', bullet: 'unicode and control characters', method: 'POST', path: API, headers: JSON_TYPE, body: web({ clientName: 'lone \ud800 surrogate' }), expectStatus: 201, note: 'valid JSON; returned escaped' },
  { name: 'control characters in a filter value', bullet: 'unicode and control characters', method: 'GET', path: filter('clientName co "\\u0000\\u0007"'), expectStatus: 200 },
  { name: 'a raw control character in a filter', bullet: 'unicode and control characters', method: 'GET', path: filter('clientName eq "a\u0001"'), expectStatus: 400 },

  // --- prototype pollution ----------------------------------------------------------------
  { name: 'create with __proto__ and constructor.prototype members', bullet: 'prototype pollution', method: 'POST', path: API, headers: JSON_TYPE, body: `{"__proto__":{"polluted":"yes","appType":"spa"},"constructor":{"prototype":{"polluted":"yes"}},${web().slice(1)}`, expectStatus: 201, note: 'ignored like any unknown member' },
  { name: 'create with __proto__ inside connectionConfig', bullet: 'prototype pollution', method: 'POST', path: API, headers: JSON_TYPE, body: web({ connectionConfig: JSON.parse('{"__proto__":{"consentMethod":"trusted"}}') }), expectStatus: 201, note: 'consentMethod stays "required"' },
  { name: 'create with __proto__ inside a public key', bullet: 'prototype pollution', method: 'POST', path: API, headers: JSON_TYPE, body: web({ allowedAuthMethods: ['private_key_jwt'], publicKeys: [JSON.parse('{"kty":"RSA","use":"sig","alg":"RS256","kid":"k","n":"AQAB","e":"AQAB","__proto__":{"polluted":"yes"}}')] }), expectStatus: 201, note: 'unknown key members are dropped' },
  { name: 'patch path /__proto__', bullet: 'prototype pollution', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: replace('/__proto__', 'x'), expectStatus: 400 },
  { name: 'patch path /constructor/prototype', bullet: 'prototype pollution', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: replace('/constructor/prototype', 'x'), expectStatus: 400 },
  { name: 'patch operation with a __proto__ member', bullet: 'prototype pollution', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: '[{"op":"replace","path":"/clientName","value":"safe","__proto__":{"path":"/clientId"}}]', expectStatus: 204, note: 'the member is ignored; only clientName changes' },
  { name: 'patch value that is an object with __proto__', bullet: 'prototype pollution', method: 'PATCH', path: ITEM, headers: JSON_TYPE, body: '[{"op":"replace","path":"/description","value":{"__proto__":{"polluted":"yes"}}}]', expectStatus: 400 },
  { name: 'PUT /__mock/state with a top-level __proto__', bullet: 'prototype pollution', method: 'PUT', path: '/__mock/state', headers: JSON_TYPE, body: '{"version":1,"clients":[],"__proto__":{"polluted":"yes"}}', expectStatus: 400 },
  { name: 'PUT /__mock/state with __proto__ in a client', bullet: 'prototype pollution', method: 'PUT', path: '/__mock/state', headers: JSON_TYPE, body: '{"version":1,"clients":[{"__proto__":{"polluted":"yes"}}]}', expectStatus: 400 },
  { name: 'PUT /__mock/state with constructor.prototype', bullet: 'prototype pollution', method: 'PUT', path: '/__mock/state', headers: JSON_TYPE, body: '{"version":1,"clients":[],"constructor":{"prototype":{"polluted":"yes"}}}', expectStatus: 400 },
  { name: 'PUT /__mock/state nested 100,000 levels deep', bullet: 'prototype pollution', method: 'PUT', path: '/__mock/state', headers: JSON_TYPE, body: `{"version":1,"clients":${nested(100_000)}}`, expectStatus: 400 },
  { name: 'POST /__mock/faults with a __proto__ member', bullet: 'prototype pollution', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: '{"status":503,"__proto__":{"polluted":"yes"}}', expectStatus: 400 },
  { name: 'POST /__mock/faults with a body nested 100,000 levels deep', bullet: 'prototype pollution', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: `{"status":503,"operationId":"readOAuthClientQCC","body":${nested(100_000)}}`, expectStatus: 400 },
  { name: 'POST /__mock/provider-states with __proto__ in params', bullet: 'prototype pollution', method: 'POST', path: '/__mock/provider-states', headers: JSON_TYPE, body: '{"state":"a client exists","params":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}}', expectStatus: 200 },
  { name: 'query parameters named __proto__ and constructor', bullet: 'prototype pollution', method: 'GET', path: `${API}?__proto__=x&constructor=y&__proto__[polluted]=yes`, expectStatus: 200, note: 'unknown parameters are ignored' },
  { name: 'a header named __proto__', bullet: 'prototype pollution', method: 'GET', path: ITEM, headers: { ['__proto__']: 'polluted' }, expectStatus: 200 },

  // --- filters ----------------------------------------------------------------------------
  { name: 'filter of 4,096 characters', bullet: 'filters', method: 'GET', path: filter(`clientName eq "${'a'.repeat(4080)}"`), expectStatus: 200, note: 'the longest allowed' },
  { name: 'filter of 4,097 characters', bullet: 'filters', method: 'GET', path: filter(`clientName eq "${'a'.repeat(4081)}"`), expectStatus: 400 },
  { name: 'filter of 1,000,000 characters', bullet: 'filters', method: 'GET', path: filter(`clientName eq "${'a'.repeat(1_000_000)}"`), expectStatus: 400 },
  { name: 'filter nested 33 levels', bullet: 'filters', method: 'GET', path: filter(`${'('.repeat(33)}clientName pr${')'.repeat(33)}`), expectStatus: 400 },
  { name: 'filter nested 32 levels', bullet: 'filters', method: 'GET', path: filter(`${'('.repeat(32)}clientName pr${')'.repeat(32)}`), expectStatus: 200, note: 'the deepest allowed' },
  { name: 'filter nested 2,000 levels (within 4,096 characters)', bullet: 'filters', method: 'GET', path: filter(`${'('.repeat(2000)}clientName pr${')'.repeat(2000)}`), expectStatus: 400 },
  { name: 'filter of 400 nested "not ("', bullet: 'filters', method: 'GET', path: filter(`${'not ('.repeat(400)}clientName pr${')'.repeat(400)}`), expectStatus: 400 },
  { name: 'filter nested 100,000 levels', bullet: 'filters', method: 'GET', path: filter(`${'('.repeat(100_000)}clientName pr${')'.repeat(100_000)}`), expectStatus: 400 },
  { name: 'filter of 200 "or" clauses', bullet: 'filters', method: 'GET', path: filter(Array.from({ length: 200 }, (_, i) => `clientId eq "${i}"`).join(' or ')), expectStatus: 200 },
  { name: 'filter that is only parentheses', bullet: 'filters', method: 'GET', path: filter('((()))'), expectStatus: 400 },
  { name: 'filter on an attribute that is not filterable', bullet: 'filters', method: 'GET', path: filter('clientSecret eq "x"'), expectStatus: 400 },
  { name: 'empty filter', bullet: 'filters', method: 'GET', path: `${API}?filter=`, expectStatus: 400 },

  // --- limit ------------------------------------------------------------------------------
  { name: 'limit=1000000', bullet: 'limit', method: 'GET', path: `${API}?limit=1000000`, expectStatus: 400 },
  { name: 'limit=99999999999999999999999', bullet: 'limit', method: 'GET', path: `${API}?limit=99999999999999999999999`, expectStatus: 400 },
  { name: 'limit=1e309 (Infinity)', bullet: 'limit', method: 'GET', path: `${API}?limit=1e309`, expectStatus: 400 },
  { name: 'limit=-1', bullet: 'limit', method: 'GET', path: `${API}?limit=-1`, expectStatus: 400 },
  { name: 'limit=0', bullet: 'limit', method: 'GET', path: `${API}?limit=0`, expectStatus: 400 },
  { name: 'limit=101', bullet: 'limit', method: 'GET', path: `${API}?limit=101`, expectStatus: 400 },
  { name: 'limit=100', bullet: 'limit', method: 'GET', path: `${API}?limit=100`, expectStatus: 200 },
  { name: 'limit=2.5', bullet: 'limit', method: 'GET', path: `${API}?limit=2.5`, expectStatus: 400 },
  { name: 'limit=0x10', bullet: 'limit', method: 'GET', path: `${API}?limit=0x10`, expectStatus: 400 },
  { name: 'limit=1e1', bullet: 'limit', method: 'GET', path: `${API}?limit=1e1`, expectStatus: 400 },
  { name: 'limit=NaN', bullet: 'limit', method: 'GET', path: `${API}?limit=NaN`, expectStatus: 400 },
  { name: 'limit with a leading space (%205)', bullet: 'limit', method: 'GET', path: `${API}?limit=%205`, expectStatus: 400 },
  { name: 'limit with a trailing tab (5%09)', bullet: 'limit', method: 'GET', path: `${API}?limit=5%09`, expectStatus: 400 },

  // --- repeated parameters ----------------------------------------------------------------
  { name: 'limit twice', bullet: 'repeated parameters', method: 'GET', path: `${API}?limit=1&limit=2`, expectStatus: 400 },
  { name: 'filter twice', bullet: 'repeated parameters', method: 'GET', path: `${API}?filter=clientName+pr&filter=appType+pr`, expectStatus: 400 },
  { name: 'sort twice', bullet: 'repeated parameters', method: 'GET', path: `${API}?sort=-clientId&sort=-clientId`, expectStatus: 400 },
  { name: 'totalResults twice', bullet: 'repeated parameters', method: 'GET', path: `${API}?totalResults=true&totalResults=true`, expectStatus: 400 },
  { name: 'next twice', bullet: 'repeated parameters', method: 'GET', path: `${API}?next=a&next=b`, expectStatus: 400 },
  { name: 'next and prev together', bullet: 'repeated parameters', method: 'GET', path: `${API}?next=a&prev=b`, expectStatus: 400 },
  { name: 'an unknown parameter, 1,000 times', bullet: 'repeated parameters', method: 'GET', path: `${API}?${'page=1&'.repeat(1000)}limit=1`, expectStatus: 200, note: 'unknown parameters are ignored' },

  // --- paths ------------------------------------------------------------------------------
  { name: 'encoded slash in the id (a%2Fb)', bullet: 'paths', method: 'GET', path: `${API}/a%2Fb`, expectStatus: 404, note: 'the id "a/b" does not exist' },
  { name: 'encoded slash in the id, create secret', bullet: 'paths', method: 'POST', path: `${API}/a%2Fb/client-secrets`, expectStatus: 404 },
  { name: 'encoded slash in the id, delete confirmed with the decoded id', bullet: 'paths', method: 'DELETE', path: `${API}/a%2Fb`, headers: { 'qlik-confirm-delete': 'a/b' }, expectStatus: 404 },
  { name: 'encoded slashes and dots in the id (%2F%2E%2E%2F)', bullet: 'paths', method: 'GET', path: `${API}/%2F%2E%2E%2F`, expectStatus: 404 },
  { name: 'encoded dot-dot segment (%2e%2e)', bullet: 'paths', method: 'GET', path: `${API}/%2e%2e`, expectStatus: 404, note: 'the URL parser resolves it to /api/core/: no route' },
  { name: 'dot-dot segment back to the collection', bullet: 'paths', method: 'GET', path: `${API}/x/../../oauth-clients`, expectStatus: 200, note: 'resolved by the URL parser to the collection' },
  { name: 'encoded slash in a secret hint', bullet: 'paths', method: 'DELETE', path: `${ITEM}/client-secrets/..%2F..%2F`, expectStatus: 404 },
  { name: 'NUL byte in the id (%00)', bullet: 'paths', method: 'GET', path: `${API}/%00`, expectStatus: 404 },
  { name: 'broken percent-encoding (%E0%A4%A)', bullet: 'paths', method: 'GET', path: `${API}/%E0%A4%A`, expectStatus: 404 },
  { name: 'trailing slash on the collection', bullet: 'paths', method: 'GET', path: `${API}/`, expectStatus: 404 },
  { name: 'empty id segment (//client-secrets)', bullet: 'paths', method: 'POST', path: `${API}//client-secrets`, expectStatus: 404 },
  { name: 'path in upper case', bullet: 'paths', method: 'GET', path: '/API/CORE/OAUTH-CLIENTS', expectStatus: 404 },
  { name: 'unknown route under the API', bullet: 'paths', method: 'GET', path: `${ITEM}/secrets`, expectStatus: 404 },

  // --- headers ----------------------------------------------------------------------------
  { name: 'bearer token of 10 KiB', bullet: 'headers', method: 'GET', path: ITEM, token: 't'.repeat(10 * 1024), expectStatus: 200, note: 'an unlisted token acts as the owner' },
  { name: 'Authorization with two tokens', bullet: 'headers', method: 'GET', path: ITEM, headers: { authorization: 'Bearer owner-token other' }, token: null, expectStatus: 401 },
  { name: 'Authorization with another scheme', bullet: 'headers', method: 'GET', path: ITEM, headers: { authorization: 'Basic b3duZXI6cHc=' }, token: null, expectStatus: 401 },
  { name: 'Authorization scheme only', bullet: 'headers', method: 'GET', path: ITEM, headers: { authorization: 'Bearer' }, token: null, expectStatus: 401 },
  { name: 'qlik-confirm-delete sent twice', bullet: 'headers', method: 'DELETE', path: ITEM, headers: { 'qlik-confirm-delete': `${FIXTURE_ID}, ${FIXTURE_ID}` }, expectStatus: 400, note: 'two values are not the id' },
  { name: 'qlik-confirm-delete of 8 KiB', bullet: 'headers', method: 'DELETE', path: ITEM, headers: { 'qlik-confirm-delete': 'x'.repeat(8192) }, expectStatus: 400 },
  { name: 'X-Forwarded-Host with a path and a script', bullet: 'headers', method: 'GET', path: `${API}?limit=1`, headers: { 'x-forwarded-host': 'evil.example/<script>' }, expectStatus: 200, note: 'ignored: links keep the request host' },

  // --- methods ----------------------------------------------------------------------------
  { name: 'PUT on the collection', bullet: 'methods', method: 'PUT', path: API, headers: JSON_TYPE, body: web(), expectStatus: 405 },
  { name: 'PROPFIND on a client', bullet: 'methods', method: 'PROPFIND', path: ITEM, expectStatus: 405 },

  // --- token endpoint (POST /oauth/token: no bearer token) ---------------------------------
  ...tokenCases(),

  // --- fault rules ------------------------------------------------------------------------
  { name: 'fault header value with CR LF', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ headers: { 'x-a': 'b\r\nset-cookie: x=y' } }), expectStatus: 400, note: 'it would split the answer; accepted before, then every matching request was a 500' },
  { name: 'fault header value with NUL', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ headers: { 'x-a': 'b\u0000' } }), expectStatus: 400 },
  { name: 'fault header value with a character above U+00FF', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ headers: { 'x-a': 'caf\u00e9 \u2192 \u{1f680}' } }), expectStatus: 400, note: 'a header byte is latin-1' },
  { name: 'fault header value in latin-1 (é)', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ headers: { 'x-a': 'caf\u00e9' } }), expectStatus: 201, note: 'sent as the byte 0xE9' },
  { name: 'fault header te (hop-by-hop)', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ headers: { TE: 'trailers' } }), expectStatus: 400, note: 'with connection, keep-alive, proxy-connection, trailer, upgrade, transfer-encoding, content-length' },
  { name: 'fault header name that is not a token', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ headers: { 'x a:': 'b' } }), expectStatus: 400 },
  { name: '51 fault headers', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ headers: manyHeaders(51, 1) }), expectStatus: 400, note: 'at most 50' },
  { name: '50 fault headers', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ headers: manyHeaders(50, 1) }), expectStatus: 201 },
  { name: 'fault headers of more than 16 KiB in all', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ headers: manyHeaders(3, 6000) }), expectStatus: 400, note: 'names and values count; at most 16,384 bytes' },
  { name: '100 fault headers of 8 KiB', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ headers: manyHeaders(100, 8192) }), expectStatus: 400 },
  { name: 'fault rule id "."', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ id: '.' }), expectStatus: 400, note: 'URL parsing resolves it away: it could not be read or removed by id' },
  { name: 'fault rule id ".."', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ id: '..' }), expectStatus: 400 },
  { name: 'fault rule id "..." (not a dot segment)', bullet: 'fault rules', method: 'POST', path: '/__mock/faults', headers: JSON_TYPE, body: faultRule({ id: '...' }), expectStatus: 201 },
];

function tokenCases(): AppCase[] {
  const token = (name: string, body: string, expectStatus: number, extra: Partial<AppCase> = {}): AppCase => ({
    name,
    bullet: 'token endpoint',
    method: 'POST',
    path: '/oauth/token',
    headers: JSON_TYPE,
    body,
    token: null,
    expectStatus,
    ...extra,
  });
  const credentials = { grant_type: 'client_credentials', client_id: FIXTURE_ID };
  return [
    token('token request nested 1,000 levels deep', `{"grant_type":${nested(1000, '"x"')}}`, 400),
    token('token request of 1 MiB + 1 byte', JSON.stringify({ ...credentials, client_secret: 'x'.repeat(MiB) }), 413),
    token('token request that is a JSON array', '[{"grant_type":"client_credentials"}]', 400),
    token('grant_type as an object', JSON.stringify({ ...credentials, grant_type: { toString: 'client_credentials' } }), 400),
    token('grant_type only under __proto__', '{"__proto__":{"grant_type":"client_credentials"},"client_id":"x","client_secret":"y"}', 400, {
      note: 'an own `__proto__` key, not a prototype',
    }),
    token('client_assertion of 100,000 dots', JSON.stringify({ ...credentials, client_assertion: '.'.repeat(100_000), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }), 401, {
      note: 'the fixture client does not use private-key JWTs',
    }),
    token('secret of the wrong type (number)', JSON.stringify({ ...credentials, client_secret: 12345 }), 400),
    token('Basic credentials without a colon', 'grant_type=client_credentials', 401, { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } }),
    token('Basic credentials that are not base64', 'grant_type=client_credentials', 401, { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic !!!' } }),
    token('form body with a repeated grant_type', 'grant_type=client_credentials&grant_type=password', 400, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    token('form body of stray bytes', '%%%\u0000\uffff', 400, { note: 'parsed leniently: it has no grant_type', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    token('token request as multipart/form-data', 'x', 415, { headers: { 'content-type': 'multipart/form-data; boundary=x' } }),
  ];
}

export interface SocketCase {
  name: string;
  bullet: Bullet;
  /** The status of the answer the case is about; 0: no answer at all (journaled as dropped). */
  expectStatus: number;
  /** Refused by Node's HTTP parser before the app: answered (in the error shape) with the connection closed. */
  parserRefuses?: true;
  /** The answer says `Connection: close` and the mock closes the connection after it. */
  closes?: true;
  note?: string;
}

/** Cases run over a raw TCP socket (bad-input.test.ts holds how each one is sent). */
export const SOCKET_CASES: SocketCase[] = [
  { name: 'Content-Length of 2 MiB, body never completes', bullet: 'body size', expectStatus: 413, closes: true, note: 'answered from the header, before the body is read; `Connection: close`, and the connection closed once the client stops sending' },
  { name: 'chunked body growing past 1 MiB (no Content-Length)', bullet: 'body size', expectStatus: 413, closes: true, note: 'answered as soon as the count passes 1 MiB; `Connection: close`' },
  { name: 'a header of 20 KiB', bullet: 'headers', expectStatus: 431, parserRefuses: true, note: "refused by Node's parser (16 KiB limit); connection closed" },
  { name: 'a request line of 20 KiB', bullet: 'headers', expectStatus: 431, parserRefuses: true, note: "refused by Node's parser; connection closed" },
  { name: 'a request that is not HTTP', bullet: 'headers', expectStatus: 400, parserRefuses: true, note: "refused by Node's parser; connection closed" },
  { name: 'non-ASCII bytes in the request target', bullet: 'headers', expectStatus: 400, parserRefuses: true, note: "refused by Node's parser; connection closed" },
  { name: 'a Content-Length that is not a number', bullet: 'headers', expectStatus: 400, parserRefuses: true, note: "refused by Node's parser; connection closed" },
  { name: 'raw %2e%2e in the request target', bullet: 'paths', expectStatus: 404 },

  // What used to get no answer, or an empty one (test/http/sockets.test.ts has more about each).
  { name: 'create secret with a Content-Length of 2 MiB', bullet: 'body size', expectStatus: 413, closes: true, note: 'answered from the header, before anything is done: no secret is created' },
  { name: 'create secret with a chunked body growing past 1 MiB', bullet: 'body size', expectStatus: 413, closes: true, note: 'the body is read before the secret is created: none is' },
  { name: 'request headers over 16 KiB, on a reused connection', bullet: 'connections', expectStatus: 431, parserRefuses: true, note: 'after the answer to the request before it' },
  { name: 'a Content-Length that is not a number, on a reused connection', bullet: 'connections', expectStatus: 400, parserRefuses: true },
  { name: 'two different Content-Length headers, on a reused connection', bullet: 'connections', expectStatus: 400, parserRefuses: true },
  { name: 'Content-Length and Transfer-Encoding together, on a reused connection', bullet: 'connections', expectStatus: 400, parserRefuses: true },
  { name: 'a control byte in the request target, on a reused connection', bullet: 'connections', expectStatus: 400, parserRefuses: true },
  { name: 'a bad chunk size in a create, on a reused connection', bullet: 'connections', expectStatus: 400, parserRefuses: true, note: 'the create is journaled as dropped (status 0) and nothing is created' },
  { name: 'TLS bytes (a ClientHello), on a reused connection', bullet: 'connections', expectStatus: 400, parserRefuses: true },
  { name: 'HTTP/9.9, on a reused connection', bullet: 'connections', expectStatus: 400, parserRefuses: true },
  { name: 'an HTTP/2 preface (PRI *), on a reused connection', bullet: 'connections', expectStatus: 400, parserRefuses: true },
  { name: 'a create and a malformed request in one write', bullet: 'connections', expectStatus: 400, parserRefuses: true, note: 'the create is answered first (201, it exists), then the refusal' },
  { name: 'three reads and a malformed request in one write', bullet: 'connections', expectStatus: 400, parserRefuses: true, note: 'three 200s first, in order' },
  { name: 'a create whose client goes away mid-body', bullet: 'connections', expectStatus: 0, note: 'journaled with status 0, one JSON log line, nothing on stderr, nothing created' },
  { name: 'a create whose body has a bad chunk', bullet: 'connections', expectStatus: 400, parserRefuses: true, note: 'the refusal is its answer; journaled with status 0, one JSON log line, nothing on stderr' },
  { name: 'a 413 answered before the body, then the body and another create', bullet: 'connections', expectStatus: 413, closes: true, note: 'the rest of the body is read (no reset under the answer); the next create is neither carried out nor answered' },
  { name: 'a client that writes a 2 MiB body before it reads', bullet: 'connections', expectStatus: 413, closes: true, note: 'the 413 arrives whole, without a reset' },
  { name: 'an unauthenticated create whose body stalls', bullet: 'connections', expectStatus: 401, closes: true, note: 'the 401 needs no body' },
  { name: 'OPTIONS *', bullet: 'methods', expectStatus: 400, note: 'the connection is kept' },
  { name: 'GET *', bullet: 'methods', expectStatus: 400 },
  { name: 'CONNECT', bullet: 'methods', expectStatus: 405, closes: true, note: 'with Allow; the mock is not a proxy' },
  { name: 'HTTP/1.1 without Host', bullet: 'headers', expectStatus: 400, note: 'RFC 9112 §3.2; the connection is kept' },
  { name: 'an empty Host header', bullet: 'headers', expectStatus: 400 },
  { name: 'a Host header that is not a host', bullet: 'headers', expectStatus: 400 },
  { name: 'a Host that is a public DNS name', bullet: 'headers', expectStatus: 403, note: 'what a DNS-rebinding page sends; `--allowed-hosts` names one the mock answers to' },
  { name: 'HTTP/1.0 without Host', bullet: 'headers', expectStatus: 200, closes: true, note: 'served as addressed to the mock: paging links keep its port' },
  { name: 'an unknown Expect', bullet: 'headers', expectStatus: 417 },
  { name: 'Transfer-Encoding: gzip, chunked', bullet: 'headers', expectStatus: 501, closes: true, note: 'a transfer coding the mock does not decode (RFC 9112 §6.1); nothing is created' },
  { name: 'Expect: 100-continue', bullet: 'headers', expectStatus: 201, note: '100 Continue first, then the create' },
  { name: 'a fault header in latin-1, over the wire', bullet: 'fault rules', expectStatus: 503, note: 'the byte 0xE9' },
];
