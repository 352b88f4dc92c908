import type { Context } from 'hono';
import type { OperationSpec } from '../contract/operations.js';
import type { ContractValidators } from '../contract/validators.js';
import type { IssuedTokens } from '../domain/identities.js';
import type { Identity } from '../domain/types.js';
import type { JournalBody } from '../journal/journal.js';
import type { OAuthClientsService } from '../service/oauth-clients.js';
import type { TokenService } from '../service/tokens.js';
import type { AppEnv } from '../http/env.js';

/** What a handler may use: the world the request acts on and what every world shares. */
export interface OperationDeps {
  service: OAuthClientsService;
  tokens: TokenService;
  issuedTokens: IssuedTokens;
  validators: ContractValidators;
  publicBaseUrl?: string;
}

export interface OperationCall {
  c: Context<AppEnv>;
  /** The caller, resolved from the bearer token; absent for operations that need none. */
  identity?: Identity;
  params: Record<string, string>;
  deps: OperationDeps;
}

/**
 * Who may call an operation: `admin` (a bearer token of an admin: the organization's owner on
 * core, a tenant admin on v1; others get 403), `member` (any user of the tenant; what they see
 * may differ), `none` (no bearer token: the token endpoint authenticates the client itself).
 */
export type Access = 'admin' | 'member' | 'none';

/**
 * One operation's whole policy: its contract entry (id, method, path, tier), who may call it,
 * which fault rules reach it, how the journal shows its request body, and its handler. The
 * pipeline reads these; nothing in it asks which operation a request is.
 */
export interface OperationDescriptor extends OperationSpec {
  access: Access;
  /** `all`: every matching rule; `named`: only rules that name it (an operationId or a path), so a catch-all outage stays about the API. */
  faults: 'all' | 'named';
  /** The request body as the journal keeps it (e.g. credentials masked); as received when absent. */
  journalBody?: (body: JournalBody, mediaType: string) => JournalBody;
  /** The message of the 403 for a caller who is not an admin (`access: 'admin'`). */
  forbidden?: string;
  handler(call: OperationCall): Response | Promise<Response>;
}

/** The caller of an operation that needs a bearer token (the pipeline resolved it before the handler). */
export function caller(call: OperationCall): Identity {
  if (!call.identity) throw new Error(`no identity for an operation that needs one`);
  return call.identity;
}
