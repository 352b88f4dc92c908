import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePathPattern, MAX_STATES, PathPatternError, type PathPattern } from '../../../src/faults/path-pattern.js';

const matches = (pattern: string, path: string) => compilePathPattern(pattern).test(path);

/**
 * The reference for generated patterns: JavaScript's RegExp, run by V8's linear-time engine (the
 * `l` flag; same syntax, same matches). The backtracking engine is exponential in the nesting of
 * quantifiers: a generated `^(?:(?:a*a*a*|a*a*)*a*a*)*$` took it 5 s on 8 characters, and a
 * synchronous match that runs for hours is a hang no test timeout can interrupt (a CI run did).
 */
setFlagsFromString('--enable-experimental-regexp-engine');
const linearRegExp = (pattern: string) => new RegExp(pattern, 'l');

/**
 * The work bound path-pattern.ts promises, with S NFA states and K character classes: per
 * character, a table look-up, or building a DFA state (test each of the current set's at most
 * S NFA states, reach each of S at most once, key the new set by its S members and S/16 key
 * characters, store it) and resetting its row of K cells.
 */
const workBound = (pattern: PathPattern, pathLength: number) => (pathLength + 1) * (4 * pattern.stateCount + pattern.classCount + 2);

function expectLinear(pattern: PathPattern, path: string): void {
  expect(pattern.steps, `${pattern.source} on ${path.length} characters`).toBeLessThanOrEqual(workBound(pattern, path.length));
}

