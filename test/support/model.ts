/**
 * A small reference model of the OAuth clients API, for model-based fuzzing
 * (test/reliability/model.fuzz.test.ts). It is written from the README ("Behaviour chosen"),
 * the contract and FACTS.md, and shares no code with src/: it predicts the status of every
 * call, the exact body of every read, and the exact pages of every list.
 *
 * Kept deliberately naive: lists are recomputed by sorting everything, filters are evaluated
 * from a tree the generator built, bodies are valid or carry exactly one known defect.
 */
import { readFileSync } from 'node:fs';

// ---------------------------------------------------------------------------------------------
// Identities

export interface Who {
  userId: string;
  tenantId: string;
  admin: boolean;
}

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const identities = JSON.parse(readFileSync(new URL('identities.json', FIXTURES), 'utf8')) as { default: Who; tokens: Record<string, Who> };
export const FIXTURE_CLIENTS = (JSON.parse(readFileSync(new URL('clients.json', FIXTURES), 'utf8')) as { clients: StoredRecord[] }).clients;

export const DEFAULT_TENANT = identities.default.tenantId;
export const OTHER_TENANT = identities.tokens['other-tenant-admin-token'].tenantId;

/** Who calls: named tokens, an unlisted token (acts as the owner), and broken Authorization headers. */
export const CALLERS = ['owner', 'anyone', 'lowercaseScheme', 'nonAdmin', 'otherTenant', 'noHeader', 'basic', 'emptyBearer'] as const;
export type Caller = (typeof CALLERS)[number];

/** Every bearer token the fuzzer sends: none may ever appear in a log line or the journal. */
export const TOKENS = ['owner-token', 'fuzz-unlisted-token-7f3a', 'non-admin-token', 'other-tenant-admin-token'] as const;

/** The Authorization header a caller sends (undefined: none). */
export function authorizationFor(caller: Caller): string | undefined {
  switch (caller) {
    case 'owner':
      return 'Bearer owner-token';
    case 'anyone':
      return 'Bearer fuzz-unlisted-token-7f3a';
    case 'lowercaseScheme':
      return 'bearer owner-token';
    case 'nonAdmin':
      return 'Bearer non-admin-token';
    case 'otherTenant':
      return 'Bearer other-tenant-admin-token';
    case 'noHeader':
      return undefined;
    case 'basic':
      return 'Basic b3duZXI6cGFzc3dvcmQ=';
    case 'emptyBearer':
      return 'Bearer';
  }
}

/** 401 for a missing or malformed header, 403 for a non-admin, else who the caller is. */
export function authenticate(caller: Caller): { status: 401 | 403 } | { who: Who } {
  switch (caller) {
    case 'noHeader':
    case 'basic':
    case 'emptyBearer':
      return { status: 401 };
    case 'nonAdmin':
      return { status: 403 };
    case 'otherTenant':
      return { who: identities.tokens['other-tenant-admin-token'] };
    default:
      return { who: identities.default };
  }
}

// ---------------------------------------------------------------------------------------------
// Clients as the API shows them

export interface SecretView {
  hint: string;
  createdAt: string;
  createdBy: string;
}

/** Exactly what GET /{id} answers. */
export type View = Record<string, unknown> & {
  clientId: string;
  clientName: string;
  appType: string;
  createdAt: string;
  updatedAt: string;
  clientSecrets?: SecretView[];
};

/** A client as stored (a data file, GET /__mock/state, fixtures/clients.json). */
export type StoredRecord = Record<string, unknown> & {
  tenantId: string;
  clientId: string;
  appType: string;
  secrets: { hint: string; hash: string; createdAt: string; createdBy: string }[];
};

export interface ModelClient {
  tenant: string;
  view: View;
  /** Web clients that authenticate with client_secret. */
  secretsAllowed: boolean;
  /** Plaintexts the API showed, by hint. */
  plaintexts: Map<string, string>;
  live: boolean;
}

const isWebWithSecret = (appType: unknown, methods: unknown): boolean =>
  appType === 'web' && Array.isArray(methods) && methods.includes('client_secret');

