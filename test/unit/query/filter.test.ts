import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { QueryError } from '../../../src/query/errors.js';
import {
  clearFilterCache as clearAnyFilterCache,
  compileFilter as compileAnyFilter,
  compileNode,
  FILTER_CACHE_SIZE,
  filterCacheSize as anyFilterCacheSize,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseFilter as parseAnyFilter,
  type CompareOperator,
  type FilterAttribute,
  type Filterable,
  type FilterNode,
} from '../../../src/query/filter.js';
import { queryError } from '../../support/query-error.js';

/** Most cases use the three attributes of the core document; the others are tested at the end. */
const THREE: readonly FilterAttribute[] = ['clientId', 'clientName', 'appType'];
const parseFilter = (text: string) => parseAnyFilter(text, THREE);
const compileFilter = (text: string) => compileAnyFilter(text, THREE);
const clearFilterCache = () => clearAnyFilterCache(THREE);
const filterCacheSize = () => anyFilterCacheSize(THREE);

// ---------------------------------------------------------------------------
// AST helpers

const cmp = (attr: FilterAttribute, op: CompareOperator, value: string): FilterNode => ({ type: 'compare', attr, op, value });
const pr = (attr: FilterAttribute): FilterNode => ({ type: 'present', attr, op: 'pr' });
const and = (...children: FilterNode[]): FilterNode => ({ type: 'and', children });
const or = (...children: FilterNode[]): FilterNode => ({ type: 'or', children });
const not = (child: FilterNode): FilterNode => ({ type: 'not', child });

const A = cmp('clientName', 'eq', 'a');
const B = cmp('clientId', 'eq', 'b');
const C = cmp('appType', 'eq', 'c');

/** Run fn; it may return or throw a QueryError, nothing else. */
function onlyQueryError(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof QueryError)) throw new Error(`unexpected ${String(e)}`);
  }
}

// ---------------------------------------------------------------------------

