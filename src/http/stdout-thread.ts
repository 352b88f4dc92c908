import { isMainThread, Worker } from 'node:worker_threads';
import { BATCH_BYTES, LogBatchDecoder } from './log-batch.js';
import { LineBytes } from './line-bytes.js';

/**
 * Where batches of encoded log lines (`log-batch.ts`) go to be written to stdout. Batches are
 * encoded straight into the buffer `acquire` gives and handed over with `submit`.
 */
export interface BatchWriter {
  /** The buffer for the next batch, or undefined while every buffer waits to be written (its lines are dropped). */
  acquire(): Buffer | undefined;
  /** The batch in the buffer last acquired, `length` bytes, is to be written. */
  submit(length: number): void;
  /** True when every batch submitted is written: a batch ends on time only then, else it fills up first. */
  idle(): boolean;
  /** True once stdout is gone (EPIPE: `| head`, a log collector gone). */
  closed(): boolean;
  /** Blocks until every submitted batch is written, for at most `ms`: at exit. */
  drain(ms: number): void;
}

/** Buffers the thread and the mock share (4 MiB): what a reader that stops reading is owed, some 25,000 lines, before lines are dropped. */
export const SLOTS = 16;
/** The shared state (Int32): whether stdout is closed, how many batches are written, then each slot's batch length (0: free). */
export const CLOSED = 0;
export const WRITTEN = 1;
export const slotState = (slot: number) => 2 + slot;

/**
 * A thread of its own (`stdout-worker.ts`) decodes, formats and writes the batches: formatting
 * and writing were two thirds of what info logging cost GET throughput (docs/performance.md,
 * item 24). The mock fills the slots in turn and posts each slot's number; the thread writes the
 * slot a message names, frees it (length 0) and counts it. A pipe nobody reads
 * blocks that thread, never the mock's. `onFailure` is called if the thread fails. Undefined
 * where there is no compiled worker (the sources, run by tsx or vitest) or in a worker thread of
 * the application, whose fd 1 is not its stdout.
 */
export function threadWriter(onFailure: () => void): BatchWriter | undefined {
  if (import.meta.url.endsWith('.ts') || !isMainThread) return undefined;
  const state = new Int32Array(new SharedArrayBuffer(4 * (2 + SLOTS)));
  const memory = new SharedArrayBuffer(SLOTS * BATCH_BYTES);
  let worker: Worker;
  try {
    worker = new Worker(new URL('./stdout-worker.js', import.meta.url), { workerData: { state: state.buffer, memory }, stdout: false, stderr: false });
  } catch {
    return undefined;
  }
  worker.unref();
  // A thread that cannot load or dies would hold every line; the caller writes them itself from then on.
  worker.once('error', onFailure);
  const buffers = Array.from({ length: SLOTS }, (_, slot) => Buffer.from(memory, slot * BATCH_BYTES, BATCH_BYTES));
  let next = 0;
  let submitted = 0;
  return {
    acquire: () => (Atomics.load(state, slotState(next)) ? undefined : buffers[next]),
    submit: (length) => {
      Atomics.store(state, slotState(next), length);
      worker.postMessage(next);
      next = (next + 1) % SLOTS;
      // As WRITTEN counts, in an Int32 that wraps (after 2^31 batches: months at full load).
      submitted = (submitted + 1) | 0;
    },
    idle: () => Atomics.load(state, WRITTEN) === submitted,
    closed: () => Atomics.load(state, CLOSED) === 1,
    drain: (ms) => {
      const deadline = performance.now() + ms;
      for (let written = Atomics.load(state, WRITTEN); written !== submitted && !Atomics.load(state, CLOSED); written = Atomics.load(state, WRITTEN)) {
        const left = deadline - performance.now();
        if (left <= 0 || Atomics.wait(state, WRITTEN, written, left) === 'timed-out') return;
      }
    },
  };
}

/** Where there is no thread: each batch is formatted here and written with one `process.stdout.write` (synchronous to a file or a terminal, queued by libuv on a pipe). */
export function inlineWriter(): BatchWriter {
  const buffer = Buffer.alloc(BATCH_BYTES);
  const decoder = new LogBatchDecoder();
  const lines = new LineBytes();
  return {
    acquire: () => buffer,
    submit: (length) => {
      decoder.decodeInto(buffer, length, lines);
      // A copy: a write to a pipe may be queued, and the bytes are written over by the next batch.
      process.stdout.write(Buffer.from(lines.bytes.subarray(0, lines.length)));
      lines.reset();
    },
    idle: () => true,
    // stdout's own errors end the logs in logging.ts.
    closed: () => false,
    drain: () => {},
  };
}
