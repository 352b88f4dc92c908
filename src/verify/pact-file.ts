import { readFileSync } from 'node:fs';

/** A pact file that cannot be used at all: the CLI reports it as a usage error (exit 2). */
export class PactFileError extends Error {
  override name = 'PactFileError';
}

export interface ProviderStateRef {
  name: string;
  params?: Record<string, unknown>;
}

export interface PactRequest {
  method: string;
  path: string;
  /** Query parameters, each with all its values. */
  query: Record<string, string[]>;
  /** Header names lower-cased; several values joined with ", ". */
  headers: Record<string, string>;
  /** The example body (parsed JSON when it is JSON); undefined when the pact has none. */
  body?: unknown;
}

export interface PactResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** One interaction of a pact, whatever the pact specification version that wrote it. */
export interface PactInteraction {
  description: string;
  providerStates: ProviderStateRef[];
  /** `Synchronous/HTTP` for request/response interactions (V4 names); messages otherwise. */
  type: string;
  request?: PactRequest;
  response?: PactResponse;
}

export interface PactDocument {
  file: string;
  consumer: string;
  provider: string;
  specification: string;
  interactions: PactInteraction[];
}

const HTTP = 'Synchronous/HTTP';

/** Reads a pact file (specification V2, V3 or V4); throws PactFileError when it is unreadable or not a pact. */
export function readPactFile(file: string): PactDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PactFileError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PactFileError(`${file} is not JSON: ${(error as Error).message}`);
  }
  return parsePact(json, file);
}

export function parsePact(json: unknown, file = '<pact>'): PactDocument {
  if (!isObject(json) || !Array.isArray(json.interactions)) {
    throw new PactFileError(`${file} is not a pact file: it has no "interactions" array`);
  }
  const metadata = isObject(json.metadata) ? json.metadata : {};
  const spec = (['pactSpecification', 'pact-specification'] as const)
    .map((key) => metadata[key])
    .find(isObject)?.version;
  const interactions = json.interactions.map((raw, i) => parseInteraction(raw, `${file}: interactions[${i}]`));
  return {
    file,
    consumer: String((isObject(json.consumer) && json.consumer.name) || 'unknown consumer'),
    provider: String((isObject(json.provider) && json.provider.name) || 'unknown provider'),
    specification: typeof spec === 'string' ? spec : 'unknown',
    interactions,
  };
}

function parseInteraction(raw: unknown, where: string): PactInteraction {
  if (!isObject(raw)) throw new PactFileError(`${where} is not an object`);
  const description = typeof raw.description === 'string' ? raw.description : '(no description)';
  const providerStates: ProviderStateRef[] = [];
  if (Array.isArray(raw.providerStates)) {
    for (const s of raw.providerStates) {
      if (isObject(s) && typeof s.name === 'string') providerStates.push({ name: s.name, params: isObject(s.params) ? s.params : undefined });
    }
  } else if (typeof raw.providerState === 'string' && raw.providerState) {
    providerStates.push({ name: raw.providerState });
  }
  const type = typeof raw.type === 'string' ? raw.type : isObject(raw.request) ? HTTP : 'Asynchronous/Messages';
  if (type !== HTTP) return { description, providerStates, type };
  if (!isObject(raw.request) || !isObject(raw.response)) throw new PactFileError(`${where} ("${description}") lacks a request or a response`);
  const request = raw.request;
  const response = raw.response;
  if (typeof request.method !== 'string' || typeof request.path !== 'string') {
    throw new PactFileError(`${where} ("${description}") has no request method or path`);
  }
  const status = typeof response.status === 'number' ? response.status : Number(response.status);
  if (!Number.isInteger(status)) throw new PactFileError(`${where} ("${description}") has no response status`);
  const requestHeaders = headers(request.headers);
  const responseHeaders = headers(response.headers);
  return {
    description,
    providerStates,
    type,
    request: {
      method: request.method.toUpperCase(),
      path: request.path,
      query: query(request.query),
      headers: requestHeaders,
      body: body(request.body, requestHeaders['content-type']),
    },
    response: { status, headers: responseHeaders, body: body(response.body, responseHeaders['content-type']) },
  };
}

/** V2 sends the query as a string; V3 and V4 as a map of arrays (some writers use plain strings). */
function query(raw: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (typeof raw === 'string') {
    for (const [name, value] of new URLSearchParams(raw)) (out[name] ??= []).push(value);
  } else if (isObject(raw)) {
    for (const [name, value] of Object.entries(raw)) out[name] = (Array.isArray(value) ? value : [value]).map(String);
  }
  return out;
}

function headers(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(raw)) return out;
  for (const [name, value] of Object.entries(raw)) out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  return out;
}

/** V2/V3 bodies are the JSON itself; V4 wraps them as `{ content, contentType, encoded }`. */
function body(raw: unknown, contentType: string | undefined): unknown {
  if (raw === undefined || raw === null) return undefined;
  if (isObject(raw) && 'content' in raw && ('contentType' in raw || 'encoded' in raw)) {
    const type = typeof raw.contentType === 'string' ? raw.contentType : (contentType ?? '');
    let content = raw.content;
    if (typeof content === 'string' && raw.encoded && raw.encoded !== 'json') {
      content = Buffer.from(content, raw.encoded === 'base64' || raw.encoded === true ? 'base64' : 'utf8').toString('utf8');
    }
    if (typeof content === 'string' && /json/i.test(type)) {
      try {
        return JSON.parse(content);
      } catch {
        return content;
      }
    }
    return content;
  }
  return raw;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
