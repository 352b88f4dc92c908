import type { Ajv, AnySchema, ErrorObject, Options, ValidateFunction } from 'ajv';
import { CONTRACT_SCHEMA_OPTIONS, newAjv } from './ajv.js';
import type { Contract } from './document.js';

/**
 * Request-body validators compiled from a contract's own schemas: one per operation that takes
 * a JSON body, compiled the first time it is needed and then shared by every mock of the process.
 */
export interface ContractValidators {
  /** The validator of an operation's JSON request body; undefined for operations without one. */
  body(operationId: string): ValidateFunction | undefined;
}

const shared = new Map<string, ContractValidators>();

export function requestValidators(contract: Contract): ContractValidators {
  let validators = shared.get(contract.name);
  if (!validators) shared.set(contract.name, (validators = compileValidators(contract)));
  return validators;
}

/** A fresh set (the test that checks the schemas against the meta-schema passes `validateSchema`). */
export function compileValidators(contract: Contract, options: Options = {}): ContractValidators & { compileAll(): void } {
  let ajv: Ajv | undefined;
  const compiled = new Map<string, ValidateFunction | undefined>();
  const bodies = new Map<string, unknown>();
  for (const op of contract.operations) {
    const schema = contract.document.paths[op.path][op.method.toLowerCase()].requestBody?.content?.['application/json']?.schema;
    if (schema) bodies.set(op.operationId, schema);
  }
  const compile = (operationId: string): ValidateFunction | undefined => {
    const schema = bodies.get(operationId);
    if (schema === undefined) return undefined;
    if (!ajv) {
      ajv = newAjv({ ...CONTRACT_SCHEMA_OPTIONS, allErrors: false, ...options });
      ajv.addSchema({ $id: 'oas', components: { schemas: adjustedSchemas(contract) } });
    }
    return ajv.compile(rewriteRefs(schema));
  };
  return {
    body(operationId) {
      if (!compiled.has(operationId)) compiled.set(operationId, compile(operationId));
      return compiled.get(operationId);
    },
    compileAll() {
      for (const operationId of bodies.keys()) this.body(operationId);
    },
  };
}

/**
 * The contract's schemas as the mock enforces them. One addition, on the core contract only:
 * its PATCH also takes `/allowedScopes`, as the newer revision of the same API does (docs/FACTS.md).
 */
function adjustedSchemas(contract: Contract): Record<string, unknown> {
  const schemas = structuredClone(contract.document.components.schemas);
  if (contract.name === 'core') schemas.OAuthClientUpdate.properties.path.enum.push('/allowedScopes');
  return schemas;
}

/** `#/components/...` refs inside an inline schema point into the registered document. */
function rewriteRefs(schema: unknown): AnySchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"oas#/components/'));
}

/**
 * The error a person needs: ajv's first, except under an `anyOf` or `oneOf`, where each branch
 * failed in its own way: the one that got furthest into the value (a JWK's bad `use`, not "must be
 * string" for the list of strings a key list is not), a branch the value's type matched first.
 */
function chosenError(errors: ErrorObject[] | null | undefined): ErrorObject | undefined {
  if (!errors?.some((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) return errors?.[0];
  const rank = (e: ErrorObject) => e.instancePath.split('/').length * 2 + (e.keyword === 'type' ? 0 : 1);
  let best: ErrorObject | undefined;
  for (const e of errors) if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && (!best || rank(e) > rank(best))) best = e;
  return best ?? errors[0];
}

/** One readable sentence from ajv's error (see chosenError), e.g. `body.redirectUris[0] must be string`. */
export function describeSchemaError(errors: ErrorObject[] | null | undefined, root = 'body'): string {
  const error = chosenError(errors);
  if (!error) return `${root} is invalid.`;
  const where =
    root +
    error.instancePath
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replaceAll('~1', '/').replaceAll('~0', '~')}`))
      .join('');
  const detail =
    error.keyword === 'enum'
      ? `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
      : error.keyword === 'required'
        ? `must have the property "${(error.params as { missingProperty: string }).missingProperty}"`
        : error.keyword === 'additionalProperties'
          ? `must not have the property "${(error.params as { additionalProperty: string }).additionalProperty}"`
          : (error.message ?? 'is invalid');
  return `${where} ${detail}.`;
}
