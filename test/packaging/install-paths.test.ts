/**
 * The package as users get it: packed, and installed by each path the README names, each into a
 * fresh folder outside this repository, then used from there with ESM `import`, CommonJS
 * `require`, TypeScript, vitest and Jest. And `npm start` in a fresh clone: compiled code, stopped
 * by SIGTERM and SIGINT sent to npm.
 *
 * The "clone" is a copy of this working tree's files (tracked and untracked, not ignored) with no
 * dist/, made a git repository of its own; its node_modules is a link to this repository's
 * (installed from the same lockfile), which stands for the `npm install` a clone needs first.
 * Installs use npm's cache (--prefer-offline); npm reaches the registry only for what it lacks.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; devDependencies: Record<string, string> };
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const JEST_VERSION = '30.5.2';

/**
 * npm's own variables are left out: under `npm test` they say where the outer project is
 * (npm_config_local_prefix), which would make every npm run here act on this repository.
 */
const ENV: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD')),
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  npm_config_prefer_offline: 'true',
  npm_config_loglevel: 'error',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

interface Ran {
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string, timeoutMs = 150_000): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { cwd, env: ENV, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
      else resolvePromise({ stdout, stderr });
    });
  });
}
const npm = (args: string[], cwd: string) => run('npm', args, cwd);
const git = (args: string[], cwd: string) =>
  run('git', ['-c', 'user.name=packaging test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], cwd);

let TMP: string;
let CLONE: string;
let TARBALL: string;
/** The working tree's files, as a clone holds them. */
let FILES: string[];
/** The git URL install, the slowest (npm installs every dev dependency in its clone): started first. */
let GIT_INSTALL: Promise<{ dir: string; failure?: unknown }>;

/** The files a clone of this working tree holds (no dist/, no node_modules/). */
function copyWorkingTree(to: string, files: string[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(ROOT, file), join(to, file));
  }
}

/** A clone, ready to build: the working tree's files and this repository's node_modules. */
function freshClone(name: string, files: string[]): string {
  const dir = join(TMP, name);
  copyWorkingTree(dir, files);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** A fresh project folder with only a package.json. */
function project(name: string, dependencies: Record<string, string> = {}): string {
  const dir = join(TMP, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, dependencies }, null, 2));
  return dir;
}

const SMOKE_BODY = `
  const mock = await startMock({ port: 0, scenario: 'secret-limit-reached', seedCount: 2, fakerSeed: 1 });
  try {
    const health = await mock.control.health();
    const openapi = (await (await fetch(mock.url + '/__mock/openapi.json')).json()).openapi;
    const scenarios = (await mock.control.listScenarios()).length;
    const listed = (await mock.control.requests()).length;
    const app = await createApp().request('/api/core/oauth-clients?limit=1', { headers: { authorization: 'Bearer t' } });
    console.log(JSON.stringify({ resolved: RESOLVED, health, openapi, scenarios, listed, appStatus: app.status }));
  } finally {
    await mock.close();
  }`;

/**
 * Uses the installed package from `dir` twice, once by `import` and once by `require`: a mock
 * with a scenario (scenarios/), faker clients, the contract (contract/) and createApp (fixtures/).
 */
