import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

type AddFormats = (ajv: Ajv) => Ajv;
// ajv-formats is CommonJS; under NodeNext its function arrives as the default of the namespace.
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** An ajv instance with the standard formats (date-time, uri, …). */
export function newAjv(options: Options): Ajv {
  const ajv = new Ajv(options);
  addFormats(ajv);
  return ajv;
}

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
