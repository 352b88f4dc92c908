/**
 * The thread that decodes, formats and writes the log batches of `stdout-thread.ts`. It writes
 * to file descriptor 1 itself, synchronously: a pipe nobody reads blocks this thread, not the mock's.
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { BATCH_BYTES, LogBatchDecoder } from './log-batch.js';
import { LineBytes } from './line-bytes.js';
import { CLOSED, SLOTS, slotState, WRITTEN } from './stdout-thread.js';

const state = new Int32Array(workerData.state as SharedArrayBuffer);
const buffers = Array.from({ length: SLOTS }, (_, slot) => Buffer.from(workerData.memory as SharedArrayBuffer, slot * BATCH_BYTES, BATCH_BYTES));
const pause = new Int32Array(new SharedArrayBuffer(4));
const decoder = new LogBatchDecoder();
const lines = new LineBytes();

function writeAll(bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      // A pipe that the mock's own stdout stream made non-blocking, and full: wait for its reader.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') Atomics.wait(pause, 0, 0, 5);
      else return void Atomics.store(state, CLOSED, 1);
    }
  }
}

// Each message names a slot the mock filled; messages come in the order the slots were filled.
parentPort!.on('message', (slot: number) => {
  decoder.decodeInto(buffers[slot], Atomics.load(state, slotState(slot)), lines);
  if (!Atomics.load(state, CLOSED)) writeAll(lines.bytes.subarray(0, lines.length));
  lines.reset();
  Atomics.store(state, slotState(slot), 0);
  Atomics.add(state, WRITTEN, 1);
  Atomics.notify(state, WRITTEN);
});