describe('parseFilter: accepted filters', () => {
  const cases: [string, FilterNode][] = [
    ['clientName eq "a"', A],
    ['CLIENTNAME EQ "a"', A],
    ['clientname Eq "a"', A],
    ['ClientId eq "b"', B],
    ['APPTYPE eq "c"', C],
    ['appType pr', pr('appType')],
    ['clientName PR', pr('clientName')],
    ['clientId ne "x"', cmp('clientId', 'ne', 'x')],
    ['clientId co "x"', cmp('clientId', 'co', 'x')],
    ['clientId SW "x"', cmp('clientId', 'sw', 'x')],
    ['clientId ew "x"', cmp('clientId', 'ew', 'x')],
    ['clientId gt "x"', cmp('clientId', 'gt', 'x')],
    ['clientId Ge "x"', cmp('clientId', 'ge', 'x')],
    ['clientId lt "x"', cmp('clientId', 'lt', 'x')],
    ['clientId LE "x"', cmp('clientId', 'le', 'x')],
    ['clientName eq "A"', cmp('clientName', 'eq', 'A')],
    ['clientName eq ""', cmp('clientName', 'eq', '')],
    // precedence: not > and > or
    ['clientName eq "a" or clientId eq "b" and appType eq "c"', or(A, and(B, C))],
    ['clientName eq "a" and clientId eq "b" or appType eq "c"', or(and(A, B), C)],
    ['(clientName eq "a" or clientId eq "b") and appType eq "c"', and(or(A, B), C)],
    ['clientName eq "a" OR clientId eq "b" AND appType eq "c"', or(A, and(B, C))],
    ['clientName eq "a" and clientId eq "b" and appType eq "c"', and(A, B, C)],
    ['clientName eq "a" or (clientId eq "b" or appType eq "c")', or(A, B, C)],
    ['(clientName eq "a")', A],
    ['((((clientName eq "a"))))', A],
    ['not (clientName eq "a")', not(A)],
    ['NOT(clientName eq "a")', not(A)],
    ['Not (not (clientName eq "a"))', not(not(A))],
    ['not (clientName eq "a") and clientId eq "b"', and(not(A), B)],
    ['not (clientName eq "a" or clientId eq "b")', not(or(A, B))],
    ['clientName eq "a" and not (clientId eq "b" and not (appType eq "c"))', and(A, not(and(B, not(C))))],
    // escapes
    ['clientName eq "a\\"b"', cmp('clientName', 'eq', 'a"b')],
    ['clientName eq "\\u00e9t\\u00C9"', cmp('clientName', 'eq', 'étÉ')],
    ['clientName eq "\\\\ \\/ \\b \\f \\n \\r \\t"', cmp('clientName', 'eq', '\\ / \b \f \n \r \t')],
    ['clientName eq "\\uD83D\\uDE00"', cmp('clientName', 'eq', '😀')],
    ['clientName eq "😀 ünïcode"', cmp('clientName', 'eq', '😀 ünïcode')],
    ['clientName eq "a) or (b"', cmp('clientName', 'eq', 'a) or (b')],
    ['clientName eq "and"', cmp('clientName', 'eq', 'and')],
    // whitespace
    ['  clientName   eq\t"a"  ', A],
    ['\tclientName\teq\t"a"\t', A],
    ['clientName eq "a"\nor\r\nclientId eq "b"', or(A, B)],
    ['( clientName eq "a" )', A],
    ['clientName eq"a"', A],
    ['(clientName eq "a")or(clientId eq "b")', or(A, B)],
    // null: eq null = absent, ne null = present
    ['clientName eq null', not(pr('clientName'))],
    ['clientName ne null', pr('clientName')],
    ['clientName EQ NULL', not(pr('clientName'))],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });

  it(`accepts exactly ${MAX_FILTER_DEPTH} levels of nesting`, () => {
    const parens = '('.repeat(MAX_FILTER_DEPTH) + 'clientName eq "a"' + ')'.repeat(MAX_FILTER_DEPTH);
    expect(parseFilter(parens)).toEqual(A);
    let nots = 'clientName eq "a"';
    for (let i = 0; i < MAX_FILTER_DEPTH; i++) nots = `not (${nots})`;
    let expected: FilterNode = A;
    for (let i = 0; i < MAX_FILTER_DEPTH; i++) expected = not(expected);
    expect(parseFilter(nots)).toEqual(expected);
  });

  it(`accepts a filter of exactly ${MAX_FILTER_LENGTH} characters`, () => {
    const prefix = 'clientName eq "';
    const text = prefix + 'x'.repeat(MAX_FILTER_LENGTH - prefix.length - 1) + '"';
    expect(text).toHaveLength(MAX_FILTER_LENGTH);
    expect(parseFilter(text)).toEqual(cmp('clientName', 'eq', 'x'.repeat(MAX_FILTER_LENGTH - prefix.length - 1)));
  });

  it('accepts long flat chains of and/or without deep recursion', () => {
    const text = Array.from({ length: 250 }, (_, i) => (i % 2 ? 'appType pr' : 'clientId pr')).join(' and ');
    expect(text.length).toBeLessThanOrEqual(MAX_FILTER_LENGTH);
    const node = parseFilter(text);
    expect(node.type).toBe('and');
    expect(node.type === 'and' && node.children.length).toBe(250);
    const mixed = Array.from({ length: 120 }, () => 'clientId pr and appType pr').join(' or ');
    expect(mixed.length).toBeLessThanOrEqual(MAX_FILTER_LENGTH);
    const m = parseFilter(mixed);
    expect(m.type === 'or' && m.children.length).toBe(120);
  });
});

