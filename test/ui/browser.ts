/**
 * The system's Chromium for the dashboard's browser tests, driven by playwright-core (which
 * never downloads a browser). Found through CHROMIUM_PATH, else `chromium` or
 * `chromium-browser` on PATH; without one the tests fail, saying how to install it.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (env.CHROMIUM_PATH) {
    if (executable(env.CHROMIUM_PATH)) return env.CHROMIUM_PATH;
    throw new Error(`CHROMIUM_PATH is ${env.CHROMIUM_PATH}, which is not an executable file.`);
  }
  for (const name of ['chromium', 'chromium-browser']) {
    for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
      if (executable(join(dir, name))) return join(dir, name);
    }
  }
  throw new Error(
    'The dashboard tests need Chromium and found none: install it (Debian/Ubuntu: `sudo apt-get install -y chromium`; .ci/run does this) or set CHROMIUM_PATH to a Chromium executable.',
  );
}

/**
 * Headless, with nothing running in the background: on a machine without internet, Chromium's
 * own connections (updates, sync, QUIC probes) are refused or time out and slow every start.
 * playwright-core gives each launch a new empty profile directory of its own.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
