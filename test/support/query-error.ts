import { expect } from 'vitest';
import { QueryError } from '../../src/query/errors.js';

/** Asserts that `fn` throws a QueryError (and nothing else), and returns it. */
export function queryError(fn: () => unknown): QueryError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(QueryError);
  return thrown as QueryError;
}
