import { createRequire } from 'node:module';
import type { Ajv, AnySchema, Options, ValidateFunction } from 'ajv';

/**
 * ajv and ajv-formats are loaded the first time a schema is compiled, not when the package is
 * imported: they were most of its import time, and a mock that is never sent a body, a fault
 * rule or a scenario never needs them. Both are CommonJS.
 */
const load = createRequire(import.meta.url);
let ajvClass: typeof Ajv | undefined;
let addFormats: ((ajv: unknown) => void) | undefined;

/** Adds the standard formats (date-time, uri, …) to any ajv flavour (draft-07, 2019-09). */
export function withFormats<T>(ajv: T): T {
  addFormats ??= load('ajv-formats') as (ajv: unknown) => void;
  addFormats(ajv);
  return ajv;
}

/**
 * An ajv instance with the standard formats. The schemas it compiles are fixed in the source, so
 * they are not checked against the meta-schema on every start (compiling the meta-schema cost
 * ~23 ms per instance); test/unit/contract/schemas.test.ts checks each of them once.
 */
export const newAjv = (options: Options): Ajv => {
  ajvClass ??= (load('ajv') as { Ajv: typeof Ajv }).Ajv;
  return withFormats(new ajvClass({ validateSchema: false, ...options }));
};

/** What compiling the contract's own schemas takes: its annotation keywords, and no strict types (it puts maxItems/uniqueItems on string items). */
export const CONTRACT_SCHEMA_OPTIONS = {
  strict: true,
  strictTypes: false,
  keywords: ['example', 'components', 'x-qlik-visibility', 'x-qlik-private'],
} satisfies Options;

let shared: Ajv | undefined;

/**
 * One ajv instance ({ allErrors: false, strict: true }) for the schemas compiled once per
 * process (data files, scenarios, fault rules). Each instance compiles the meta-schema again
 * before its first schema: sharing one took ~110 ms off the start (bench/run.ts). Not for
 * schemas registered with addSchema or compiled per mock (they would accumulate here).
 */
export function sharedAjv(): Ajv {
  return (shared ??= newAjv({ allErrors: false, strict: true }));
}

/** A validator of the shared instance compiled when first needed: a start that never needs it pays nothing. */
export function onFirstUse(schema: AnySchema): () => ValidateFunction {
  let compiled: ValidateFunction | undefined;
  return () => (compiled ??= sharedAjv().compile(schema));
}
