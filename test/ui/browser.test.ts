import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium } from './browser.js';

describe('findChromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'find-chromium-'));
  const fake = join(dir, 'chromium-browser');
  writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });

  it('takes CHROMIUM_PATH, else chromium or chromium-browser on PATH', () => {
    expect(findChromium({ CHROMIUM_PATH: fake, PATH: '' })).toBe(fake);
    expect(findChromium({ PATH: `/nonexistent:${dir}` })).toBe(fake);
  });

  it('fails with a message that says how to get one, never a skip', () => {
    expect(() => findChromium({ PATH: '/nonexistent' })).toThrow(/found none: install it \(Debian\/Ubuntu: `sudo apt-get install -y chromium`/);
    expect(() => findChromium({ CHROMIUM_PATH: join(dir, 'missing'), PATH: dir })).toThrow(/CHROMIUM_PATH is .*missing, which is not an executable file/);
  });
});