describe('compilePathPattern: globs', () => {
  const cases: [pattern: string, path: string, expected: boolean][] = [
    // literals, matched against the whole path
    ['/api/core/oauth-clients', '/api/core/oauth-clients', true],
    ['/api/core/oauth-clients', '/api/core/oauth-clients/abc', false],
    ['/api/core/oauth-clients', '/api/core/oauth-client', false],
    ['/a.b', '/a.b', true],
    ['/a.b', '/aXb', false],
    ['/a+b', '/aab', false],
    ['/a+b', '/a+b', true],
    ['/(a|b)$', '/(a|b)$', true],
    ['/(a|b)$', '/a', false],
    ['/a^b', '/a^b', true],
    ['/a,b', '/a,b', true],
    ['/a]b', '/a]b', true],
    ['/é', '/é', true],
    // *: a run within a segment, possibly empty
    ['/api/*/oauth-clients', '/api/core/oauth-clients', true],
    ['/api/*/oauth-clients', '/api//oauth-clients', true],
    ['/api/*/oauth-clients', '/api/core/x/oauth-clients', false],
    ['/api/core/oauth-clients/*', '/api/core/oauth-clients/abc', true],
    ['/api/core/oauth-clients/*', '/api/core/oauth-clients/', true],
    ['/api/core/oauth-clients/*', '/api/core/oauth-clients', false],
    ['/api/core/oauth-clients/*', '/api/core/oauth-clients/abc/client-secrets', false],
    ['/v*/x', '/v1/x', true],
    ['/v*/x', '/v/x', true],
    ['/v*/x', '/w1/x', false],
    ['/*.json', '/a.json', true],
    ['/*.json', '/a/b.json', false],
    ['/*a*b', '/xaybzb', true],
    ['/*a*b', '/xaybz', false],
    ['/a*b*c/d', '/abc/d', true],
    ['/a*b*c/d', '/a/bc/d', false],
    // **: any run, across segments
    ['/api/**', '/api/core/x/oauth-clients', true],
    ['/api/**', '/api/', true],
    ['/api/**', '/api', false],
    ['/**/client-secrets', '/api/core/oauth-clients/x/client-secrets', true],
    ['/**/client-secrets', '/client-secrets', false],
    ['**', '', true],
    ['/a/***', '/a/b/c', true],
    ['/**.json', '/a/b.json', true],
    // ?: one character but /
    ['/api/v?/oauth-clients', '/api/v1/oauth-clients', true],
    ['/api/v?/oauth-clients', '/api/v/oauth-clients', false],
    ['/api/v?/oauth-clients', '/api/v12/oauth-clients', false],
    ['/a?b', '/a/b', false],
    ['/??', '/ab', true],
    // {a,b}: alternatives, each a glob, nesting allowed
    ['/api/{core,v1}/oauth-clients', '/api/core/oauth-clients', true],
    ['/api/{core,v1}/oauth-clients', '/api/v1/oauth-clients', true],
    ['/api/{core,v1}/oauth-clients', '/api/v2/oauth-clients', false],
    ['/api/{core,v1}/oauth-clients', '/api/{core,v1}/oauth-clients', false],
    ['/api/{core,v1}/oauth-clients/{*,*/client-secrets/*}', '/api/v1/oauth-clients/abc', true],
    ['/api/{core,v1}/oauth-clients/{*,*/client-secrets/*}', '/api/core/oauth-clients/abc/client-secrets/def', true],
    ['/api/{core,v1}/oauth-clients/{*,*/client-secrets/*}', '/api/core/oauth-clients/abc/client-secrets', false],
    ['/a{,/b}', '/a', true],
    ['/a{,/b}', '/a/b', true],
    ['/a{b,{c,d}e}', '/ade', true],
    ['/a{b,{c,d}e}', '/ad', false],
    ['/a{}', '/a', true],
    ['/a{b}', '/ab', true],
    // [...]: one character of a class, never /
    ['/[abc]', '/b', true],
    ['/[abc]', '/d', false],
    ['/[a-c]x', '/bx', true],
    ['/[a-c]x', '/dx', false],
    ['/[!a-c]', '/d', true],
    ['/[!a-c]', '/b', false],
    ['/[^a-c]', '/d', true],
    ['/[^a-c]', '/b', false],
    ['/[!a-c]', '/', false],
    ['/a[!x]b', '/a/b', false],
    ['/[+-0]', '/.', true],
    ['/[+-0]', '//', false],
    ['/[]a]', '/]', true],
    ['/[]a]', '/a', true],
    ['/[!]]', '/]', false],
    ['/[!]]', '/x', true],
    ['/[a-]', '/-', true],
    ['/[-a]', '/-', true],
    ['/[\\]]', '/]', true],
    ['/[*?{]', '/*', true],
    ['/[*?{]', '/x', false],
    // \: the next character, literally
    ['/a\\*', '/a*', true],
    ['/a\\*', '/ab', false],
    ['/a\\?', '/a?', true],
    ['/a\\?', '/ab', false],
    ['/\\{a,b\\}', '/{a,b}', true],
    ['/\\[a]', '/[a]', true],
    ['/a\\\\b', '/a\\b', true],
    ['/a\\/b', '/a/b', true],
  ];
  it.each(cases)('%s on %s: %s', (pattern, path, expected) => {
    const compiled = compilePathPattern(pattern);
    expect(compiled.syntax).toBe('glob');
    expect(compiled.test(path)).toBe(expected);
    expectLinear(compiled, path);
  });

  const errors: [pattern: string, message: RegExp][] = [
    ['/api/{core,v1', /^is not a valid glob: the "\{" at character 6 is never closed\.$/],
    ['/api/{core,{v1}', /the "\{" at character 6 is never closed/],
    ['/api/core}', /^is not a valid glob: the "\}" at character 10 closes no "\{"/],
    ['/api/[abc', /^is not a valid glob: the "\[" at character 6 is never closed\.$/],
    ['/api/[]', /the "\[" at character 6 is never closed/],
    ['/api/[a\\', /the "\[" at character 6 is never closed/],
    ['/api/\\', /^is not a valid glob: the "\\" at character 6 ends the pattern with nothing to escape\.$/],
    ['/[z-a]', /^is not a valid glob: the range "z-a" at character 3 is out of order\.$/],
    ['/[a/]', /the class at character 2 names "\/", which a class never matches/],
    ['/[!/]', /the class at character 2 names "\/"/],
    [`/${'{'.repeat(101)}${'}'.repeat(101)}`, /nests braces deeper than 100/],
    [`/${'a'.repeat(2000)}`, /^is longer than 2000 characters \(2001\)\.$/],
  ];
  it.each(errors)('refuses %s', (pattern, message) => {
    expect(() => compilePathPattern(pattern)).toThrow(PathPatternError);
    expect(() => compilePathPattern(pattern)).toThrow(message);
  });

  it('agrees with the same glob spelled as a RegExp, for globs generated from the grammar', () => {
    fc.assert(
      fc.property(globArb.chain((glob) => fc.tuple(fc.constant(glob), globPathsArb(glob.example))), ([{ glob, regex }, paths]) => {
        const compiled = compilePathPattern(glob);
        const reference = linearRegExp(`^${regex}$`);
        for (const path of paths) {
          expect(compiled.test(path), `${glob} (${reference}) on ${JSON.stringify(path)}`).toBe(reference.test(path));
          expectLinear(compiled, path);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('compilePathPattern: regular expressions', () => {
  it('takes a pattern starting with ^ as a regular expression', () => {
    const compiled = compilePathPattern('^/api/(core|v1)/oauth-clients$');
    expect(compiled.syntax).toBe('regex');
    expect(compiled.source).toBe('^/api/(core|v1)/oauth-clients$');
    expect(compiled.test('/api/v1/oauth-clients')).toBe(true);
    expect(compiled.test('/api/v1/oauth-clients/x')).toBe(false);
  });

  it('matches a prefix without $, the whole path with it', () => {
    expect(matches('^/api/v1/', '/api/v1/oauth-clients')).toBe(true);
    expect(matches('^/api/v1/$', '/api/v1/oauth-clients')).toBe(false);
    expect(matches('^/', '/anything')).toBe(true);
    expect(matches('^', '')).toBe(true);
    expect(matches('^$', '')).toBe(true);
    expect(matches('^$', '/')).toBe(false);
    expect(matches('^/a\\$', '/a$')).toBe(true);
    expect(matches('^/a[$]', '/a$')).toBe(true);
  });

  it('reads every supported construct as JavaScript does', () => {
    const cases: [string, string, boolean][] = [
      ['^/api/[0-9a-f]{32}$', `/api/${'b3ee66d6f21d1611efa89a425f656f6f'}`, true],
      ['^/api/[0-9a-f]{32}$', `/api/${'b3ee66d6f21d1611efa89a425f656f6'}`, false],
      ['^/a{2,}$', '/aaaa', true],
      ['^/a{2,3}$', '/aaaa', false],
      ['^/a{0}b$', '/b', true],
      ['^/(?:ab)+$', '/ababab', true],
      ['^/(ab|cd)*?x$', '/abcdx', true],
      ['^\\/\\d+\\.\\w\\s\\S$', '/12.a b', true],
      ['^/[^/]+$', '/a/b', false],
      ['^/[\\d\\-]+$', '/1-2', true],
      ['^/[\\w-]+$', '/a-b_c', true],
      ['^/\\x41\\u00e9$', '/Aé', true],
      ['^/[^]$', '/\n', true],
      ['^/.$', '/\n', false],
    ];
    for (const [pattern, path, expected] of cases) {
      expect(matches(pattern, path), `${pattern} on ${JSON.stringify(path)}`).toBe(expected);
      expect(new RegExp(pattern).test(path), `RegExp ${pattern}`).toBe(expected);
    }
  });

  it('reads . and the class escapes exactly as RegExp does, over every UTF-16 code unit', () => {
    for (const escape of ['.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '[^]', '[\\s\\S]', '[^\\d\\s]']) {
      const mine = compilePathPattern(`^${escape}$`);
      const theirs = new RegExp(`^${escape}$`);
      for (let code = 0; code <= 0xffff; code++) {
        const text = String.fromCharCode(code);
        if (mine.test(text) !== theirs.test(text)) throw new Error(`${escape} disagrees with RegExp on U+${code.toString(16)}`);
      }
    }
  });

  it('agrees with RegExp on patterns generated from the supported grammar', () => {
    fc.assert(
      fc.property(regexArb, fc.array(pathArb, { minLength: 1, maxLength: 8 }), (pattern, paths) => {
        const compiled = compilePathPattern(pattern);
        const reference = linearRegExp(pattern);
        for (const path of paths) {
          expect(compiled.test(path), `${pattern} on ${JSON.stringify(path)}`).toBe(reference.test(path));
          expectLinear(compiled, path);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never accepts a pattern RegExp refuses, and agrees with RegExp on any it accepts', () => {
    const piece = fc.constantFrom('a', 'b', '/', '(', ')', '(?:', '[', ']', '[^', '-', '|', '*', '+', '?', '{', '}', '{2}', '{1,', ',', '$', '^', '.', '\\', '\\d', '\\b', '\\1', '(?=', '(?<n>');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), fc.array(pathArb, { maxLength: 4 }), (pieces, paths) => {
        const pattern = `^${pieces.join('')}`;
        let reference: RegExp | undefined;
        try {
          reference = new RegExp(pattern);
        } catch {
          // JavaScript refuses it: so must we.
        }
        let compiled: PathPattern;
        try {
          compiled = compilePathPattern(pattern);
        } catch (error) {
          expect(error).toBeInstanceOf(PathPatternError);
          return;
        }
        expect(reference, `${pattern} is accepted but RegExp refuses it`).toBeDefined();
        const linear = linearRegExp(pattern);
        for (const path of paths) expect(compiled.test(path), `${pattern} on ${JSON.stringify(path)}`).toBe(linear.test(path));
      }),
      { numRuns: 3000 },
    );
  });

  const refused: [pattern: string, message: RegExp][] = [
    ['^/api/(', /^is not a valid regular expression: the "\(" at character 7 is never closed\.$/],
    ['^/api/)', /the "\)" at character 7 closes no "\("/],
    ['^/(a)\\1', /the backreference "\\1" at character 6 is not supported/],
    ['^/(?<id>a)\\k<id>', /the named group at character 3 is not supported/],
    ['^/\\k<id>', /the named backreference "\\k" at character 3 is not supported/],
    ['^/(?=a)', /the lookahead "\(\?=" at character 3 is not supported/],
    ['^/(?!a)', /the lookahead "\(\?!" at character 3 is not supported/],
    ['^/(?<=a)', /the lookbehind "\(\?<=" at character 3 is not supported/],
    ['^/(?<!a)', /the lookbehind "\(\?<!" at character 3 is not supported/],
    ['^/(?i:a)', /the group "\(\?i" at character 3 is not supported \(flags and modifiers/],
    ['^/\\bx', /the word boundary "\\b" at character 3 is not supported/],
    ['^/\\Bx', /the word boundary "\\B" at character 3 is not supported/],
    ['^/[\\b]', /the escape "\\b" at character 4 in a class is not supported/],
    ['^/\\p{L}', /the Unicode property escape "\\p" at character 3 is not supported/],
    ['^/\\cJ', /the escape "\\c" at character 3 is not supported/],
    ['^/\\0', /the escape "\\0" at character 3 is not supported/],
    ['^/\\a', /the escape "\\a" at character 3 is not supported \(escape only punctuation\)/],
    ['^/\\x4', /the escape "\\x" at character 3 needs 2 hexadecimal digits/],
    ['^/\\u{41}', /the escape "\\u" at character 3 needs 4 hexadecimal digits/],
    ['^/a^', /the "\^" at character 4 is not at the start/],
    ['^/a$b', /the "\$" at character 4 is not at the end/],
    ['^/(a$)', /the "\$" at character 5 is not at the end/],
    ['^/a|/b', /the "\|" at character 4 is outside any group.*"\^\(\?:a\|b\)\$"/],
    ['^*', /the quantifier "\*" at character 2 has nothing to repeat/],
    ['^/a**', /the quantifier "\*" at character 5 has nothing to repeat/],
    ['^/a*??', /the quantifier "\?" at character 6 has nothing to repeat/],
    ['^/(|+)', /the quantifier "\+" at character 5 has nothing to repeat/],
    ['^/a{2}{3}', /the "\{" at character 7 has nothing to repeat/],
    ['^/a{,3}', /the "\{" at character 4 is not a repetition/],
    ['^/a{x}', /the "\{" at character 4 is not a repetition/],
    ['^/a}', /the "\}" at character 4 must be escaped as "\\\}"/],
    ['^/a]', /the "\]" at character 4 must be escaped as "\\\]"/],
    ['^/a{3,2}', /the repetition "\{3,2\}" at character 4 is out of order/],
    ['^/a{1001}', /the repetition "\{1001\}" at character 4 counts beyond 1000/],
    ['^/a{1,1001}', /counts beyond 1000/],
    ['^/[]a]', /the class "\[\]" at character 3 matches nothing/],
    ['^/[a', /the "\[" at character 3 is never closed/],
    ['^/[z-a]', /the range "z-a" at character 4 is out of order/],
    ['^/[\\d-z]', /the range "\\d-z" at character 4 has a class escape for an end/],
    ['^/[a-\\w]', /the range "a-\\w" at character 4 has a class escape for an end/],
    ['^/a\\', /the "\\" at character 4 ends the pattern with nothing to escape/],
    ['^/(a{100}){101}', new RegExp(`^is not a valid regular expression: it would compile to 10101 automaton states, more than the ${MAX_STATES} allowed`)],
    ['^/((a{1000}){1000}){1000}', /automaton states, more than the 10000 allowed/],
    [`^${'('.repeat(101)}${')'.repeat(101)}`, /nests groups deeper than 100/],
  ];
  it.each(refused)('refuses %s, naming the construct and where it is', (pattern, message) => {
    expect(() => compilePathPattern(pattern)).toThrow(PathPatternError);
    expect(() => compilePathPattern(pattern)).toThrow(message);
    expect(() => compilePathPattern(pattern)).toThrow(/^is (not a valid (glob|regular expression): )?.*\.$/);
  });

  it('accepts the largest repetitions within the bound', () => {
    const compiled = compilePathPattern('^/a{1000}$');
    expect(compiled.test(`/${'a'.repeat(1000)}`)).toBe(true);
    expect(compiled.test(`/${'a'.repeat(999)}`)).toBe(false);
    expect(compilePathPattern('^/(ab){3,999}').stateCount).toBeLessThanOrEqual(MAX_STATES);
  });
});

describe('compilePathPattern: adversarial inputs take linear work', () => {
  // Wall clock only as a backstop, very generous (CI machines are slow); the bound is on counted work.
  const WALL_MS = 2000;

  function run(pattern: string, path: string): { matched: boolean; steps: number } {
    const compiled = compilePathPattern(pattern);
    const started = performance.now();
    const matched = compiled.test(path);
    expect(performance.now() - started).toBeLessThan(WALL_MS);
    expectLinear(compiled, path);
    return { matched, steps: compiled.steps };
  }

  const API = '/api/core/oauth-clients/';
  const audit = [`${API}*a*a*a*a*b`, '/**a**a**a**a**a**b'];
  for (const length of [250, 3000, 100_000]) {
    it(`the audit's globs against ${length}-character ids`, () => {
      for (const pattern of audit) {
        const prefix = pattern.startsWith(API) ? API : '/';
        // The backtracking worst cases: a run of a's with no b; then paths that get past the
        // literal prefix and suffix, so that the automaton runs over the whole id.
        const ids = ['a'.repeat(length), `${'a'.repeat(length - 1)}c`, `${'a'.repeat(length - 1)}b`, `${'x'.repeat(length - 1)}b`, `${'ab'.repeat(length / 2 - 1)}xb`];
        const expected = [false, false, true, false, true];
        ids.forEach((id, i) => expect(run(pattern, prefix + id).matched, `${pattern} on ids[${i}]`).toBe(expected[i]));
      }
    });
  }

  it('the classic catastrophic regular expressions against 100,000 characters', () => {
    const a = 'a'.repeat(100_000);
    const cases: [string, string, boolean][] = [
      ['^(a+)+$', a, true],
      ['^(a+)+$', `${a}b`, false],
      ['^(a|a)*$', a, true],
      ['^(a|a)*$', `${a}b`, false],
      ['^(a*)*b$', a, false],
      ['^(a*)*b$', `${a}b`, true],
      ['^(a*)*b', a, false],
      ['^(a*)*b', `${a}c`, false],
      ['^(a|aa)+$', `${a}b`, false],
      ['^(.*a){12}$', `${a}b`, false],
      ['^(\\w+\\s?)*$', `${a}!`, false],
    ];
    for (const [pattern, path, expected] of cases) expect(run(pattern, path).matched, pattern).toBe(expected);
  });

  it('stays linear when the DFA cache overflows and is flushed', () => {
    // 2^12 subsets: more DFA states than the cache holds, on random a/b paths.
    const pattern = '^(a|b)*a(a|b){11}$';
    const compiled = compilePathPattern(pattern);
    const reference = new RegExp(pattern);
    const random = mulberry(7);
    for (let round = 0; round < 20; round++) {
      let path = '';
      for (let i = 0; i < 5000; i++) path += random() < 0.5 ? 'a' : 'b';
      expect(compiled.test(path)).toBe(reference.test(path));
      expectLinear(compiled, path);
    }
  });

  it('does one table look-up per character once its DFA is built', () => {
    const compiled = compilePathPattern('/**a**a**a**a**a**b');
    const path = `/${'ab'.repeat(50_000)}`;
    compiled.test(path);
    compiled.test(path);
    expect(compiled.steps).toBeLessThanOrEqual(path.length + 3);
  });
});

// ---------------------------------------------------------------------------------------------
// Generators. Patterns and paths are short, so that the backtracking RegExp used as the
// reference stays fast even on nested quantifiers.

/** Paths over a small alphabet, so that generated patterns often match, plus the characters that differ. */
const pathArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', '/'), maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', '/', '-', '.', '_', '0', '9', ' ', '\n', 'é', '\u2028', '$', 'Z'), maxLength: 10 }) },
);

const escapeForRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

interface GlobAndRegex {
  glob: string;
  regex: string;
  /** A path the glob probably matches (a class's may miss), so that matches are common. */
  example: string;
}

const segmentRun = fc.string({ unit: fc.constantFrom('a', 'b', '.'), maxLength: 3 });

/** A glob and the same thing spelled as a JavaScript RegExp body, piece by piece. */
function globPieces(depth: number, inBraces: boolean): fc.Arbitrary<GlobAndRegex[]> {
  const literals = ['a', 'b', '/', '/', '.', '+', '(', '|', '$', ']', 'é', ...(inBraces ? [] : [','])];
  const pieces: fc.Arbitrary<GlobAndRegex>[] = [
    fc.constantFrom(...literals).map((ch) => ({ glob: ch, regex: escapeForRegex(ch), example: ch })),
    fc.constantFrom('*', '?', '{', '}', '[', '\\', ',').map((ch) => ({ glob: `\\${ch}`, regex: escapeForRegex(ch), example: ch })),
    segmentRun.map((example) => ({ glob: '*', regex: '[^/]*', example })),
    fc.string({ unit: fc.constantFrom('a', '/'), maxLength: 3 }).map((example) => ({ glob: '**', regex: '[^]*', example })),
    fc.constantFrom('a', 'b').map((example) => ({ glob: '?', regex: '[^/]', example })),
    fc
      .tuple(fc.constantFrom('', '!', '^'), fc.boolean(), fc.array(fc.constantFrom('a', 'b', 'a-c', '.-0', '*'), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.constantFrom('a', 'b', 'd', '-', '.', '/'))
      .map(([negation, leadingDash, items, trailingDash, example]) => {
        // A "-" only first or last, where it is a literal in both syntaxes.
        const dash = (text: string) => `${leadingDash ? '-' : ''}${text}${trailingDash ? '-' : ''}`;
        const body = items.join('');
        // A glob class never matches "/": the reference's class leaves it out (the linear engine has no lookahead).
        const regex = negation ? `[^${dash(`\\/${body}`)}]` : `[${dash(body.replaceAll('.-0', '.0'))}]`;
        return { glob: `[${negation}${dash(body)}]`, regex, example };
      }),
  ];
  if (depth > 0) {
    pieces.push(
      fc.tuple(fc.array(globPieces(depth - 1, true), { minLength: 1, maxLength: 3 }), fc.nat()).map(([alternatives, pick]) => {
        const parts = alternatives.map(join);
        return {
          glob: `{${parts.map((p) => p.glob).join(',')}}`,
          regex: `(?:${parts.map((p) => p.regex).join('|')})`,
          example: parts[pick % parts.length].example,
        };
      }),
    );
  }
  return fc
    .array(fc.oneof(...pieces), { maxLength: 5 })
    // Two star pieces side by side would read as one `**`: keep them apart.
    .filter((items) => items.every((item, i) => i === 0 || !(item.glob.startsWith('*') && items[i - 1].glob.endsWith('*') && !items[i - 1].glob.endsWith('\\*'))));
}

function join(items: GlobAndRegex[]): GlobAndRegex {
  return { glob: items.map((i) => i.glob).join(''), regex: items.map((i) => i.regex).join(''), example: items.map((i) => i.example).join('') };
}

/** Globs start with "/" (a leading "^" would make a regular expression). */
const globArb: fc.Arbitrary<GlobAndRegex> = globPieces(2, false).map((items) => join([{ glob: '/', regex: '\\/', example: '/' }, ...items]));

/** Paths to try a glob on: its example, the example changed a little, and random ones. */
const globPathsArb = (example: string) =>
  fc.array(
    fc.oneof(
      fc.constant(example),
      fc.tuple(fc.nat(), fc.constantFrom('', 'a', '/', 'x')).map(([at, insert]) => {
        const i = example.length === 0 ? 0 : at % example.length;
        return example.slice(0, i) + insert + example.slice(i + 1);
      }),
      pathArb,
    ),
    { minLength: 1, maxLength: 8 },
  );

/** Regular expressions from the supported grammar, spelled as people write them. */
const regexArb: fc.Arbitrary<string> = (() => {
  const { sequence } = fc.letrec<{ sequence: string; alternation: string; atom: string; quantified: string }>((tie) => ({
    // At most two groups deep: the reference, a backtracking RegExp, is exponential in the nesting of quantified groups.
    atom: fc.oneof(
      { maxDepth: 2, depthIdentifier: 'group' },
      { weight: 6, arbitrary: fc.constantFrom('a', 'b', '/', '\\/', 'a', 'b', '-', '_', '\\.', '\\-', '\\$', '\\*', '\\(', '\\\\', ',', 'é') },
      { weight: 2, arbitrary: fc.constantFrom('.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\x61', '\\u0062', '\\n') },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.boolean(), fc.array(fc.constantFrom('a', 'b', 'a-c', '/', '!-/', '0-9', '\\d', '\\w', '\\s', '\\-', '\\]', '.', '$', '[', '^'), { minLength: 1, maxLength: 3 }), fc.boolean())
          // A "^" first would negate the class: only where it is a literal.
          .map(([negated, items, dash]) => `[${negated ? '^' : ''}${items.join('').replace(/^\^/, 'a^')}${dash ? '-' : ''}]`),
      },
      { weight: 1, arbitrary: fc.constant('[^]') },
      { weight: 2, arbitrary: tie('alternation').map((body) => `(${body})`) },
      { weight: 2, arbitrary: tie('alternation').map((body) => `(?:${body})`) },
    ),
    quantified: fc
      .tuple(tie('atom'), fc.constantFrom('', '', '', '*', '+', '?', '{2}', '{0,2}', '{1,}', '{0}', '*?', '+?', '??', '{1,2}?'))
      .map(([atom, quantifier]) => atom + quantifier),
    sequence: fc.array(tie('quantified'), { maxLength: 4 }).map((items) => items.join('')),
    alternation: fc.array(tie('sequence'), { minLength: 1, maxLength: 3 }).map((items) => items.join('|')),
  }));
  return fc.tuple(sequence, fc.boolean()).map(([body, anchored]) => `^${body}${anchored ? '$' : ''}`);
})();

/** A tiny seeded PRNG, so that the flush test is the same on every run. */
function mulberry(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
