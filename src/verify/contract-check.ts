/**
 * Checks a pact interaction against the OpenAPI contract itself, not against the mock: is the
 * request one the API documents, and is the response it expects one the API can give? Uses
 * production dependencies only (ajv and the project's own contract code), so `verify` works
 * from an installation without dev dependencies.
 *
 * Pact matchers: the pact file holds an example for every matched value; the example is what
 * is checked. A pact body lists only what the consumer reads, so `required` is not enforced on
 * expected response bodies, but every property must be one the contract defines there.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { CONTRACT_SCHEMA_OPTIONS, withFormats } from '../contract/ajv.js';
import type { Contract, ContractName } from '../contract/document.js';
import { OperationResolver, type OperationSpec } from '../contract/operations.js';
import { requestValidators, type ContractValidators } from '../contract/validators.js';
import type { PactInteraction } from './pact-file.js';

/**
 * Statuses the API answers on any operation although the document does not list them:
 * 429 comes from the `x-qlik-tier` rate limits Qlik documents (docs/FACTS.md).
 */
export const STATUSES_BEYOND_THE_DOCUMENT = ['429'] as const;

type Schema = Record<string, any>;

/** One contract as the checker uses it: its document, request validators and response expectations. */
class CheckedContract {
  readonly validators: ContractValidators;
  readonly ajv: Ajv2019;
  readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly contract: Contract) {
    this.validators = requestValidators(contract);
    // Draft 2019-09 for `unevaluatedProperties`, which closes objects composed with allOf.
    this.ajv = withFormats(new Ajv2019({ ...CONTRACT_SCHEMA_OPTIONS, strictRequired: false, allErrors: true }));
    this.ajv.addSchema({ $id: 'expect', components: { schemas: expectationSchemas(contract.document.components?.schemas ?? {}) } });
  }
}

/** Checks interactions against the contract whose path they call (core or v1). */
export class ContractChecker {
  private readonly resolver: OperationResolver<OperationSpec>;
  private readonly contracts = new Map<string, CheckedContract>();

  constructor(contracts: readonly Contract[]) {
    for (const contract of contracts) this.contracts.set(contract.name, new CheckedContract(contract));
    this.resolver = new OperationResolver(contracts.flatMap((c) => c.operations));
  }

  /** Contract violations of one interaction, each a sentence; [] when it is one the API can give. */
  check(interaction: PactInteraction): string[] {
    if (!interaction.request || !interaction.response) {
      return [`"${interaction.type}" is not an HTTP request/response interaction; this API has HTTP operations only`];
    }
    const { request } = interaction;
    const path = request.path.split('?')[0];
    const match = this.resolver.resolve(request.method, path);
    if (match.kind === 'not-found') return [`request: no operation of the contracts matches ${request.method} ${path}`];
    if (match.kind === 'method-not-allowed') {
      return [`request: ${request.method} is not an operation on ${path} (the contract has ${match.allow.filter((method) => method !== 'HEAD').join(', ')})`];
    }
    const operation = match.operation;
    const checked = this.contracts.get(operation.contract as ContractName)!;
    const documented = checked.contract.document.paths[operation.path][operation.method.toLowerCase()] as Schema;
    return [...this.checkRequest(checked, operation, documented, interaction), ...this.checkResponse(checked, operation, documented, interaction)];
  }

  private checkRequest(checked: CheckedContract, operation: OperationSpec, documented: Schema, { request }: PactInteraction): string[] {
    const problems: string[] = [];
    const where = `request (${operation.operationId})`;
    const parameters = (documented.parameters ?? []) as Schema[];
    for (const [name, values] of Object.entries(request!.query)) {
      const parameter = parameters.find((p) => p.in === 'query' && p.name === name);
      if (!parameter) continue; // the document does not forbid other parameters
      for (const value of values) {
        const problem = this.checkParameter(checked, parameter, value);
        if (problem) problems.push(`${where}: query parameter "${name}=${value}" ${problem}`);
      }
    }
    for (const parameter of parameters.filter((p) => p.in === 'header')) {
      const value = request!.headers[String(parameter.name).toLowerCase()];
      if (value === undefined) {
        if (parameter.required) problems.push(`${where}: the required header "${parameter.name}" is missing`);
        continue;
      }
      const problem = this.checkParameter(checked, parameter, value);
      if (problem) problems.push(`${where}: header "${parameter.name}: ${value}" ${problem}`);
    }
    const bodyValidator = checked.validators.body(operation.operationId);
    if (bodyValidator) {
      const contentType = request!.headers['content-type'];
      if (request!.body === undefined) problems.push(`${where}: the operation requires a JSON body and the pact sends none`);
      else if (contentType !== undefined && !/^application\/json\b/i.test(contentType)) {
        problems.push(`${where}: the body must be application/json, not "${contentType}"`);
      } else if (!bodyValidator(request!.body)) {
        problems.push(...describe(bodyValidator.errors, `${where}: body`));
      }
    }
    return problems;
  }