async function useBothWays(dir: string): Promise<{ esm: any; cjs: any }> {
  writeFileSync(
    join(dir, 'smoke.mjs'),
    `import { createApp, startMock } from '${PKG.name}';\nconst RESOLVED = import.meta.resolve('${PKG.name}');\n${SMOKE_BODY}\n`,
  );
  writeFileSync(
    join(dir, 'smoke.cjs'),
    `const { createApp, startMock } = require('${PKG.name}');\nconst RESOLVED = require.resolve('${PKG.name}');\n(async () => {${SMOKE_BODY}\n})().catch((e) => { console.error(e); process.exit(1); });\n`,
  );
  const [esm, cjs] = await Promise.all(['smoke.mjs', 'smoke.cjs'].map(async (file) => JSON.parse((await run(process.execPath, [file], dir, 30_000)).stdout)));
  for (const result of [esm, cjs]) {
    expect(result).toMatchObject({ health: { status: 'ok', clients: 3 }, openapi: '3.0.0', listed: 0, appStatus: 200 });
    expect(result.scenarios).toBeGreaterThan(5);
  }
  expect(esm.resolved).toMatch(/\/dist\/index\.js$/);
  expect(cjs.resolved).toMatch(/\/dist\/cjs\/index\.js$/);
  return { esm, cjs };
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

/** What a package folder holds, as installed: dist/ for both builds, no source maps, no sources. */
function expectShippedContent(dir: string): void {
  const files = filesUnder(dir);
  for (const file of ['LICENSE', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/http/stdout-worker.js', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/faker-en.js', 'dist/cjs/package.json', 'contract/oauth-clients.openapi.json', 'fixtures/clients.json', 'scenarios/default.json', 'examples/vitest/in-process.test.ts', 'examples/jest/in-process.test.cjs']) {
    expect(files, file).toContain(file);
  }
  expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  expect(files.filter((f) => /^(src|test|bench|scripts)\//.test(f))).toEqual([]);
  expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 The qlik-oauth-clients-mock authors\n/);
}

beforeAll(async () => {
  TMP = realpathSync(mkdtempSync(join(tmpdir(), 'qocm-packaging-')));
  const listed = (await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT)).stdout.split('\0');
  FILES = listed.filter((file) => file !== '' && existsSync(join(ROOT, file)) && !lstatSync(join(ROOT, file)).isDirectory());
  CLONE = freshClone('clone', FILES);
  // The clone is a git repository too, for the git URL install.
  writeFileSync(join(CLONE, '.gitignore'), `${readFileSync(join(CLONE, '.gitignore'), 'utf8')}\nnode_modules\n`);
  await git(['init', '-q'], CLONE);
  await git(['add', '-A'], CLONE);
  await git(['commit', '-q', '-m', 'the working tree'], CLONE);
  const fromGit = project('from-git');
  GIT_INSTALL = npm(['install', `git+file://${CLONE}`], fromGit).then(
    () => ({ dir: fromGit }),
    (failure: unknown) => ({ dir: fromGit, failure }),
  );
  // npm pack runs prepack, which builds dist/ in the clone (and leaves prepare out of the packed manifest).
  const packed = await npm(['pack', '--json', '--pack-destination', TMP], CLONE);
  TARBALL = join(TMP, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
}, 120_000);

afterAll(async () => {
  await GIT_INSTALL;
  if (TMP) rmSync(TMP, { recursive: true, force: true });
});

describe.concurrent('installing the package', () => {
  it('the tarball has no install script: its manifest has no prepare, and --strict-allow-scripts installs it', async () => {
    const dir = project('from-tarball-strict');
    await npm(['install', '--strict-allow-scripts', TARBALL], dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', PKG.name, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    expect(manifest.scripts?.prepare).toBeUndefined();
    // The clone's own manifest is back as it was after packing.
    expect((JSON.parse(readFileSync(join(CLONE, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.prepare).toBe('node scripts/build.mjs');
    expect(existsSync(join(CLONE, '.package.json.packing'))).toBe(false);
  }, 120_000);

  it('the tarball (npm pack; the registry serves the same): ESM, CommonJS, TypeScript types for both, the bin, vitest and Jest', async () => {
    const dir = project('from-tarball');
    await npm(['install', TARBALL, `vitest@${PKG.devDependencies.vitest}`, `jest@${JEST_VERSION}`, `@types/node@${PKG.devDependencies['@types/node']}`], dir);
    const installed = join(dir, 'node_modules', PKG.name);
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expectShippedContent(installed);
    await useBothWays(dir);

    expect((await run(join(dir, 'node_modules/.bin/qlik-oauth-clients-mock'), ['--version'], dir)).stdout.trim()).toBe(PKG.version);

    // Types: an ESM and a CommonJS consumer, checked strictly, library declarations included.
    writeFileSync(
      join(dir, 'esm.mts'),
      `import { ControlClient, startMock, type JournalEntry, type RunningMock } from '${PKG.name}';
const mock: RunningMock = await startMock({ port: 0, scenario: 'empty' });
const sent: JournalEntry[] = await mock.control.requests({ operationId: 'readAllOAuthClientsQCC' });
const control: ControlClient = mock.session('a').control;
export const out = [sent.length, control.baseUrl, (await control.listSessions())[0].name];
`,
    );
    writeFileSync(
      join(dir, 'cjs.cts'),
      `import mockPackage = require('${PKG.name}');
export async function use(): Promise<number> {
  const mock: mockPackage.RunningMock = await mockPackage.startMock({ port: 0 });
  const entries: mockPackage.JournalEntry[] = await mock.control.requests();
  return entries.length;
}
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
        files: ['esm.mts', 'cjs.cts'],
      }),
    );
    const checked = await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--listFiles'], dir);
    const typeFiles = checked.stdout.split('\n').map((line) => line.trim());
    expect(typeFiles).toContain(join(installed, 'dist/index.d.ts'));
    expect(typeFiles).toContain(join(installed, 'dist/cjs/index.d.ts'));

    // The shipped examples, copied into the project as the README says, with its own vitest and Jest.
    mkdirSync(join(dir, 'vitest-tests'));
    mkdirSync(join(dir, 'jest-tests'));
    cpSync(join(installed, 'examples/vitest/in-process.test.ts'), join(dir, 'vitest-tests/in-process.test.ts'));
    cpSync(join(installed, 'examples/jest/in-process.test.cjs'), join(dir, 'jest-tests/in-process.test.cjs'));
    const [vitest, jest] = await Promise.all([
      run(join(dir, 'node_modules/.bin/vitest'), ['run', '--dir', 'vitest-tests'], dir),
      run(join(dir, 'node_modules/.bin/jest'), ['--rootDir', 'jest-tests', '--ci'], dir),
    ]);
    expect(vitest.stdout).toMatch(/Tests\s+\d+ passed \(\d+\)/);
    expect(vitest.stdout).not.toMatch(/failed/);
    expect(jest.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  }, 240_000);

  it('a git URL (git+file:// here; git+https:// and github: work the same): npm clones, installs the dev dependencies, runs prepare, installs the result', async () => {
    const { dir, failure } = await GIT_INSTALL;
    if (failure) throw failure;
    const installed = join(dir, 'node_modules', PKG.name);
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expectShippedContent(installed);
    await useBothWays(dir);
  }, 240_000);

  it('a folder path (npm install /path/to/clone, or "file:/path/to/clone"): a link; prepare builds dist/ in the clone', async () => {
    const clone = freshClone('clone-for-link', FILES);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    const dir = project('from-folder');
    await npm(['install', clone], dir);
    const installed = join(dir, 'node_modules', PKG.name);
    expect(lstatSync(installed).isSymbolicLink()).toBe(true);
    expect(realpathSync(installed)).toBe(clone);
    expect(existsSync(join(clone, 'dist/index.js')) && existsSync(join(clone, 'dist/cjs/index.js'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies[PKG.name]).toBe(`file:../clone-for-link`);
    await useBothWays(dir);
  }, 240_000);

  it('a folder with --install-links ("file:" in package.json): a copy with its own dependencies, as from the tarball', async () => {
    const clone = freshClone('clone-for-copy', FILES);
    const dir = project('from-folder-copy', { [PKG.name]: `file:${clone}` });
    await npm(['install', '--install-links'], dir);
    const installed = join(dir, 'node_modules', PKG.name);
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expectShippedContent(installed);
    expect(existsSync(join(dir, 'node_modules/hono/package.json'))).toBe(true);
    await useBothWays(dir);
  }, 240_000);

  it('a folder without its dev dependencies: one line saying to run npm install there', async () => {
    const clone = join(TMP, 'clone-not-installed');
    copyWorkingTree(clone, FILES);
    const dir = project('from-bare-folder');
    const error = await npm(['install', clone], dir).catch((e: Error) => e);
    expect(String(error)).toContain(`qlik-oauth-clients-mock: cannot build dist/: the dev dependencies (typescript, esbuild) are not installed in ${clone}. Run \`npm install\` there first`);
  }, 60_000);
});

/** npm start in `cwd`, its own process group; resolves once the startup line names the URL. */
function npmStart(cwd: string): Promise<{ proc: ChildProcess; url: string; startedMs: number }> {
  const started = performance.now();
  const proc = spawn('npm', ['start', '--', '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent'], { cwd, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolvePromise({ proc, url: match[1], startedMs: performance.now() - started });
    });
    proc.once('exit', (code) => reject(new Error(`npm start exited ${code} before listening: ${out}`)));
  });
}

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portFree = (port: number) =>
  new Promise<boolean>((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePromise(true)));
  });

describe('npm start in a fresh clone', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('runs the compiled CLI and stops on %s sent to npm: npm exits 0, the port is free, no process is left', async (signal) => {
    const { proc, url } = await npmStart(CLONE);
    try {
      expect((await fetch(`${url}/__mock/health`)).status).toBe(200);
      const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
      const sentAt = performance.now();
      process.kill(proc.pid!, signal); // npm alone, as a process manager or a terminal's kill does
      expect(await exited).toBe(0);
      const deadline = Date.now() + 2000;
      while (groupAlive(proc.pid!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(groupAlive(proc.pid!)).toBe(false);
      expect(await portFree(Number(new URL(url).port))).toBe(true);
      expect(performance.now() - sentAt).toBeLessThan(2000);
    } finally {
      if (groupAlive(proc.pid!)) process.kill(-proc.pid!, 'SIGKILL');
    }
  }, 60_000);
});
