#!/usr/bin/env node
/**
 * `npm run build`, also run by `prepare` (npm install in a clone, installs from git or a folder):
 * dist/ from scratch. tsc writes only the declarations (dist/**\/*.d.ts); esbuild writes the code,
 * as bundles: Node's ESM loader pays for every file it opens (about a millisecond each here), and
 * per-file output would make every import of the package open some 70 of ours.
 *
 *   ESM (format esm, code splitting):
 *      dist/index.js            src/index.ts: the package's `import`
 *      dist/cli/main.js         src/cli/main.ts: the `bin` and `npm start`
 *      dist/verify/pact-worker.js  the child process pact-runner.ts forks, beside where it expects it
 *      dist/http/stdout-worker.js  the thread that writes the request log to stdout (src/http/logging.ts)
 *      dist/chunks/*.js         code the entries share, and what they load lazily (`await import(...)`
 *                               of our own modules stays a separate file, loaded on first use)
 *   Every package stays external: ESM imports jose, lowdb and faker directly, and `verify` loads
 *   @pact-foundation/pact (a dev dependency) from the application's node_modules, if it is there.
 *
 *   CommonJS, for require() (Jest):
 *      dist/cjs/index.js      src/index.ts bundled as CommonJS
 *      dist/cjs/faker-en.js   @faker-js/faker/locale/en as CommonJS, required on first use (seedCount, large-tenant)
 *      dist/cjs/package.json  {"type": "commonjs"}: .js and .d.ts files under dist/cjs/ are CommonJS
 *      dist/cjs/**\/*.d.ts     the declarations tsc wrote to dist/, copied: the same types, read as CommonJS
 *   Three dependencies are ESM-only (jose, lowdb, faker). Node >= 20.19 can require() them, but
 *   Jest's own module loader cannot (on Node 20 it throws "Must use import to load ES Module"), so
 *   they are bundled in; the dependencies that ship CommonJS (hono, @hono/node-server, ajv,
 *   ajv-formats) stay external and are shared with the application's own copies.
 *
 * In both, each module keeps the `import.meta.url` it would have as its own file: `new
 * URL('../../contract/…', import.meta.url)` in src/contract/document.ts reads the file beside
 * dist/contract/document.js, so the bundles rewrite it to the URL of dist/contract/document.js
 * (`__esmUrl`, defined at the top of every output file from where that file is; the ESM bundles
 * keep `import.meta.resolve`, which resolves packages alike from any file in dist/). In the CommonJS
 * bundle a module with a sibling `<name>.cjs.ts` is replaced by it (src/data/load-faker.cjs.ts), and
 * any other use of `import.meta` fails the build rather than break at run time.
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
const SHARED = ['hono', '@hono/node-server', 'ajv', 'ajv-formats'];
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

/** Per-module import.meta.url in a bundle; for CommonJS also the .cjs.ts variants. */
const perModule = (format) => ({
  name: 'per-module-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(src + sep)) return undefined;
      const variant = args.path.replace(/\.ts$/, '.cjs.ts');
      const file = format === 'cjs' && existsSync(variant) ? variant : args.path;
      let contents = readFileSync(file, 'utf8');
      // Where this module would be as its own file, relative to dist/.
      const asBuilt = relative(src, args.path).replace(/\.ts$/, '.js').split(sep).join('/');
      contents = contents.replace(/\bimport\.meta\.url\b/g, `__esmUrl(${JSON.stringify(asBuilt)})`);
      const left = format === 'cjs' && /\bimport\.meta\b(?!\.url)/.exec(contents.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''));
      if (left) throw new Error(`${relative(root, file)}: import.meta other than import.meta.url has no CommonJS equivalent here`);
      return { contents, loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
});

const common = { bundle: true, platform: 'node', target: 'node20.19', logLevel: 'warning', legalComments: 'none' };

/** In an ESM output file `import.meta.url` is that file; DIST becomes its way up to dist/. */
const DIST = '<dist>/';
const writeWithDist = ({ outputFiles }) => {
  for (const { path, text } of outputFiles) {
    const up = relative(dirname(path), dist).split(sep).join('/');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text.replace(JSON.stringify(DIST), JSON.stringify(up ? `${up}/` : './')));
  }
};

await Promise.all([
  build({
    ...common,
    format: 'esm',
    entryPoints: ['index.ts', 'cli/main.ts', 'verify/pact-worker.ts', 'http/stdout-worker.ts'].map((entry) => join(src, entry)),
    outbase: src,
    outdir: dist,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    packages: 'external',
    banner: { js: `const __esmUrl = (file) => new URL(${JSON.stringify(DIST)} + file, import.meta.url).href;` },
    plugins: [perModule('esm')],
    write: false,
  }).then(writeWithDist),
  build({
    ...common,
    format: 'cjs',
    entryPoints: [join(src, 'index.ts')],
    outfile: join(out, 'index.js'),
    external: [...SHARED, ...SHARED.map((name) => `${name}/*`), './faker-en.js'],
    banner: { js: "const __esmUrl = (file) => require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', file)).href;" },
    plugins: [perModule('cjs')],
  }),
  build({
    ...common,
    format: 'cjs',
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