describe('parseFilter: rejected filters', () => {
  const cases: [string, RegExp, number | undefined][] = [
    ['', /filter is empty/, 0],
    ['   ', /filter is empty/, 0],
    ['\t\n', /filter is empty/, 0],
    ['foo eq "x"', /^Invalid filter: unknown attribute "foo" at position 0; valid attributes are clientId, clientName, appType\.$/, 0],
    ['clientName eq "x" and displayName eq "y"', /unknown attribute "displayName" at position 22/, 22],
    ['name.givenName eq "x"', /unsupported attribute path "name\.givenName" at position 0/, 0],
    ['clientName.sub eq "x"', /unsupported attribute path "clientName\.sub"/, 0],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"', /unsupported attribute path/, 0],
    ['emails[type eq "work"]', /value filters such as "emails"\[\.\.\.\] at position 0 are not supported/, 0],
    ['clientName[value eq "x"]', /value filters/, 0],
    ['clientName xx "x"', /unknown operator "xx" at position 11; valid operators are eq, ne, co, sw, ew, gt, ge, lt, le, pr\./, 11],
    ['clientName equals "x"', /unknown operator "equals"/, 11],
    ['clientName', /expected an operator after attribute "clientName" at position 10 but the filter ended/, 10],
    ['clientName "x"', /expected an operator after attribute "clientName" at position 11 but found "\\"x\\""/, 11],
    ['clientName ( eq "x")', /expected an operator .* found "\("/, 11],
    ['clientName eq', /operator "eq" at position 11 expects a value but the filter ended/, 13],
    ['clientName eq   ', /expects a value but the filter ended/, 16],
    ['clientName eq "abc', /unterminated string starting at position 14/, 14],
    ['clientName eq "abc\\"', /unterminated string starting at position 14/, 14],
    ['clientName eq "abc\\', /unterminated string/, 14],
    ['clientName eq "a\\qb"', /invalid escape sequence "\\\\q" at position 16/, 16],
    ['clientName eq "\\u12"', /invalid escape sequence "\\\\u12\\"" at position 15; \\u must be followed by four hexadecimal digits/, 15],
    ['clientName eq "\\u12', /invalid escape sequence/, 15],
    ['clientName eq "\\uZZZZ"', /invalid escape sequence/, 15],
    ['clientName eq "a\nb"', /unescaped control character U\+000A at position 16/, 16],
    ['clientName eq "a\tb"', /unescaped control character U\+0009/, 16],
    ['clientName eq "x" foo', /unexpected "foo" at position 18; expected "and", "or" or the end of the filter\./, 18],
    ['clientName eq "x" "y"', /unexpected "\\"y\\"" at position 18/, 18],
    ['clientName pr "x"', /unexpected "\\"x\\"" at position 14/, 14],
    ['clientName eq "x")', /unexpected "\)" at position 17 without a matching "\("/, 17],
    ['clientName eq "x" ]', /unexpected "\]" at position 18/, 18],
    ['(clientName eq "x"', /missing "\)" to close the "\(" at position 0/, 18],
    ['((clientName eq "x")', /missing "\)" to close the "\(" at position 0/, 20],
    ['(clientName eq "x" foo)', /unexpected "foo" at position 19; expected "and", "or" or "\)" to close the "\(" at position 0/, 19],
    ['()', /unexpected "\)" at position 1; expected an expression/, 1],
    [')', /unexpected "\)" at position 0; expected an expression/, 0],
    ['(', /expected an expression at position 1 but the filter ended/, 1],
    ['clientName eq "x" and', /expected an expression at position 21 but the filter ended/, 21],
    ['clientName eq "x" or', /expected an expression/, 20],
    ['clientName eq "x" and or appType pr', /unknown attribute "or"/, 22],
    ['and clientName pr', /unknown attribute "and"/, 0],
    ['clientName eq true', /operator "eq" at position 11 expects a string value, but "true" at position 14 is not a string; clientName is a string attribute/, 14],
    ['clientName eq false', /expects a string value/, 14],
    ['clientName eq 42', /expects a string value.*clientName eq "42"/, 14],
    ['clientName gt -1.5e3', /expects a string value/, 14],
    ['clientName co null', /expects a string value/, 14],
    ['clientName gt null', /expects a string value/, 14],
    ['clientName eq foo', /operator "eq" at position 11 expects a value in double quotes, but found "foo" at position 14/, 14],
    ['clientName eq 01', /expects a value in double quotes/, 14],
    ['clientName eq (', /expects a value in double quotes, but found "\("/, 14],
    ['not clientName eq "x"', /"not" at position 0 must be followed by a parenthesised expression/, 0],
    ['not not (clientName eq "x")', /"not" at position 0 must be followed/, 0],
    ['not', /"not" at position 0 must be followed/, 0],
    ['not (', /expected an expression at position 5 but the filter ended/, 5],
    ['not ()', /unexpected "\)" at position 5; expected an expression/, 5],
    ['"x" eq clientName', /unexpected "\\"x\\"" at position 0; expected an attribute name, "not" or "\("/, 0],
    ['#', /unexpected "#" at position 0; expected an attribute name/, 0],
    ['clientName eq "x" && appType pr', /unexpected "&&" at position 18/, 18],
    ['[', /unexpected "\[" at position 0/, 0],
  ];
  it.each(cases)('%j', (text, pattern, position) => {
    const err = queryError(() => parseFilter(text));
    expect(err.message).toMatch(pattern);
    expect(err.message).toMatch(/^Invalid filter: .*\.$/s);
    expect(err.parameter).toBe('filter');
    expect(err.position).toBe(position);
    // compileFilter rejects the same way
    expect(queryError(() => compileFilter(text)).message).toBe(err.message);
  });

  it(`rejects more than ${MAX_FILTER_DEPTH} levels of nesting`, () => {
    const parens = '('.repeat(MAX_FILTER_DEPTH + 1) + 'clientName eq "a"' + ')'.repeat(MAX_FILTER_DEPTH + 1);
    expect(queryError(() => parseFilter(parens)).message).toMatch(/nested more than 32 levels deep at position 32/);
    let nots = 'clientName eq "a"';
    for (let i = 0; i <= MAX_FILTER_DEPTH; i++) nots = `not (${nots})`;
    expect(queryError(() => parseFilter(nots)).message).toMatch(/nested more than 32 levels/);
  });

  it(`rejects filters longer than ${MAX_FILTER_LENGTH} characters`, () => {
    const prefix = 'clientName eq "';
    const text = prefix + 'x'.repeat(MAX_FILTER_LENGTH - prefix.length) + '"';
    expect(text).toHaveLength(MAX_FILTER_LENGTH + 1);
    expect(queryError(() => parseFilter(text)).message).toBe(
      `Invalid filter: the filter is ${MAX_FILTER_LENGTH + 1} characters long; the maximum is ${MAX_FILTER_LENGTH}.`,
    );
  });

  it('truncates long offending input in messages', () => {
    const attr = 'x'.repeat(1000);
    const msg = queryError(() => parseFilter(`${attr} eq "a"`)).message;
    expect(msg.length).toBeLessThan(200);
    expect(msg).toContain('"xxxxxxxx');
  });

  it('rejects hostile inputs quickly with a QueryError only', () => {
    const hostile = [
      '('.repeat(100_000),
      ')'.repeat(100_000),
      '('.repeat(4096),
      '('.repeat(4000) + 'clientName pr' + ')'.repeat(90),
      'not ('.repeat(800),
      'not ('.repeat(819) + 'clientName pr',
      '"'.repeat(5000),
      'a'.repeat(5000),
      '\\'.repeat(5000),
      '"' + '\\'.repeat(4094),
      '"' + '\\u'.repeat(2000),
      'clientName eq "' + 'x'.repeat(4985),
      ' '.repeat(5000),
      ' '.repeat(4096),
      'clientName pr and '.repeat(300),
      '['.repeat(4000),
      '\u0000'.repeat(4000),
      '\uD800'.repeat(4000),
    ];
    const t0 = performance.now();
    for (const text of hostile) {
      queryError(() => parseFilter(text));
      queryError(() => compileFilter(text));
    }
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('non-string input gives a QueryError, not a TypeError', () => {
    queryError(() => parseFilter(undefined as unknown as string));
    queryError(() => parseFilter(42 as unknown as string));
  });

  it('never throws anything but QueryError for arbitrary strings', () => {
    const pieces = fc.constantFrom(
      'clientName', 'clientId', 'appType', 'CLIENTNAME', 'foo', 'a.b', 'eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le',
      'pr', 'and', 'or', 'not', '(', ')', '[', ']', '"', '"x"', '"\\u00e9"', '"\\', '\\', 'null', 'true', '42', ' ', '\t', '\n',
      '#', '\u0000', '\uD800', '😀',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.array(pieces, { maxLength: 60 }).map((p) => p.join(' ')),
          fc.array(pieces, { maxLength: 60 }).map((p) => p.join('')),
        ),
        (text) => {
          onlyQueryError(() => parseFilter(text));
          onlyQueryError(() => compileFilter(text));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------
// Semantics

function item(clientName: string, clientId = 'id', appType = 'web'): Filterable {
  return { clientId, clientName, appType };
}

describe('compileFilter: semantics', () => {
  const cases: [string, Filterable, boolean][] = [
    ['clientName eq "Alpha"', item('alpha'), true],
    ['clientName eq "alpha"', item('ALPHA'), true],
    ['clientName eq "alph"', item('alpha'), false],
    ['clientName ne "ALPHA"', item('alpha'), false],
    ['clientName ne "beta"', item('alpha'), true],
    ['clientName co "LP"', item('alpha'), true],
    ['clientName co "xy"', item('alpha'), false],
    ['clientName co ""', item(''), true],
    ['clientName sw "AL"', item('alpha'), true],
    ['clientName sw "ph"', item('alpha'), false],
    ['clientName ew "HA"', item('alpha'), true],
    ['clientName ew "al"', item('alpha'), false],
    ['clientName gt "A"', item('b'), true],
    ['clientName gt "B"', item('b'), false],
    ['clientName ge "B"', item('b'), true],
    ['clientName lt "B"', item('a'), true],
    ['clientName lt "a"', item('A'), false],
    ['clientName le "A"', item('a'), true],
    ['clientName gt "Z"', item('a'), false], // "a" > "z" after lowercasing: false
    ['clientName lt "Z"', item('a'), true],
    ['clientName gt "a"', item('B'), true], // "b" > "a" (raw "B" < "a" would say false)
    ['clientName pr', item('x'), true],
    ['clientName pr', item(''), false],
    ['clientName eq null', item(''), true],
    ['clientName eq null', item('x'), false],
    ['clientName ne null', item('x'), true],
    ['clientName eq "É"', item('é'), true],
    ['clientName eq "\\u00c9"', item('é'), true],
    ['clientId eq "ABC"', item('n', 'abc'), true],
    ['appType eq "SPA"', item('n', 'i', 'spa'), true],
    ['appType eq "spa" and clientId eq "b3ee"', item('n', 'b3ee', 'spa'), true],
    ['appType eq "spa" and clientId eq "b3ee"', item('n', 'b3ef', 'spa'), false],
    ['not (clientName eq "a")', item('a'), false],
    ['not (not (clientName eq "a"))', item('a'), true],
    ['clientName eq "x" or clientName eq "a" and appType eq "web"', item('a'), true],
    ['clientName eq "x" or clientName eq "a" and appType eq "spa"', item('a'), false],
    ['(clientName eq "x" or clientName eq "a") and appType eq "spa"', item('a'), false],
  ];
  it.each(cases)('%j on %j is %s', (text, it_, expected) => {
    expect(compileFilter(text)(it_)).toBe(expected);
  });

  it('treats a non-string attribute as absent instead of throwing', () => {
    const broken = { clientId: 'i', clientName: undefined, appType: 'web' } as unknown as Filterable;
    expect(compileFilter('clientName pr')(broken)).toBe(false);
    expect(compileFilter('clientName eq "x"')(broken)).toBe(false);
    expect(compileFilter('clientName eq null')(broken)).toBe(true);
    expect(compileFilter('clientName co ""')(broken)).toBe(true);
  });
});

describe('compileFilter: cache', () => {
  it('returns the same predicate for a repeated filter', () => {
    clearFilterCache();
    const a = compileFilter('clientName eq "cached"');
    expect(compileFilter('clientName eq "cached"')).toBe(a);
    expect(filterCacheSize()).toBe(1);
    expect(compileFilter('clientName eq "other"')).not.toBe(a);
  });

  it('is bounded and evicts the oldest entry', () => {
    clearFilterCache();
    const first = compileFilter('clientId eq "0"');
    for (let i = 1; i < FILTER_CACHE_SIZE + 50; i++) compileFilter(`clientId eq "${i}"`);
    expect(filterCacheSize()).toBe(FILTER_CACHE_SIZE);
    const again = compileFilter('clientId eq "0"');
    expect(again).not.toBe(first);
    expect(again(item('n', '0'))).toBe(true);
  });

  it('does not cache errors and throws every time', () => {
    clearFilterCache();
    queryError(() => compileFilter('bogus eq "x"'));
    queryError(() => compileFilter('bogus eq "x"'));
    expect(filterCacheSize()).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// Property test: random ASTs, printed with random case/whitespace/escapes,
// parse back to the (flattened) AST and evaluate like a naive reference.

const ATTRS: FilterAttribute[] = ['clientId', 'clientName', 'appType'];
const OPS: CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const WORDS = ['', 'a', 'A', 'ab', 'Ab', 'b', 'é', 'É', 'a"b', 'x\\y', 'spa', 'SPA', 'web', 'İ', 'ß', 'a b', ')', 'and'];

const valueArb = fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 4 }));

const astArb: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    fc.record({ type: fc.constant('compare' as const), attr: fc.constantFrom(...ATTRS), op: fc.constantFrom(...OPS), value: valueArb }),
    fc.record({ type: fc.constant('present' as const), attr: fc.constantFrom(...ATTRS), op: fc.constant('pr' as const) }),
    fc.record({ type: fc.constant('and' as const), children: fc.array(tie('node'), { minLength: 2, maxLength: 3 }) }),
    fc.record({ type: fc.constant('or' as const), children: fc.array(tie('node'), { minLength: 2, maxLength: 3 }) }),
    fc.record({ type: fc.constant('not' as const), child: tie('node') }),
  ),
})).node;

/** Flatten nested and/or the way the parser does. */
function normalize(n: FilterNode): FilterNode {
  switch (n.type) {
    case 'and':
    case 'or': {
      const out: FilterNode[] = [];
      for (const c of n.children.map(normalize)) {
        if (c.type === n.type) out.push(...c.children);
        else out.push(c);
      }
      return { type: n.type, children: out };
    }
    case 'not':
      return { type: 'not', child: normalize(n.child) };
    default:
      return n;
  }
}

interface Style {
  upper: boolean;
  ws: string;
  escapeAll: boolean;
  extraParens: boolean;
}

function caseWord(w: string, s: Style): string {
  return s.upper ? w.toUpperCase() : w;
}

function quote(v: string, s: Style): string {
  if (!s.escapeAll) return JSON.stringify(v);
  let out = '"';
  for (let i = 0; i < v.length; i++) out += '\\u' + v.charCodeAt(i).toString(16).padStart(4, '0');
  return out + '"';
}

function print(n: FilterNode, s: Style): string {
  const w = s.ws;
  switch (n.type) {
    case 'compare':
      return `${caseWord(n.attr, s)}${w}${caseWord(n.op, s)}${w}${quote(n.value, s)}`;
    case 'present':
      return `${caseWord(n.attr, s)}${w}${caseWord('pr', s)}`;
    case 'not':
      return `${caseWord('not', s)}${w}(${w}${print(n.child, s)}${w})`;
    case 'and':
    case 'or': {
      const parts = n.children.map((c) => {
        const text = print(c, s);
        const needParens = c.type === 'or' || c.type === 'and' || s.extraParens;
        return needParens ? `(${w}${text}${w})` : text;
      });
      return parts.join(`${w}${caseWord(n.type, s)}${w}`);
    }
  }
}

function reference(n: FilterNode, x: Filterable): boolean {
  switch (n.type) {
    case 'compare': {
      const a = (x[n.attr] ?? '').toLowerCase();
      const v = n.value.toLowerCase();
      switch (n.op) {
        case 'eq': return a === v;
        case 'ne': return a !== v;
        case 'co': return a.indexOf(v) !== -1;
        case 'sw': return a.slice(0, v.length) === v;
        case 'ew': return a.length >= v.length && a.slice(a.length - v.length) === v;
        case 'gt': return a > v;
        case 'ge': return a > v || a === v;
        case 'lt': return a < v;
        case 'le': return a < v || a === v;
      }
      throw new Error('unreachable');
    }
    case 'present':
      return x[n.attr] !== '';
    case 'not':
      return !reference(n.child, x);
    case 'and':
      return n.children.every((c) => reference(c, x));
    case 'or':
      return n.children.some((c) => reference(c, x));
  }
}

const styleArb: fc.Arbitrary<Style> = fc.record({
  upper: fc.boolean(),
  ws: fc.constantFrom(' ', '  ', '\t', ' \n '),
  escapeAll: fc.boolean(),
  extraParens: fc.boolean(),
});

const itemArb: fc.Arbitrary<Filterable> = fc.record({
  clientId: fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 4 })),
  clientName: fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 4 })),
  appType: fc.constantFrom('web', 'spa', 'SPA', 'native', 'anonymous-embed', ''),
});

