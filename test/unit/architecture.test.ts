/**
 * The layering of src/, kept true: every import points inward or sideways, never outward.
 * Folders are ranked from the inside (pure rules) to the outside (the command line); a module may
 * import only modules of its own rank or lower. Type-only imports count too: a type that points
 * outward is a dependency all the same.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Each folder of src/ (and the two root modules) with its rank: 1 is the core. */
const RANK: Record<string, number> = {
  contract: 1,
  domain: 1,
  query: 1,
  journal: 1,
  store: 2,
  data: 3,
  service: 3,
  faults: 3,
  runtime: 4,
  client: 4,
  http: 5,
  operations: 6,
  pipeline: 7,
  control: 7,
  app: 8,
  index: 9,
  verify: 10,
  cli: 11,
};
const PURE = ['contract', 'domain', 'query', 'journal'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The layer a file belongs to: its folder under src/, or its name for a root module. */
const layerOf = (file: string): string => {
  const [first, second] = relative(SRC, file).split(/[\\/]/);
  return second === undefined ? first.replace(/\.ts$/, '') : first;
};

const imports = sources(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)].map((m) => {
    const target = resolve(dirname(file), (m[1] ?? m[2]).replace(/\.js$/, '.ts'));
    return { from: relative(SRC, file), source: layerOf(file), target: layerOf(target) };
  });
});

describe('the layering of src/', () => {
  it('knows every folder (a new one gets a rank here)', () => {
    const layers = new Set(sources(SRC).map(layerOf));
    expect([...layers].filter((layer) => RANK[layer] === undefined)).toEqual([]);
    expect(imports.length).toBeGreaterThan(100);
  });

  it('domain, query, contract and journal import nothing of http, runtime or anything outside them', () => {
    const outward = imports.filter((i) => PURE.includes(i.source) && !PURE.includes(i.target));
    expect(outward.map((i) => `${i.from} → ${i.target}`)).toEqual([]);
  });

  it('no module imports a layer outside its own', () => {
    const upward = imports.filter((i) => RANK[i.target] > RANK[i.source]);
    expect(upward.map((i) => `${i.from} (${i.source}) → ${i.target}`)).toEqual([]);
  });

  it('the check is real: it sees a relative import and its layer', () => {
    expect(imports).toContainEqual({ from: 'app.ts', source: 'app', target: 'pipeline' });
  });
});
