/** What the A/B, profile and log-cost tools share: a started mock's URL, a process's CPU time, a median. */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The URL of a mock the tool spawned, from its "listening on" line: read from its stdout pipe, or
 * polled from `stdoutFile` when its stdout is a file (a logging mock, as in a container).
 */
export function listeningUrl(proc: ChildProcess, stdoutFile?: string): Promise<string> {
  return new Promise((done, fail) => {
    const onExit = (code: number | null) => fail(new Error(`the mock exited with ${code}`));
    proc.once('exit', onExit);
    const found = (text: string) => {
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (!m) return false;
      proc.off('exit', onExit);
      done(m[1]);
      return true;
    };
    if (stdoutFile) {
      const poll = setInterval(() => found(readFileSync(stdoutFile, 'utf8')) && clearInterval(poll), 20);
      return;
    }
    let out = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => found((out += chunk)));
  });
}

/** User + system CPU time of a process in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The value below which a share `q` of the values lie (linear between the two nearest). */
export const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
};

/** The middle value, or the mean of the two middle ones. */
export const median = (values: number[]): number => quantile(values, 0.5);