/** The API view of a stored record: everything but the tenant, and secrets as hints only. */
export function viewOfStored(record: StoredRecord): { tenant: string; view: View; secretsAllowed: boolean } {
  const { tenantId, secrets, ...rest } = record;
  const secretsAllowed = isWebWithSecret(rest.appType, rest.allowedAuthMethods);
  const view = { ...rest } as View;
  if (secretsAllowed || secrets.length > 0) view.clientSecrets = secrets.map(({ hint, createdAt, createdBy }) => ({ hint, createdAt, createdBy }));
  return { tenant: tenantId, view, secretsAllowed };
}

// ---------------------------------------------------------------------------------------------
// Creating clients: a valid base, harmless extras, at most one defect, an encoding

export const BASES = ['web', 'webSecret', 'webJwt', 'webBoth', 'spa', 'native', 'embed'] as const;
export type Base = (typeof BASES)[number];

/** Additions that keep a body valid (unknown and read-only members are ignored). */
export const EXTRAS = ['unknownMembers', 'protoKeys', 'readOnlyMembers', 'description', 'scopes', 'redirects', 'trusted', 'uris', 'grantTypes', 'jwkExtraMember'] as const;
export type Extra = (typeof EXTRAS)[number];

/** Changes each of which alone makes a body invalid (400), whatever else it holds. */
export const DEFECTS = [
  'noName',
  'blankName',
  'nameTooLong',
  'emojiNameTooLong',
  'nameNotString',
  'badAppType',
  'noAppType',
  'originsOnNonSpa',
  'grantTypesOnNonWeb',
  'sixRedirects',
  'duplicateRedirects',
  'relativeRedirect',
  'redirectTooLong',
  'originWithPath',
  'jwtWithoutKeys',
  'jwkAlgMismatch',
  'duplicateKid',
  'descriptionTooLong',
  'consentRequired',
  'unknownAuthMethod',
  'duplicateScopes',
  'scopeNotString',
] as const;
export type Defect = (typeof DEFECTS)[number];

/** How the body travels: only `json` and `jsonCharset` reach validation. */
export const CREATE_ENCODINGS = ['json', 'jsonCharset', 'textPlain', 'noContentType', 'malformed', 'topLevelArray', 'topLevelString', 'empty'] as const;
export type CreateEncoding = (typeof CREATE_ENCODINGS)[number];

export interface CreateSpec {
  base: Base;
  name: string;
  extras: Extra[];
  defect?: Defect;
  encoding: CreateEncoding;
}

/** Client names: Unicode of several scripts, combining marks, control characters, the longest allowed. */
export const NAMES = [
  'Alpha',
  'alpha',
  'BETA app',
  'beta',
  'Gamma-Ray 7',
  'zeta',
  '🚀 Rocket 🚀',
  'שלום עולם',
  'مرحبا بالعالم',
  'e\u0301clair',
  'Émile',
  'ÆØÅ æøå',
  'İstanbul',
  'Straße',
  'tab\there',
  'bell\u0007 and nul\u0000',
  'quote "q" and back\\slash',
  'x'.repeat(512),
  '😀'.repeat(512),
] as const;

