import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { QueryError } from '../../../src/query/errors.js';
import { DEFAULT_SORT, parseSort as parseAnySort, sortValues, sortKeyValue, type SortKey, type Sortable } from '../../../src/query/sort.js';

/** The core contract's sort keys (v1 adds tenantId: tested below). */
const CORE: readonly SortKey[] = ['clientId', 'clientName', 'appType', 'createdAt', 'updatedAt'];
const parseSort = (raw: string | undefined) => parseAnySort(raw, CORE);
const ENUM = [
  '+clientId', '-clientId', '+clientName', '-clientName', '+appType', '-appType',
  '+createdAt', '-createdAt', '+updatedAt', '-updatedAt',
];

function sortError(raw: string | undefined): QueryError {
  let thrown: unknown;
  try {
    parseSort(raw);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(QueryError);
  return thrown as QueryError;
}

describe('parseSort', () => {
  it('exposes exactly the OpenAPI enum', () => {
    expect(sortValues(CORE)).toEqual(ENUM);
  });

  it('takes the keys an API allows: tenantId only where it is one', () => {
    expect(parseAnySort('-tenantId').key).toBe('tenantId');
    expect(() => parseSort('-tenantId')).toThrow(QueryError);
    expect(sortValues()).toEqual(['+clientId', '-clientId', '+clientName', '-clientName', '+appType', '-appType', '+tenantId', '-tenantId', '+createdAt', '-createdAt', '+updatedAt', '-updatedAt']);
  });

  it.each(ENUM)('accepts %s', (value) => {
    const spec = parseSort(value);
    expect(spec.text).toBe(value);
    expect(spec.key).toBe(value.slice(1));
    expect(spec.descending).toBe(value.startsWith('-'));
  });

  it('defaults to ascending createdAt', () => {
    expect(parseSort(undefined)).toBe(DEFAULT_SORT);
    expect(DEFAULT_SORT).toEqual({ key: 'createdAt', descending: false, text: '+createdAt' });
  });

  it.each(['clientId', 'clientName', 'appType', 'createdAt', 'updatedAt'])(
    'treats a leading space as + (unencoded "+" in a query string): " %s"',
    (key) => {
      expect(parseSort(` ${key}`)).toEqual({ key, descending: false, text: `+${key}` });
    },
  );

  it.each([
    '', ' ', '+', '-', 'clientName', '+ClientName', '+clientname', 'CLIENTNAME', '++clientName', '--clientName',
    ' +clientName', ' -clientName', '  clientName', '+clientName ', '\tclientName', '+name', '+clientName,-appType',
    '+clientName\u0000', 'asc(clientName)',
  ])('rejects %j listing the valid values', (raw) => {
    const err = sortError(raw);
    expect(err.parameter).toBe('sort');
    expect(err.message).toMatch(/^Invalid sort: .* is not a valid sort value; valid values are /);
    expect(err.message).toContain(ENUM.join(', '));
  });

  it('names the offending value (quoted) or says it is empty', () => {
    expect(sortError('clientName').message).toContain('"clientName" is not a valid sort value');
    expect(sortError('').message).toContain('an empty value is not a valid sort value');
    expect(sortError('x'.repeat(500)).message.length).toBeLessThan(400);
  });

  it('never throws anything but QueryError, and accepts only enum values', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.tuple(fc.constantFrom(...ENUM, ...ENUM.map((v) => ` ${v.slice(1)}`)), fc.string({ maxLength: 2 })).map(([v, s]) => v + s),
        ),
        (raw) => {
        try {
          const spec = parseSort(raw);
          expect(ENUM).toContain(raw.startsWith(' ') ? `+${raw.slice(1)}` : raw);
          expect(spec.text === raw || spec.text === `+${raw.slice(1)}`).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(QueryError);
          expect(ENUM).not.toContain(raw.startsWith(' ') ? `+${raw.slice(1)}` : raw);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('sortKeyValue', () => {
  const base: Sortable = {
    tenantId: 't1',
    clientId: 'AbC123',
    clientName: 'My Client É',
    appType: 'spa',
    createdAt: '2025-11-06T14:30:00.123456Z',
  };

  it('returns the raw value for clientId, appType and createdAt', () => {
    expect(sortKeyValue('clientId', base)).toBe('AbC123');
    expect(sortKeyValue('appType', base)).toBe('spa');
    expect(sortKeyValue('createdAt', base)).toBe('2025-11-06T14:30:00.123456Z');
  });

  it('lowercases clientName for case-insensitive order', () => {
    expect(sortKeyValue('clientName', base)).toBe('my client é');
    expect(sortKeyValue('clientName', { ...base, clientName: 'beta' }) > sortKeyValue('clientName', { ...base, clientName: 'Alpha' })).toBe(true);
  });

  it('falls back to createdAt when updatedAt is missing', () => {
    expect(sortKeyValue('updatedAt', base)).toBe(base.createdAt);
    expect(sortKeyValue('updatedAt', { ...base, updatedAt: '2025-12-01T00:00:00.000000Z' })).toBe('2025-12-01T00:00:00.000000Z');
  });
});
