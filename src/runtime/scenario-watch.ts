import { watch, type FSWatcher } from 'node:fs';
import { SCENARIOS_DIR } from '../faults/scenarios.js';
import type { MockRuntime } from './mock-runtime.js';

/** Editors write a file in several steps: wait for the burst to end before reading. */
const SETTLE_MS = 100;

/**
 * `--watch`: reloads the scenario files when one changes. A set in which every file is valid
 * replaces the previous one; a bad file is refused with one message naming it and its field,
 * and the previous set stays in force. Scenarios already applied keep what they did.
 */
export function watchScenarios(runtime: MockRuntime, dir: string | undefined, say: (message: string, level: 'info' | 'warn') => void): { close(): void } {
  const folder = dir ?? SCENARIOS_DIR;
  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  const reload = () => {
    timer = undefined;
    const files = [...changed].sort().join(', ');
    changed.clear();
    try {
      const scenarios = runtime.reloadScenarios();
      say(`scenarios reloaded after a change to ${files}: ${[...scenarios.keys()].join(', ') || 'none'}; a change takes effect when its scenario is next applied (POST /__mock/scenarios/{name})`, 'info');
    } catch (error) {
      const message = (error as Error).message.trim();
      say(`${message}${/[.!?]$/.test(message) ? '' : '.'} The previous scenarios stay in force.`, 'warn');
    }
  };
  const watcher: FSWatcher = watch(folder, (_event, file) => {
    if (file && !String(file).endsWith('.json')) return;
    changed.add(String(file ?? folder));
    clearTimeout(timer);
    timer = setTimeout(reload, SETTLE_MS);
  });
  watcher.on('error', (error) => say(`watching ${folder} stopped: ${error.message}`, 'warn'));
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
