import type { Context } from 'hono';
import { OperationResolver } from '../contract/operations.js';
import type { ContractValidators } from '../contract/validators.js';
import type { AppEnv } from '../http/env.js';
import { bodyFollows, incomingOf, readUnusedBody, refuseDeclaredLength } from '../http/body.js';
import { alreadySent, ApiError, errorResponse, RequestAborted } from '../http/errors.js';
import type { OperationDescriptor } from '../operations/descriptor.js';
import type { MockWorld } from '../runtime/world.js';
import { authenticate } from './auth.js';
import { ConnectionReset, faultStep, faultStepNeeded, type FaultStepResult } from './faults.js';
import { recordRequest } from './journal.js';

const resolvers = new WeakMap<readonly OperationDescriptor[], OperationResolver<OperationDescriptor>>();
/** The same operations resolve the same way: one resolver per set, however many mocks a process starts. */
function resolverOf(operations: readonly OperationDescriptor[]): OperationResolver<OperationDescriptor> {
  let resolver = resolvers.get(operations);
  if (!resolver) resolvers.set(operations, (resolver = new OperationResolver(operations)));
  return resolver;
}

export interface PipelineDeps {
  operations: readonly OperationDescriptor[];
  /** Each operation's request validators, by the contract that declares it. */
  validators: (operation: OperationDescriptor) => ContractValidators;
  /** The world a request acts on. */
  world: (c: Context<AppEnv>) => MockWorld;
  publicBaseUrl?: string;
}

/**
 * The API pipeline: resolve the operation (404/405); the fault step (`Prefer`, fault rules, rate
 * limits); authentication as the operation requires; its handler. Every request is journaled
 * with its final status, errors and faults included. Each step reads the operation's descriptor.
 */
export function apiPipeline({ operations, validators, world, publicBaseUrl }: PipelineDeps) {
  const resolver = resolverOf(operations);
  return async (c: Context<AppEnv>): Promise<Response> => {
    const at = Date.now();
    const started = performance.now();
    const w = world(c);
    const request = c.req.raw;
    const incoming = incomingOf(c);
    const match = resolver.resolve(c.req.method, c.req.path);
    const operation = match.kind === 'operation' ? match.operation : undefined;
    let step: FaultStepResult | undefined;
    let response: Response;
    try {
      if (match.kind === 'not-found') throw new ApiError(404, `No route matches ${c.req.method} ${c.req.path}.`);
      if (match.kind === 'method-not-allowed') {
        throw new ApiError(405, `${c.req.method} is not allowed here; allowed: ${match.allow.join(', ')}.`, { allow: match.allow.join(', ') });
      }
      c.set('operationId', match.operation.operationId);
      // A body over 1 MiB by its Content-Length is a 413 before anything else, on every operation.
      refuseDeclaredLength(request, incoming);
      if (faultStepNeeded(w, c.req.header('prefer'))) {
        const forced = faultStep(c, w, match.operation, match.params);
        step = forced instanceof Promise ? await forced : forced;
      }
      if (step?.response) response = step.response;
      else {
        const identity = authenticate(c.req.header('authorization'), w.identities, match.operation);
        // An operation that takes no body acts only once a body sent anyway has arrived, and not
        // at all when it is over 1 MiB (413), as on the operations that read theirs.
        if (!match.operation.takesBody && bodyFollows(request, incoming)) await readUnusedBody(request, incoming);
        const deps = { service: w.service, tokens: w.tokens, issuedTokens: w.issuedTokens, validators: validators(match.operation), publicBaseUrl };
        const answer = match.operation.handler({ c, identity, params: match.params, deps });
        response = answer instanceof Promise ? await answer : answer;
      }
    } catch (error) {
      if (error instanceof ConnectionReset) {
        recordRequest(c, w.journal, { at, started, status: 0, operation, fault: error.ruleId, dropped: true });
        throw error;
      }
      if (error instanceof RequestAborted) {
        // The client went away mid-body (or the parser refused it): nobody to answer.
        recordRequest(c, w.journal, { at, started, status: 0, operation, fault: step?.fault, dropped: true });
        return alreadySent();
      }
      response = errorResponse(c, error);
    }
    recordRequest(c, w.journal, { at, started, status: step?.dropped ? 0 : response.status, operation, fault: step?.fault, dropped: step?.dropped });
    return response;
  };
}