describe('compileFilter vs naive reference (property)', () => {
  it('parse(print(ast)) equals the flattened ast, and predicates agree with the reference', () => {
    fc.assert(
      fc.property(astArb, styleArb, fc.array(itemArb, { minLength: 1, maxLength: 8 }), (ast, style, items) => {
        const text = print(ast, style);
        fc.pre(text.length <= MAX_FILTER_LENGTH);
        expect(parseFilter(text)).toEqual(normalize(ast));
        const compiled = compileFilter(text);
        const direct = compileNode(ast);
        for (const x of items) {
          const want = reference(ast, x);
          expect(compiled(x)).toBe(want);
          expect(direct(x)).toBe(want);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('attributes: each API names its own', () => {
  const client = { clientId: 'c1', clientName: 'n', appType: 'web', tenantId: 'Tenant-A', createdByType: 'dcr' };
  it('tenantId and createdByType filter case-insensitively where allowed', () => {
    expect(compileAnyFilter('tenantId eq "tenant-a"')(client)).toBe(true);
    expect(compileAnyFilter('createdByType eq "DCR"')(client)).toBe(true);
    expect(compileAnyFilter('createdByType eq "user"')(client)).toBe(false);
    expect(compileAnyFilter('createdByType pr')({ ...client, createdByType: undefined })).toBe(false);
  });
  it('an attribute the API does not allow is an unknown attribute, listing the allowed ones', () => {
    expect(queryError(() => parseFilter('tenantId eq "x"')).message).toBe(
      'Invalid filter: unknown attribute "tenantId" at position 0; valid attributes are clientId, clientName, appType.',
    );
    expect(queryError(() => parseAnyFilter('tenantId eq "x"', ['clientId', 'createdByType'])).message).toMatch(/valid attributes are clientId, createdByType\.$/);
  });
  it('compiled filters are cached per attribute set', () => {
    const text = 'clientId eq "c1"';
    expect(compileAnyFilter(text, THREE)).not.toBe(compileAnyFilter(text));
    expect(compileAnyFilter(text, THREE)).toBe(compileAnyFilter(text, THREE));
  });
});
