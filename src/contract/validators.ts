import type { AnySchema, ErrorObject, Options, ValidateFunction } from 'ajv';
import { CONTRACT_SCHEMA_OPTIONS, newAjv } from './ajv.js';
import type { Contract } from './document.js';

/** Request validators compiled once at startup from the contract's own schemas. */
export interface ContractValidators {
  createRequest: ValidateFunction;
  patchRequest: ValidateFunction;
}

export function compileValidators(contract: Contract, options: Options = {}): ContractValidators {
  const ajv = newAjv({ ...CONTRACT_SCHEMA_OPTIONS, allErrors: false, ...options });
  ajv.addSchema({ $id: 'oas', components: { schemas: contract.document.components.schemas } });
  const patchBody = structuredClone(contract.document.paths['/api/core/oauth-clients/{id}'].patch.requestBody.content['application/json'].schema);
  // Every PATCH path the contract lists, plus /allowedScopes of the newer revision (FACTS.md).
  const update = structuredClone(contract.document.components.schemas.OAuthClientUpdate);
  update.properties.path.enum = [...update.properties.path.enum, '/allowedScopes'];
  patchBody.items = update;
  return {
    createRequest: ajv.compile({ $ref: 'oas#/components/schemas/OAuthClientCreateRequest' }),
    patchRequest: ajv.compile(rewriteRefs(patchBody)),
  };
}

/** `#/components/...` refs inside an inline schema point into the registered document. */
function rewriteRefs(schema: unknown): AnySchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"oas#/components/'));
}

/** One readable sentence from ajv's first error, e.g. `body.redirectUris[0] must be string`. */
export function describeSchemaError(errors: ErrorObject[] | null | undefined, root = 'body'): string {
  const error = errors?.[0];
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
