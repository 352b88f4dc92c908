#!/usr/bin/env node
/**
 * `prepack` / `postpack`: the packed package.json has no `prepare` script.
 *
 * `prepare` builds dist/ in a clone (npm install there, or a git or folder install). In a
 * tarball, or from the registry, dist/ is built already and scripts/ is not shipped, yet npm
 * counts `prepare` as an install script: `--strict-allow-scripts` refuses the package and every
 * install warns. `strip` keeps the real manifest beside it and writes one without `prepare`;
 * `restore` puts the real one back. A pack that broke off in between is repaired by the next
 * one (`strip` never overwrites the kept copy). npm reads the manifest again after `prepack`, so
 * `prepare` no longer runs during the pack: `prepack` builds dist/ itself, then strips.
 */
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'package.json');
const kept = join(root, '.package.json.packing');

const mode = process.argv[2];
if (mode === 'strip') {
  if (!existsSync(kept)) copyFileSync(manifest, kept);
  const pkg = JSON.parse(readFileSync(kept, 'utf8'));
  delete pkg.scripts.prepare;
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (mode === 'restore') {
  if (existsSync(kept)) renameSync(kept, manifest);
} else {
  console.error('usage: scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
