import type { Context } from 'hono';
import { describeSchemaError, type ContractValidators } from '../contract/validators.js';
import { readJsonBody } from '../http/body.js';
import { incomingOf, requestHeader } from '../http/env.js';
import { ApiError } from '../http/errors.js';
import { listLink, requestOrigin } from '../http/links.js';
import type { ListQuery, ListResult } from '../service/oauth-clients.js';
import { caller, type OperationCall } from './descriptor.js';
import { PageCache } from './page-cache.js';
import { parseListQuery, type ListParameters } from './list-query.js';

/** The header c.json sets, for bodies serialized here. */
export const JSON_TYPE = { 'Content-Type': 'application/json' };

/** A request body that passed the operation's schema (400 naming the first problem otherwise). */
export async function validBody(c: Context, validators: ContractValidators, operationId: string): Promise<unknown> {
  const body = await readJsonBody(c.req.raw, incomingOf(c));
  const validate = validators.body(operationId);
  if (validate && !validate(body)) throw new ApiError(400, describeSchemaError(validate.errors));
  return body;
}

/** A JSON Patch body: an array (said first, it is the most common mistake), then the schema. */
export async function patchBody(c: Context, validators: ContractValidators, operationId: string): Promise<unknown[]> {
  const body = await readJsonBody(c.req.raw, incomingOf(c));
  if (!Array.isArray(body)) throw new ApiError(400, 'The request body must be a JSON array of JSON Patch operations.');
  const validate = validators.body(operationId)!;
  if (!validate(body)) throw new ApiError(400, describeSchemaError(validate.errors));
  return body;
}

const pages = new PageCache();
const encoder = new TextEncoder();

/**
 * A list operation: its answer from the page cache when nothing it depends on changed, else
 * `build` with the query parsed as its document allows. The answer depends on the operation, the
 * caller's tenant and role, the URL and the headers that make the links' origin.
 */
export function listAnswer(call: OperationCall, allowed: ListParameters, build: (query: ListQuery) => { result: ListResult; items: string[]; withTotal?: boolean }): Response {
  const { c, deps } = call;
  const identity = caller(call);
  const store = deps.service.store;
  const key = `${c.get('operationId')}\u0000${identity.tenantId}\u0000${identity.admin}\u0000${c.req.url}\u0000${requestHeader(c, 'x-forwarded-proto')}\u0000${requestHeader(c, 'x-forwarded-host')}`;
  let page = pages.get(store, key);
  if (!page) {
    const url = new URL(c.req.url);
    const query = parseListQuery(url.searchParams, allowed);
    const { result, items, withTotal = true } = build(query);
    const links = listLinks(url, query, result, requestOrigin(c.req.raw, deps.publicBaseUrl, url));
    // `{"data":[…],"links":{…},"totalResults"?}` from each item's cached JSON; links are absolute (docs/FACTS.md).
    let body = `{"data":[${items.join(',')}],"links":${JSON.stringify(links)}`;
    if (withTotal && result.total !== undefined) body += `,"totalResults":${result.total}`;
    page = encoder.encode(`${body}}`);
    pages.set(store, key, page);
  }
  return c.body(page, 200, JSON_TYPE);
}

function listLinks(url: URL, query: ListQuery, result: ListResult, origin: string): Record<string, { href: string }> {
  const kept = {
    filter: query.filter,
    sort: url.searchParams.has('sort') ? query.sort.text : undefined,
    limit: url.searchParams.get('limit') ?? undefined,
    totalResults: url.searchParams.get('totalResults') ?? undefined,
  };
  const links: Record<string, { href: string }> = { self: listLink(origin, url.pathname, { ...kept, next: query.next, prev: query.prev }) };
  if (result.next) links.next = listLink(origin, url.pathname, { ...kept, next: result.next });
  if (result.prev) links.prev = listLink(origin, url.pathname, { ...kept, prev: result.prev });
  return links;
}

/** DELETE's confirmation header must name the client (checked before the lookup: chosen). */
export function confirmDelete(c: Context, id: string): void {
  const confirm = requestHeader(c, 'qlik-confirm-delete');
  if (confirm === undefined || confirm.trim() === '') throw new ApiError(400, 'The qlik-confirm-delete header is required and must equal the id of the client.');
  if (confirm !== id) throw new ApiError(400, 'The qlik-confirm-delete header does not match the id of the client to delete.');
}