const RSA_KEY = { kty: 'RSA', use: 'sig', alg: 'RS256', kid: 'rsa-1', n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri', e: 'AQAB' };
const EC_KEY = { kty: 'EC', use: 'sig', alg: 'ES384', kid: 'ec-1', crv: 'P-384', x: 'WKn-ZIGevcwGIyyrzFoZNBdaq9', y: 'y77t-RvAHRKTsSGdIYUfweuOvwrvDD' };

function baseBody(base: Base, name: string): Record<string, unknown> {
  switch (base) {
    case 'web':
      return { appType: 'web', clientName: name };
    case 'webSecret':
      return { appType: 'web', clientName: name, allowedAuthMethods: ['client_secret'], allowedGrantTypes: ['client_credentials'] };
    case 'webJwt':
      return { appType: 'web', clientName: name, allowedAuthMethods: ['private_key_jwt'], publicKeys: [{ ...RSA_KEY }] };
    case 'webBoth':
      return { appType: 'web', clientName: name, allowedAuthMethods: ['client_secret', 'private_key_jwt'], publicKeys: [{ ...RSA_KEY }, { ...EC_KEY }] };
    case 'spa':
      return { appType: 'spa', clientName: name, allowedOrigins: ['https://spa.example.com'], redirectUris: ['https://spa.example.com/callback'] };
    case 'native':
      return { appType: 'native', clientName: name, redirectUris: ['com.example.app:/oauth'] };
    case 'embed':
      return { appType: 'anonymous-embed', clientName: name };
  }
}

/** The body as a value (without the `protoKeys` extra, which only exists as text). */
export function createBodyValue(spec: CreateSpec): Record<string, unknown> {
  const body = baseBody(spec.base, spec.name);
  const web = body.appType === 'web';
  for (const extra of spec.extras) {
    switch (extra) {
      case 'unknownMembers':
        body.vendorExtension = { nested: [1, 2, { deep: true }] };
        body.ALLOWEDORIGINS = ['https://ignored.example.com'];
        break;
      case 'readOnlyMembers':
        Object.assign(body, { clientId: 'ffffffffffffffffffffffffffffffff', createdAt: '2000-01-01T00:00:00Z', ownerId: 'intruder', clientSecret: 'x'.repeat(64) });
        break;
      case 'description':
        body.description = `Déjà vu — ${spec.name.slice(0, 40)} — مرحبا — 🎉`;
        break;
      case 'scopes':
        body.allowedScopes = ['user_default', 'admin_classic'];
        break;
      case 'redirects':
        if (body.appType !== 'native') body.redirectUris = ['https://a.example.com/cb', 'https://b.example.com/cb', 'http://localhost:3000/callback'];
        break;
      case 'trusted':
        body.connectionConfig = { consentMethod: 'trusted' };
        break;
      case 'uris':
        body.logoUri = 'https://cdn.example.com/logo.png';
        body.clientUri = 'https://www.example.com/';
        break;
      case 'grantTypes':
        if (web) body.allowedGrantTypes = ['client_credentials', 'urn:qlik:oauth:user-impersonation'];
        break;
      case 'jwkExtraMember':
        if (Array.isArray(body.publicKeys)) body.publicKeys = (body.publicKeys as object[]).map((k) => ({ ...k, x5t: 'bWFkZS11cA', ext: true }));
        break;
      case 'protoKeys':
        break;
    }
  }
  switch (spec.defect) {
    case undefined:
      break;
    case 'noName':
      delete body.clientName;
      break;
    case 'blankName':
      body.clientName = ' \t\n ';
      break;
    case 'nameTooLong':
      body.clientName = 'n'.repeat(513);
      break;
    case 'emojiNameTooLong':
      body.clientName = '🦄'.repeat(513);
      break;
    case 'nameNotString':
      body.clientName = 42;
      break;
    case 'badAppType':
      body.appType = 'desktop';
      break;
    case 'noAppType':
      delete body.appType;
      break;
    case 'originsOnNonSpa':
      if (body.appType === 'spa') body.appType = 'native';
      body.allowedOrigins = ['https://a.example.com'];
      break;
    case 'grantTypesOnNonWeb':
      body.appType = 'anonymous-embed';
      delete body.allowedOrigins;
      body.allowedGrantTypes = ['client_credentials'];
      break;
    case 'sixRedirects':
      body.redirectUris = [1, 2, 3, 4, 5, 6].map((i) => `https://r${i}.example.com/cb`);
      break;
    case 'duplicateRedirects':
      body.redirectUris = ['https://a.example.com/cb', 'https://a.example.com/cb'];
      break;
    case 'relativeRedirect':
      body.redirectUris = ['/callback'];
      break;
    case 'redirectTooLong':
      body.redirectUris = [`https://a.example.com/${'p'.repeat(240)}`];
      break;
    case 'originWithPath':
      body.appType = 'spa';
      delete body.allowedGrantTypes;
      body.allowedOrigins = ['https://a.example.com/app'];
      break;
    case 'jwtWithoutKeys':
      body.allowedAuthMethods = ['private_key_jwt'];
      delete body.publicKeys;
      break;
    case 'jwkAlgMismatch':
      body.publicKeys = [{ ...RSA_KEY, alg: 'ES384' }];
      break;
    case 'duplicateKid':
      body.publicKeys = [{ ...RSA_KEY }, { ...RSA_KEY, alg: 'RS512' }];
      break;
    case 'descriptionTooLong':
      body.description = 'd'.repeat(4097);
      break;
    case 'consentRequired':
      body.connectionConfig = { consentMethod: 'required' };
      break;
    case 'unknownAuthMethod':
      body.allowedAuthMethods = ['password'];
      break;
    case 'duplicateScopes':
      body.allowedScopes = ['user_default', 'user_default'];
      break;
    case 'scopeNotString':
      body.allowedScopes = ['user_default', 7];
      break;
  }
  return body;
}

/** The request body text and content type of a create call. */
export function createRequest(spec: CreateSpec): { raw: string; contentType?: string } {
  let json = JSON.stringify(createBodyValue(spec));
  if (spec.extras.includes('protoKeys')) {
    json = `{"__proto__":{"polluted":"via create"},"constructor":{"prototype":{"polluted":"via create"}},${json.slice(1)}`;
  }
  switch (spec.encoding) {
    case 'json':
      return { raw: json, contentType: 'application/json' };
    case 'jsonCharset':
      return { raw: json, contentType: 'application/json; charset=utf-8' };
    case 'textPlain':
      return { raw: json, contentType: 'text/plain' };
    case 'noContentType':
      return { raw: json };
    case 'malformed':
      return { raw: json.slice(0, -1), contentType: 'application/json' };
    case 'topLevelArray':
      return { raw: `[${json}]`, contentType: 'application/json' };
    case 'topLevelString':
      return { raw: JSON.stringify(json), contentType: 'application/json' };
    case 'empty':
      return { raw: '', contentType: 'application/json' };
  }
}

/** The status a create call gets once authenticated. */
export function createStatus(spec: CreateSpec): 201 | 400 | 415 {
  if (spec.encoding === 'empty') return 400;
  if (spec.encoding === 'textPlain' || spec.encoding === 'noContentType') return 415;
  if (spec.encoding !== 'json' && spec.encoding !== 'jsonCharset') return 400;
  return spec.defect === undefined ? 201 : 400;
}

const OPTIONAL_MEMBERS = ['description', 'logoUri', 'clientUri', 'redirectUris', 'allowedOrigins', 'allowedScopes', 'allowedGrantTypes', 'allowedAuthMethods'] as const;
const JWK_MEMBERS = ['kty', 'use', 'alg', 'kid', 'n', 'e', 'crv', 'x', 'y'];

/** The view of a client created from a valid spec; the server supplies the id, the time and the first secret. */
export function createdView(spec: CreateSpec, who: Who, server: { clientId: string; createdAt: string; secret?: string }): { view: View; secretsAllowed: boolean } {
  const body = createBodyValue(spec);
  const view: View = {
    clientId: server.clientId,
    appType: body.appType as string,
    clientName: body.clientName as string,
    connectionConfig: { consentMethod: (body.connectionConfig as { consentMethod?: string } | undefined)?.consentMethod === 'trusted' ? 'trusted' : 'required' },
    createdAt: server.createdAt,
    updatedAt: server.createdAt,
    ownerId: who.userId,
    createdByType: 'user',
  };
  for (const member of OPTIONAL_MEMBERS) if (body[member] !== undefined) view[member] = body[member];
  if (body.publicKeys !== undefined) {
    // Unknown members of a key are ignored like unknown members of the body.
    view.publicKeys = (body.publicKeys as Record<string, unknown>[]).map((key) => Object.fromEntries(JWK_MEMBERS.filter((m) => key[m] !== undefined).map((m) => [m, key[m]])));
  }
  if (view.appType === 'web' && view.allowedAuthMethods === undefined) view.allowedAuthMethods = ['client_secret'];
  const secretsAllowed = isWebWithSecret(view.appType, view.allowedAuthMethods);
  if (secretsAllowed) view.clientSecrets = server.secret === undefined ? [] : [{ hint: server.secret.slice(-5), createdAt: server.createdAt, createdBy: who.userId }];
  return { view, secretsAllowed };
}

// ---------------------------------------------------------------------------------------------
// JSON Patch

export interface PatchOpSpec {
  op: string;
  path: string;
  /** `absent`: no "value" member. */
  value: unknown | typeof ABSENT;
  /** Adds a member the schema does not know (allowed: OAuthClientUpdate is open). */
  extraMember?: boolean;
}
export const ABSENT = Symbol('absent');

export const PATCH_ENCODINGS = ['json', 'jsonPatchType', 'object', 'textPlain', 'malformed', 'empty'] as const;
export type PatchEncoding = (typeof PATCH_ENCODINGS)[number];

export interface PatchSpec {
  ops: PatchOpSpec[];
  encoding: PatchEncoding;
}

export const PATCH_VALUES: readonly unknown[] = [
  ...NAMES,
  '',
  '   ',
  'n'.repeat(513),
  '🦄'.repeat(513),
  'd'.repeat(4096),
  'd'.repeat(4097),
  '😀'.repeat(4096),
  ['user_default'],
  ['user_default', 'admin_classic', 'offline_access'],
  [],
  ['dup', 'dup'],
  ['s'.repeat(256)],
  ['s'.repeat(257)],
  ['x', 5],
  5,
  null,
  true,
  { value: 'object' },
  ABSENT,
];

function opValue(op: PatchOpSpec): Record<string, unknown> {
  const o: Record<string, unknown> = { op: op.op, path: op.path };
  if (op.value !== ABSENT) o.value = op.value;
  if (op.extraMember) o.from = '/clientName';
  return o;
}

export function patchRequest(spec: PatchSpec): { raw: string; contentType?: string } {
  const ops = spec.ops.map(opValue);
  switch (spec.encoding) {
    case 'json':
      return { raw: JSON.stringify(ops), contentType: 'application/json' };
    case 'jsonPatchType':
      return { raw: JSON.stringify(ops), contentType: 'application/json-patch+json' };
    case 'object':
      return { raw: JSON.stringify(ops[0] ?? {}), contentType: 'application/json' };
    case 'textPlain':
      return { raw: JSON.stringify(ops), contentType: 'text/plain' };
    case 'malformed':
      return { raw: `${JSON.stringify(ops)},`, contentType: 'application/json' };
    case 'empty':
      return { raw: '', contentType: 'application/json' };
  }
}

const codePoints = (s: string): number => [...s].length;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Statuses decided before the client is looked up (body and schema); undefined: go on. */
export function patchBodyStatus(spec: PatchSpec): 400 | 415 | undefined {
  if (spec.encoding === 'empty') return 400;
  if (spec.encoding === 'textPlain') return 415;
  if (spec.encoding === 'malformed' || spec.encoding === 'object') return 400;
  for (const op of spec.ops) {
    if (!['add', 'remove', 'replace'].includes(op.op)) return 400;
    if (!['/clientName', '/description', '/allowedScopes'].includes(op.path)) return 400;
    if (op.value !== ABSENT && typeof op.value !== 'string' && !isStringArray(op.value)) return 400;
  }
  return undefined;
}

/** Applies a schema-valid patch to a view, all or nothing; undefined when a rule refuses it (400). */
export function applyPatchToView(view: View, ops: readonly PatchOpSpec[]): View | undefined {
  const next: View = { ...view };
  for (const op of ops) {
    const field = op.path.slice(1);
    if (op.op === 'remove') {
      if (field === 'clientName') return undefined;
      delete next[field];
      continue;
    }
    const v = op.value;
    if (v === ABSENT) return undefined;
    if (field === 'clientName' && !(typeof v === 'string' && v.trim() !== '' && codePoints(v) <= 512)) return undefined;
    if (field === 'description' && !(typeof v === 'string' && codePoints(v) <= 4096)) return undefined;
    if (field === 'allowedScopes' && !(isStringArray(v) && v.every((s) => codePoints(s) <= 256) && new Set(v).size === v.length)) return undefined;
    next[field] = v;
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// SCIM filters, as a tree the generator builds and renders

export const FILTER_ATTRIBUTES = ['clientId', 'clientName', 'appType'] as const;
export type FilterAttribute = (typeof FILTER_ATTRIBUTES)[number];
export const COMPARE_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export type FilterTree =
  | { t: 'cmp'; attr: FilterAttribute; attrText: string; op: CompareOp; opText: string; value: string }
  | { t: 'pr'; attr: FilterAttribute; attrText: string; opText: string }
  | { t: 'and' | 'or'; kwText: string; left: FilterTree; right: FilterTree }
  | { t: 'not'; kwText: string; child: FilterTree };

/** Renders a tree; compound operands are parenthesised, so the text means exactly the tree. */
export function renderFilter(f: FilterTree): string {
  const operand = (g: FilterTree) => (g.t === 'and' || g.t === 'or' ? `(${renderFilter(g)})` : renderFilter(g));
  switch (f.t) {
    case 'cmp':
      return `${f.attrText} ${f.opText} ${JSON.stringify(f.value)}`;
    case 'pr':
      return `${f.attrText} ${f.opText}`;
    case 'and':
    case 'or':
      return `${operand(f.left)} ${f.kwText} ${operand(f.right)}`;
    case 'not':
      return `${f.kwText} (${renderFilter(f.child)})`;
  }
}

/** Strings compare case-insensitively (lower-cased, then code-unit order); `pr` means non-empty. */
export function matches(f: FilterTree, view: View): boolean {
  switch (f.t) {
    case 'cmp': {
      const a = String(view[f.attr]).toLowerCase();
      const b = f.value.toLowerCase();
      switch (f.op) {
        case 'eq': return a === b;
        case 'ne': return a !== b;
        case 'co': return a.includes(b);
        case 'sw': return a.startsWith(b);
        case 'ew': return a.endsWith(b);
        case 'gt': return a > b;
        case 'ge': return a >= b;
        case 'lt': return a < b;
        case 'le': return a <= b;
      }
      break;
    }
    case 'pr':
      return typeof view[f.attr] === 'string' && (view[f.attr] as string).length > 0;
    case 'and':
      return matches(f.left, view) && matches(f.right, view);
    case 'or':
      return matches(f.left, view) || matches(f.right, view);
    case 'not':
      return !matches(f.child, view);
  }
}

/** Filters the API must refuse with a 400. */
export const INVALID_FILTERS = [
  '',
  '   ',
  'clientName',
  'clientName eq',
  'clientName eq "unterminated',
  'clientName eq unquoted',
  'clientName eq 42',
  'clientName eq true',
  'clientName xx "a"',
  'secret eq "x"',
  'ownerId eq "x"',
  'clientName.value eq "x"',
  'clientName[type eq "x"]',
  '(clientName pr',
  'clientName pr)',
  'clientName pr and',
  'not clientName pr',
  'clientName pr or or appType pr',
  'clientName eq "bad \\x escape"',
  `${'('.repeat(40)}clientName pr${')'.repeat(40)}`,
  `clientName eq "${'a'.repeat(5000)}"`,
] as const;

// ---------------------------------------------------------------------------------------------
// Lists

export const SORT_KEYS = ['clientId', 'clientName', 'appType', 'createdAt', 'updatedAt'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ListQuery {
  filter?: FilterTree;
  filterText?: string;
  key: SortKey;
  descending: boolean;
  limit: number;
  totalResults: boolean;
}

/** The value a client sorts by: clientName case-insensitively, the others as they are. */
export const sortValue = (view: View, key: SortKey): string => (key === 'clientName' ? view.clientName.toLowerCase() : String(view[key]));

export interface Position {
  key: string;
  id: string;
}

const comparePositions = (a: Position, b: Position): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export interface PagePrediction {
  items: ModelClient[];
  hasNext: boolean;
  hasPrev: boolean;
  total: number;
  /** Where the next and prev links start from: the last and first item, else the incoming cursor's position. */
  nextAnchor?: Position;
  prevAnchor?: Position;
}

/**
 * A page, recomputed from scratch: the tenant's matching clients sorted by (value, id)
 * (reversed for descending), then everything after a next cursor's position, or the last
 * `limit` before a prev cursor's position. A link exists when a matching client lies beyond it.
 */
export function predictPage(clients: readonly ModelClient[], tenant: string, q: ListQuery, cursor?: { dir: 'next' | 'prev'; at: Position }): PagePrediction {
  const position = (c: ModelClient): Position => ({ key: sortValue(c.view, q.key), id: c.view.clientId });
  const order = (a: Position, b: Position) => (q.descending ? -comparePositions(a, b) : comparePositions(a, b));
  const view = clients
    .filter((c) => c.live && c.tenant === tenant && (q.filter === undefined || matches(q.filter, c.view)))
    .sort((a, b) => order(position(a), position(b)));
  let items: ModelClient[];
  if (!cursor) items = view.slice(0, q.limit);
  else if (cursor.dir === 'next') items = view.filter((c) => order(position(c), cursor.at) > 0).slice(0, q.limit);
  else items = view.filter((c) => order(position(c), cursor.at) < 0).slice(-q.limit);
  const nextAnchor = items.length > 0 ? position(items[items.length - 1]) : cursor?.at;
  const prevAnchor = items.length > 0 ? position(items[0]) : cursor?.at;
  return {
    items,
    hasNext: nextAnchor !== undefined && view.some((c) => order(position(c), nextAnchor) > 0),
    hasPrev: prevAnchor !== undefined && view.some((c) => order(position(c), prevAnchor) < 0),
    total: view.length,
    nextAnchor,
    prevAnchor,
  };
}

/** A link the API handed out, with what the model knows about it. */
export interface SavedCursor {
  href: string;
  dir: 'next' | 'prev';
  at: Position;
  tenant: string;
  query: ListQuery;
}

// ---------------------------------------------------------------------------------------------
// The model's state

export class Model {
  /** Every client ever seen, in order of appearance; deleted ones stay with `live: false`. */
  readonly clients: ModelClient[] = [];
  cursors: SavedCursor[] = [];
  /** The latest timestamp seen: new ones must come after it. */
  lastTimestamp = '';
  /** Every secret plaintext the API showed: none may be stored, logged or journaled. */
  readonly plaintexts: string[] = [];
  lastCreated?: ModelClient;

  static start(withFixtures: boolean): Model {
    const model = new Model();
    if (withFixtures) {
      for (const record of FIXTURE_CLIENTS) {
        const { tenant, view, secretsAllowed } = viewOfStored(structuredClone(record));
        model.clients.push({ tenant, view, secretsAllowed, plaintexts: new Map(), live: true });
        model.observe(view.createdAt);
        model.observe(view.updatedAt);
        for (const s of view.clientSecrets ?? []) model.observe(s.createdAt);
      }
    }
    return model;
  }

  observe(timestamp: string): void {
    if (timestamp > this.lastTimestamp) this.lastTimestamp = timestamp;
  }

  /** A client the tenant can see, or undefined (404). */
  visible(tenant: string, clientId: string): ModelClient | undefined {
    return this.clients.find((c) => c.live && c.tenant === tenant && c.view.clientId === clientId);
  }

  live(tenant: string): ModelClient[] {
    return this.clients.filter((c) => c.live && c.tenant === tenant);
  }

  saveCursor(cursor: SavedCursor): void {
    this.cursors.push(cursor);
    if (this.cursors.length > 12) this.cursors.shift();
  }
}

/** The id a command aims at. */
export type Target = { kind: 'last' } | { kind: 'nth'; n: number } | { kind: 'unknown' };

export const UNKNOWN_ID = '0123456789abcdef0123456789abcdef';

export function resolveTarget(model: Model, target: Target): { id: string; client?: ModelClient } {
  if (target.kind === 'last') {
    // The latest client created, else the newest live one of the default tenant.
    const client = model.lastCreated?.live ? model.lastCreated : model.live(DEFAULT_TENANT).pop();
    if (client) return { id: client.view.clientId, client };
  }
  if (target.kind !== 'unknown' && model.clients.length > 0) {
    const n = target.kind === 'nth' ? target.n : model.clients.length - 1;
    const client = model.clients[n % model.clients.length];
    return { id: client.view.clientId, client };
  }
  return { id: UNKNOWN_ID };
}

export const describeTarget = (t: Target): string => (t.kind === 'nth' ? `#${t.n}` : t.kind);
