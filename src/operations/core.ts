import type { Context } from 'hono';
import type { ContractValidators } from '../contract/validators.js';
import { describeSchemaError } from '../contract/validators.js';
import type { CreateInput, Identity, PatchOperation } from '../domain/types.js';
import { clientView, clientViewJson } from '../domain/views.js';
import type { OAuthClientsService } from '../service/oauth-clients.js';
import { readJsonBody } from './body.js';
import { ApiError } from './errors.js';
import { listLink, requestOrigin } from './links.js';
import { parseListQuery } from './list-query.js';

export interface OperationContext {
  c: Context;
  identity: Identity;
  params: Record<string, string>;
}

export type OperationHandler = (ctx: OperationContext) => Promise<Response> | Response;

export interface ApiDeps {
  service: OAuthClientsService;
  validators: ContractValidators;
  publicBaseUrl?: string;
}

/** The header c.json sets, for bodies serialized here. */
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** One handler per operationId of the contract. */
export function operationHandlers({ service, validators, publicBaseUrl }: ApiDeps): Record<string, OperationHandler> {
  return {
    readAllOAuthClientsQCC: ({ c, identity }) => {
      const url = new URL(c.req.url);
      const query = parseListQuery(url.searchParams);
      const result = service.list(identity, query);
      const origin = requestOrigin(c.req.raw, publicBaseUrl, url);
      const kept = {
        filter: query.filter,
        sort: url.searchParams.has('sort') ? query.sort.text : undefined,
        limit: url.searchParams.get('limit') ?? undefined,
        totalResults: url.searchParams.get('totalResults') ?? undefined,
      };
      const links: Record<string, { href: string }> = {
        self: listLink(origin, url.pathname, { ...kept, next: query.next, prev: query.prev }),
      };
      if (result.next) links.next = listLink(origin, url.pathname, { ...kept, next: result.next });
      if (result.prev) links.prev = listLink(origin, url.pathname, { ...kept, prev: result.prev });
      // The body c.json would give ({data, links, totalResults?}), from each record's cached JSON.
      let body = `{"data":[${result.items.map(clientViewJson).join(',')}],"links":${JSON.stringify(links)}`;
      if (result.total !== undefined) body += `,"totalResults":${result.total}`;
      return c.body(`${body}}`, 200, JSON_TYPE);
    },

    createOAuthClientQCC: async ({ c, identity }) => {
      const body = await readJsonBody(c.req.raw);
      if (!validators.createRequest(body)) throw new ApiError(400, describeSchemaError(validators.createRequest.errors));
      const { client, secret } = await service.create(identity, body as CreateInput);
      // Chosen: clients without secrets (public apps, private_key_jwt-only web apps) get "".
      return c.json({ ...clientView(client), clientSecret: secret ?? '' }, 201);
    },

    readOAuthClientQCC: ({ c, identity, params }) => c.body(clientViewJson(service.get(identity, params.id)), 200, JSON_TYPE),

    patchOAuthClientQCC: async ({ c, identity, params }) => {
      const body = await readJsonBody(c.req.raw);
      if (!Array.isArray(body)) throw new ApiError(400, 'The request body must be a JSON array of JSON Patch operations.');
      if (!validators.patchRequest(body)) throw new ApiError(400, describeSchemaError(validators.patchRequest.errors));
      await service.patch(identity, params.id, body as PatchOperation[]);
      return c.body(null, 204);
    },

    deleteOAuthClientQCC: async ({ c, identity, params }) => {
      const confirm = c.req.header('qlik-confirm-delete');
      if (confirm === undefined) throw new ApiError(400, 'The qlik-confirm-delete header is required and must equal the id of the client.');
      if (confirm !== params.id) throw new ApiError(400, 'The qlik-confirm-delete header does not match the id of the client to delete.');
      await service.delete(identity, params.id);
      return c.body(null, 204);
    },

    createOAuthClientSecretQCC: async ({ c, identity, params }) => {
      const { clientId, record, plaintext } = await service.createSecret(identity, params.id);
      return c.json({ hint: record.hint, clientId, clientSecret: plaintext, createdAt: record.createdAt, createdBy: record.createdBy }, 201);
    },

    deleteOAuthClientSecretQCC: async ({ c, identity, params }) => {
      await service.deleteSecret(identity, params.id, params.hint);
      return c.body(null, 204);
    },
  };
}
