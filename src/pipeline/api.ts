import type { Context } from 'hono';
import { OperationResolver } from '../contract/operations.js';
import type { ContractValidators } from '../contract/validators.js';
import { incomingOf, requestHeader, type AppEnv } from '../http/env.js';
import { bodyFollows, readUnusedBody, refuseDeclaredLength, refuseEncodings } from '../http/body.js';
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

/** A value now, or later: the common path stays synchronous (no promise, no microtask). */
type Maybe<T> = T | Promise<T>;
const then = <T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>): Maybe<U> => (value instanceof Promise ? value.then(next) : next(value));

/**
 * The API pipeline: resolve the operation (404/405); the fault step (`Prefer`, fault rules, rate
 * limits); authentication as the operation requires; its handler. Every request is journaled
 * with its final status, errors and faults included. Each step reads the operation's descriptor.
 * A request that needs nothing asynchronous (a read without faults) is answered without a single
 * promise: they were a tenth of a GET's CPU.
 */
export function apiPipeline({ operations, validators, world, publicBaseUrl }: PipelineDeps) {
  const resolver = resolverOf(operations);
  return (c: Context<AppEnv>): Maybe<Response> => {
    const at = Date.now();
    const started = performance.now();
    const w = world(c);
    const request = c.req.raw;
    const incoming = incomingOf(c);
    const match = resolver.resolve(c.req.method, c.req.path);
    const operation = match.kind === 'operation' ? match.operation : undefined;
    let step: FaultStepResult | undefined;

    const answered = (response: Response): Response => {
      recordRequest(c, w.journal, { at, started, status: step?.dropped ? 0 : response.status, operation, fault: step?.fault, dropped: step?.dropped });
      return response;
    };
    const failed = (error: unknown): Response => {
      if (error instanceof ConnectionReset) {
        recordRequest(c, w.journal, { at, started, status: 0, operation, fault: error.ruleId, dropped: true });
        throw error;
      }
      if (error instanceof RequestAborted) {
        // The client went away mid-body (or the parser refused it): nobody to answer.
        recordRequest(c, w.journal, { at, started, status: 0, operation, fault: step?.fault, dropped: true });
        c.set('dropped', true);
        return alreadySent();
      }
      return answered(errorResponse(c, error));
    };
    const guarded = (value: () => Maybe<Response>): Maybe<Response> => {
      try {
        const response = value();
        return response instanceof Promise ? response.catch(failed) : response;
      } catch (error) {
        return failed(error);
      }
    };

    return guarded(() => {
      if (match.kind === 'not-found') throw new ApiError(404, `No route matches ${c.req.method} ${c.req.path}.`);
      if (match.kind === 'method-not-allowed') {
        throw new ApiError(405, `${c.req.method} is not allowed here; allowed: ${match.allow.join(', ')}.`, { allow: match.allow.join(', ') });
      }
      const op = match.operation;
      c.set('operationId', op.operationId);
      // A body over 1 MiB by its Content-Length is a 413 before anything else, on every operation.
      refuseDeclaredLength(request, incoming);
      refuseEncodings(request, incoming);
      const forced = faultStepNeeded(w, requestHeader(c, 'prefer')) ? faultStep(c, w, op, match.params) : undefined;
      return then(forced, (result): Maybe<Response> => {
        step = result;
        if (step?.response) {
          if (step.dropped) c.set('dropped', true);
          return answered(step.response);
        }
        const identity = authenticate(requestHeader(c, 'authorization'), w.identities, op);
        // An operation that takes no body acts only once a body sent anyway has arrived, and not
        // at all when it is over 1 MiB (413), as on the operations that read theirs.
        const ready = !op.takesBody && bodyFollows(request, incoming) ? readUnusedBody(request, incoming) : undefined;
        return then(ready, () => {
          const deps = { service: w.service, tokens: w.tokens, issuedTokens: w.issuedTokens, validators: validators(op), publicBaseUrl };
          return then(op.handler({ c, identity, params: match.params, deps }), answered);
        });
      });
    });
  };
}