  private checkParameter({ ajv, compiled }: CheckedContract, parameter: Schema, raw: string): string | undefined {
    const schema = (parameter.schema ?? {}) as Schema;
    let value: unknown = raw;
    if (schema.type === 'number' || schema.type === 'integer') {
      value = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) return `is not a ${schema.type}`;
    } else if (schema.type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') return 'is not a boolean (true or false)';
      value = raw === 'true';
    }
    const key = `param:${JSON.stringify(schema)}`;
    let validate = compiled.get(key);
    if (!validate) compiled.set(key, (validate = ajv.compile(rewriteRefs(schema))));
    return validate(value) ? undefined : describe(validate.errors, '').map((m) => m.replace(/^\$ /, '')).join('; ');
  }

  private checkResponse(checked: CheckedContract, operation: OperationSpec, documented: Schema, { response }: PactInteraction): string[] {
    const status = String(response!.status);
    const where = `response ${status} (${operation.operationId})`;
    let described = (documented.responses ?? {})[status] as Schema | undefined;
    if (!described) {
      if ((STATUSES_BEYOND_THE_DOCUMENT as readonly string[]).includes(status)) described = this.errorResponse();
      else {
        return [
          `response: status ${status} is not one ${operation.operationId} returns (the contract documents ${Object.keys(documented.responses ?? {}).join(', ')})`,
        ];
      }
    }
    if (typeof described.$ref === 'string') described = deref(checked.contract, described.$ref);
    const content = (described.content ?? {}) as Record<string, Schema>;
    const mediaType = Object.keys(content).find((t) => /json/i.test(t));
    const body = response!.body;
    if (!mediaType) {
      return body === undefined || body === '' ? [] : [`${where}: the contract describes no body for this status, but the pact expects one`];
    }
    const problems: string[] = [];
    const contentType = response!.headers['content-type'];
    if (contentType !== undefined && !/^application\/json\b/i.test(contentType)) {
      problems.push(`${where}: the contract answers ${mediaType}, but the pact expects Content-Type "${contentType}"`);
    }
    if (body === undefined) return problems;
    if (typeof body !== 'object' || body === null) {
      return [...problems, `${where}: the contract answers a JSON object, but the pact expects ${JSON.stringify(body).slice(0, 60)}`];
    }
    const key = `response:${operation.operationId}:${status}`;
    let validate = checked.compiled.get(key);
    if (!validate) checked.compiled.set(key, (validate = checked.ajv.compile(rewriteRefs(content[mediaType].schema ?? {}))));
    if (!validate(body)) problems.push(...describe(validate.errors, `${where}: body`));
    return problems;
  }

  private errorResponse(): Schema {
    return { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } };
  }

}

function deref(contract: Contract, ref: string): Schema {
  const parts = ref.replace(/^#\//, '').split('/');
  let node: any = contract.document;
  for (const part of parts) node = node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  if (!node) throw new Error(`the contract has a dangling $ref ${ref}`);
  return node as Schema;
}

/**
 * The document's schemas as a pact's expected body must satisfy them: every object closed to
 * properties the contract does not define (`unevaluatedProperties: false`, so `allOf`
 * composition still works), `required` dropped (a consumer lists only what it reads), and
 * names a schema requires without defining (the document's `ownerId`) allowed.
 */
export function expectationSchemas(schemas: Record<string, Schema>): Record<string, Schema> {
  const composed = new Set<string>();
  visit(schemas, (node) => {
    for (const member of Array.isArray(node.allOf) ? node.allOf : []) {
      if (typeof member?.$ref === 'string') composed.add(member.$ref.split('/').pop()!);
    }
  });
  const out: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    out[name] = expectation(schema, true);
    // An allOf member must stay open: the composing schema closes over all members together.
    if (composed.has(name)) out[`${name}__member`] = expectation(schema, false);
  }
  visit(out, (node) => {
    for (const member of Array.isArray(node.allOf) ? node.allOf : []) {
      if (typeof member?.$ref === 'string' && composed.has(member.$ref.split('/').pop()!)) member.$ref += '__member';
    }
  });
  return out;
}

function expectation(schema: Schema, close: boolean): Schema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const out: Schema = { ...schema };
  const isObject = out.type === 'object' || out.properties !== undefined || out.allOf !== undefined;
  if (isObject && (out.properties || out.allOf)) {
    const properties: Schema = {};
    for (const [name, value] of Object.entries<Schema>(out.properties ?? {})) properties[name] = expectation(value, true);
    for (const name of Array.isArray(out.required) ? out.required : []) properties[name] ??= {};
    if (Object.keys(properties).length > 0) out.properties = properties;
    if (close && out.additionalProperties === undefined) out.unevaluatedProperties = false;
  }
  delete out.required;
  if (out.items) out.items = expectation(out.items, true);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(out[key])) out[key] = out[key].map((member: Schema) => expectation(member, key !== 'allOf'));
  }
  if (typeof out.additionalProperties === 'object') out.additionalProperties = expectation(out.additionalProperties, true);
  return out;
}

function visit(node: unknown, fn: (node: Schema) => void): void {
  if (Array.isArray(node)) node.forEach((n) => visit(n, fn));
  else if (typeof node === 'object' && node !== null) {
    fn(node as Schema);
    Object.values(node).forEach((n) => visit(n, fn));
  }
}

function rewriteRefs(schema: unknown): Schema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"expect#/components/')) as Schema;
}

/** ajv errors as sentences with JSONPath locations (`$.data[0].bogus`), as Pact writes them. */
function describe(errors: ErrorObject[] | null | undefined, prefix: string): string[] {
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    if (error.keyword === 'if' || error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    const at = jsonPath(error.instancePath);
    const params = error.params as Record<string, any>;
    let sentence: string;
    if (error.keyword === 'unevaluatedProperties' || error.keyword === 'additionalProperties') {
      const name = params.unevaluatedProperty ?? params.additionalProperty;
      sentence = `${jsonPath(`${error.instancePath}/${name}`)} is not a field the contract defines here`;
    } else if (error.keyword === 'required') sentence = `${at} must have the property "${params.missingProperty}"`;
    else if (error.keyword === 'enum') sentence = `${at} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    else sentence = `${at} ${error.message ?? 'is invalid'}`;
    seen.add(`${prefix} ${sentence}`.trim());
  }
  return seen.size > 0 ? [...seen] : [`${prefix} is invalid`.trim()];
}

function jsonPath(pointer: string): string {
  return (
    '$' +
    pointer
      .split('/')
      .slice(1)
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `['${part}']`))
      .join('')
  );
}
