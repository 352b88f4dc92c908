#!/usr/bin/env node
/**
 * `npm run build`, also run by `prepare` (npm install in a clone, installs from git or a folder):
 * dist/ from scratch, in two builds.
 *
 * 1. ESM: tsc -p tsconfig.build.json writes dist/**\/*.js and .d.ts (no source maps: src/ is not shipped).
 * 2. CommonJS, beside it:
 *      dist/cjs/index.js      src/index.ts bundled by esbuild as CommonJS
 *      dist/cjs/faker-en.js   @faker-js/faker/locale/en as CommonJS, required on first use (seedCount, large-tenant)
 *      dist/cjs/package.json  {"type": "commonjs"}: .js and .d.ts files under dist/cjs/ are CommonJS
 *      dist/cjs/**\/*.d.ts     the declarations tsc wrote to dist/, copied: the same types, read as CommonJS
 *
 * Why a bundle and not a second tsc run: three dependencies are ESM-only (jose, lowdb, faker).
 * Node >= 20.19 can require() them, but Jest's own module loader cannot (on Node 20 it throws
 * "Must use import to load ES Module"), so they are bundled in; the dependencies that ship
 * CommonJS (hono, @hono/node-server, ajv, ajv-formats, sonic-boom) stay external and are shared with the
 * application's own copies.
 *
 * Each module keeps the `import.meta.url` it has in the ESM build: `new URL('../../contract/…',
 * import.meta.url)` in src/contract/document.ts reads the file beside dist/contract/document.js,
 * so the bundle rewrites it to the URL of dist/contract/document.js. A module with a sibling
 * `<name>.cjs.ts` is replaced by it (src/data/load-faker.cjs.ts). Any other use of `import.meta`
 * fails the build rather than break at run time.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const out = join(dist, 'cjs');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Dependencies that ship CommonJS themselves: required at run time, not bundled. */
const SHARED = ['hono', '@hono/node-server', 'ajv', 'ajv-formats', 'sonic-boom'];
for (const name of Object.keys(pkg.dependencies)) {
  if (!SHARED.includes(name) && !['jose', 'lowdb', '@faker-js/faker'].includes(name)) {
    throw new Error(`scripts/build.mjs: decide whether the dependency ${name} is bundled (ESM-only) or shared (ships CommonJS)`);
  }
}

// The build needs the dev dependencies. A folder installed by path (`npm install ../clone`) runs
// this as its prepare script: say what to do rather than "tsc: not found".
const require = createRequire(join(root, 'package.json'));
let tsc;
try {
  tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  require.resolve('esbuild');
} catch {
  console.error(
    `qlik-oauth-clients-mock: cannot build dist/: the dev dependencies (typescript, esbuild) are not installed in ${root}. ` +
      'Run `npm install` there first, then install it again.',
  );
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

const { build } = await import('esbuild');
mkdirSync(out, { recursive: true });

/** ESM-build semantics inside the bundle: per-module import.meta.url, .cjs.ts variants. */
const esmSemantics = {
  name: 'esm-semantics',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(src + sep)) return undefined;
      const variant = args.path.replace(/\.ts$/, '.cjs.ts');
      const file = existsSync(variant) ? variant : args.path;
      let contents = readFileSync(file, 'utf8');
      // Where this module lives in the ESM build, relative to dist/.
      const asBuilt = relative(src, args.path).replace(/\.ts$/, '.js').split(sep).join('/');
      contents = contents.replace(/\bimport\.meta\.url\b/g, `__esmUrl(${JSON.stringify(asBuilt)})`);
      const left = /\bimport\.meta\b(?!\.url)/.exec(contents.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''));
      if (left) throw new Error(`${relative(root, file)}: import.meta other than import.meta.url has no CommonJS equivalent here`);
      return { contents, loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};

const banner =
  "const __esmUrl = (file) => require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', file)).href;";
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20.19', logLevel: 'warning', legalComments: 'none' };

await Promise.all([
  build({
    ...common,
    entryPoints: [join(src, 'index.ts')],
    outfile: join(out, 'index.js'),
    external: [...SHARED, ...SHARED.map((name) => `${name}/*`), './faker-en.js'],
    banner: { js: banner },
    plugins: [esmSemantics],
  }),
  build({
    ...common,
    stdin: { contents: "module.exports = require('@faker-js/faker/locale/en');", resolveDir: root, sourcefile: 'faker-en.js' },
    outfile: join(out, 'faker-en.js'),
  }),
]);

writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');

/** The declarations, copied: read from dist/cjs/ (type commonjs) they describe the CommonJS build. */
const copyDeclarations = (from, to) => {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const path = join(from, entry.name);
    if (path === out) continue;
    if (entry.isDirectory()) copyDeclarations(path, join(to, entry.name));
    else if (entry.name.endsWith('.d.ts')) {
      mkdirSync(to, { recursive: true });
      cpSync(path, join(to, entry.name));
    }
  }
};
copyDeclarations(dist, out);
