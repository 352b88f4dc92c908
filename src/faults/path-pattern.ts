/**
 * A fault rule's `path`, compiled into a matcher whose `test(path)` takes time linear in the
 * path's length for every input: a request path is attacker-sized, a rule is not.
 *
 * Two syntaxes compile to one automaton:
 * - a GLOB (any pattern not starting with `^`) matches the whole path: `*` a run of characters
 *   but `/`, `**` any run, `?` one character but `/`, `{a,b}` alternatives (each a glob,
 *   nestable), `[a-z]` / `[!a-z]` / `[^a-z]` one character of a class (never `/`), `\` escapes;
 * - a REGULAR EXPRESSION (a pattern starting with `^`): the subset of JavaScript's syntax that
 *   paths need (see RegexParser), with the meaning `new RegExp(pattern).test(path)` gives it.
 *
 * Both are parsed to a small AST and compiled to a Thompson NFA (at most MAX_STATES states),
 * run by simulating the NFA on the SET of its states, one input character at a time, never
 * backtracking. The sets met are memoized as the states of a lazily built DFA (bounded cache,
 * flushed when full), so a warm matcher does one table look-up per character.
 *
 * `test` is on the path of every API request while a rule has a `path`, so the common shapes
 * skip the automaton: a literal prefix (and, for whole-path matches, suffix) is compared first,
 * which alone turns away most requests; a remainder that is one run (`*`, `**`, `.*`) is one
 * search for a `/` at most; a glob of `*` and `?` segments is matched segment by segment.
 */

/** An invalid pattern. The message completes `rule.path …`: `is not a valid glob: ….` */
export class PathPatternError extends Error {
  override name = 'PathPatternError';
}

export interface PathPattern {
  /** The pattern as written. */
  readonly source: string;
  readonly syntax: 'glob' | 'regex';
  /** States of the NFA (after the literal prefix and suffix are taken out), at most MAX_STATES. */
  readonly stateCount: number;
  /** Classes of characters the NFA tells apart (the width of a DFA table row); 0 when no DFA is needed. */
  readonly classCount: number;
  /**
   * Work done by the last `test` call, for tests and benchmarks: characters compared or read,
   * plus, while the DFA grows, NFA states tested or visited, set keys written and table cells
   * reset. Never more than (path.length + 1) × (4 × stateCount + classCount + 2).
   */
  readonly steps: number;
  test(path: string): boolean;
}

/** The rule schema's cap on `path`, repeated so that the module stands alone. */
export const MAX_PATTERN_LENGTH = 2000;
/** The largest count a regular expression's `{n}`, `{n,}`, `{n,m}` may give. */
export const MAX_REPEAT = 1000;
/** The largest NFA a pattern may compile to: the factor in the linear bound of `test`. */
export const MAX_STATES = 10_000;
/** Groups, braces: deeper nesting is refused so that the recursive parser cannot overflow the stack. */
const MAX_NESTING = 100;

export function compilePathPattern(pattern: string): PathPattern {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new PathPatternError(`is longer than ${MAX_PATTERN_LENGTH} characters (${pattern.length}).`);
  }
  if (pattern.startsWith('^')) {
    const { node, anchoredEnd } = new RegexParser(pattern).parse();
    return new CompiledPathPattern(pattern, 'regex', node, anchoredEnd);
  }
  return new CompiledPathPattern(pattern, 'glob', new GlobParser(pattern).parse(), true);
}

// ---------------------------------------------------------------------------------------------
// Character sets: sorted, disjoint, non-adjacent inclusive ranges of UTF-16 code units, flat
// ([lo0, hi0, lo1, hi1, …]). JavaScript regular expressions without the `u` flag, like
// `charCodeAt`, see a string as code units, so a set of code units is exact.

type Ranges = readonly number[];

const MAX_CODE = 0xffff;
const SLASH = 0x2f;

function normalize(pairs: number[]): number[] {
  const order: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) order.push([pairs[i], pairs[i + 1]]);
  order.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of order) {
    if (out.length > 0 && lo <= out[out.length - 1] + 1) out[out.length - 1] = Math.max(out[out.length - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

function complement(set: Ranges): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i] > next) out.push(next, set[i] - 1);
    next = set[i + 1] + 1;
  }
  if (next <= MAX_CODE) out.push(next, MAX_CODE);
  return out;
}

function withoutSlash(set: Ranges): number[] {
  return complement(normalize([...complement(set), SLASH, SLASH]));
}

/** Binary search: sets are small, but a class may list many characters. */
function hasCode(set: Ranges, code: number): boolean {
  let lo = 0;
  let hi = set.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (code < set[2 * mid]) hi = mid - 1;
    else if (code > set[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

const ANY: Ranges = [0, MAX_CODE];
const NOT_SLASH: Ranges = withoutSlash(ANY);
const DIGIT: Ranges = [0x30, 0x39];
const WORD: Ranges = normalize([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
/** JavaScript's `\s`: WhiteSpace and LineTerminator (checked against RegExp in the tests). */
const SPACE: Ranges = normalize([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
]);
/** JavaScript's `.` without the `s` flag: anything but a line terminator. */
const DOT: Ranges = complement([0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]);

// ---------------------------------------------------------------------------------------------
// The AST both parsers produce: one-character sets, sequences, alternatives, bounded or
// unbounded repetition. No captures, anchors or assertions: a pattern needing them is refused.

type Node =
  | { readonly type: 'char'; readonly set: Ranges }
  | { readonly type: 'seq'; readonly items: readonly Node[] }
  | { readonly type: 'alt'; readonly items: readonly Node[] }
  | { readonly type: 'repeat'; readonly item: Node; readonly min: number; readonly max: number };

const char = (set: Ranges): Node => ({ type: 'char', set });
const literal = (code: number): Node => char([code, code]);

/** A sequence, flattened (a group inside a sequence is part of it) so that literal prefixes show. */
function seq(items: readonly Node[]): Node {
  const flat: Node[] = [];
  for (const item of items) {
    if (item.type === 'seq') flat.push(...item.items);
    else flat.push(item);
  }
  return flat.length === 1 ? flat[0] : { type: 'seq', items: flat };
}

function alt(items: readonly Node[]): Node {
  return items.length === 1 ? items[0] : { type: 'alt', items };
}

const at = (index: number) => `at character ${index + 1}`;
/** Quotes a piece of the pattern as written (JSON.stringify would double its backslashes). */
const show = (text: string) => `"${text}"`;

// ---------------------------------------------------------------------------------------------

/** Globs: see the module comment. A `,` outside braces and a `]` outside a class are literals. */
class GlobParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parse(): Node {
    return this.sequence(false);
  }

  private fail(message: string): never {
    throw new PathPatternError(`is not a valid glob: ${message}.`);
  }

  /** Up to the end, or inside braces up to the `,` or `}` that ends the alternative. */
  private sequence(inBraces: boolean): Node {
    const src = this.src;
    const items: Node[] = [];
    while (this.pos < src.length) {
      const ch = src[this.pos];
      if (inBraces && (ch === ',' || ch === '}')) break;
      if (ch === '*') {
        const start = this.pos;
        while (src[this.pos] === '*') this.pos++;
        // `***` means what `**` does: one unbounded run (more would only add NFA states).
        items.push({ type: 'repeat', item: char(this.pos - start > 1 ? ANY : NOT_SLASH), min: 0, max: Infinity });
      } else if (ch === '?') {
        items.push(char(NOT_SLASH));
        this.pos++;
      } else if (ch === '[') {
        items.push(this.charClass());
      } else if (ch === '{') {
        items.push(this.braces());
      } else if (ch === '}') {
        this.fail(`the "}" ${at(this.pos)} closes no "{" (escape a literal one as "\\}")`);
      } else if (ch === '\\') {
        if (this.pos + 1 >= src.length) this.fail(`the "\\" ${at(this.pos)} ends the pattern with nothing to escape`);
        items.push(literal(src.charCodeAt(this.pos + 1)));
        this.pos += 2;
      } else {
        items.push(literal(src.charCodeAt(this.pos)));
        this.pos++;
      }
    }
    return seq(items);
  }

  private braces(): Node {
    const open = this.pos;
    if (++this.depth > MAX_NESTING) this.fail(`the "{" ${at(open)} nests braces deeper than ${MAX_NESTING}`);
    this.pos++;
    const alternatives: Node[] = [];
    for (;;) {
      alternatives.push(this.sequence(true));
      if (this.pos >= this.src.length) this.fail(`the "{" ${at(open)} is never closed`);
      if (this.src[this.pos++] === '}') break;
    }
    this.depth--;
    return alt(alternatives);
  }

  private charClass(): Node {
    const src = this.src;
    const open = this.pos++;
    const negated = src[this.pos] === '!' || src[this.pos] === '^';
    if (negated) this.pos++;
    const pairs: number[] = [];
    for (let first = true; ; first = false) {
      if (this.pos >= src.length) this.fail(`the "[" ${at(open)} is never closed`);
      // `]` first in a class is a literal, as in shells: `[]a]`, `[!]]`.
      if (src[this.pos] === ']' && !first) break;
      const start = this.pos;
      const lo = this.classChar(open);
      let hi = lo;
      if (src[this.pos] === '-' && this.pos + 1 < src.length && src[this.pos + 1] !== ']') {
        this.pos++;
        hi = this.classChar(open);
        if (hi < lo) this.fail(`the range ${show(src.slice(start, this.pos))} ${at(start)} is out of order`);
      }
      if (lo === SLASH || hi === SLASH) this.fail(`the class ${at(open)} names "/", which a class never matches (it stands for one character within a segment)`);
      pairs.push(lo, hi);
    }
    this.pos++;
    const set = normalize(pairs);
    return char(withoutSlash(negated ? complement(set) : set));
  }

  private classChar(open: number): number {
    if (this.src[this.pos] === '\\') {
      if (this.pos + 1 >= this.src.length) this.fail(`the "[" ${at(open)} is never closed`);
      this.pos++;
    }
    return this.src.charCodeAt(this.pos++);
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * The regular expressions accepted: literals; `.`; escapes `\d \D \w \W \s \S`, `\t \n \r \f \v`,
 * `\xHH`, `\uHHHH` and any non-alphanumeric character escaped; classes `[…]`, `[^…]` with ranges
 * and those escapes; groups `( )` and `(?: )`; `|` inside a group; quantifiers `* + ? {n} {n,}
 * {n,m}` (counts up to MAX_REPEAT), lazy or not (only whether there is a match counts); `^` first
 * and `$` last. Everything else is refused, naming it, rather than guessed at: backreferences,
 * lookaround, named groups, modifiers, `\b`, anchors elsewhere, and the characters JavaScript
 * takes literally only by legacy leniency (`{`, `}`, `]` unescaped; `[]`; `\a` for `a`).
 */
class RegexParser {
  private pos = 1; // after the `^`
  private depth = 0;
  private anchoredEnd = false;

  constructor(private readonly src: string) {}

  parse(): { node: Node; anchoredEnd: boolean } {
    const node = this.alternation();
    if (this.pos < this.src.length) this.fail(`the ")" ${at(this.pos)} closes no "("`); // the only way to stop early
    return { node, anchoredEnd: this.anchoredEnd };
  }

  private fail(message: string): never {
    throw new PathPatternError(`is not a valid regular expression: ${message}.`);
  }

  private alternation(): Node {
    const alternatives = [this.sequence()];
    while (this.src[this.pos] === '|') {
      // `^a|b` is `(^a)|b` in JavaScript: b anywhere. Nearly always a mistake, so refuse it.
      if (this.depth === 0) this.fail(`the "|" ${at(this.pos)} is outside any group, where "^" and "$" would bind to the first and last alternative only; group the alternatives, e.g. "^(?:a|b)$"`);
      this.pos++;
      alternatives.push(this.sequence());
    }
    return alt(alternatives);
  }

  private sequence(): Node {
    const src = this.src;
    const items: Node[] = [];
    while (this.pos < src.length && src[this.pos] !== '|' && src[this.pos] !== ')') {
      if (src[this.pos] === '$') {
        if (this.pos === src.length - 1 && this.depth === 0) {
          this.anchoredEnd = true;
          this.pos++;
          break;
        }
        this.fail(`the "$" ${at(this.pos)} is not at the end (escape a literal one as "\\$")`);
      }
      items.push(this.quantified(this.atom()));
    }
    return seq(items);
  }

  private atom(): Node {
    const src = this.src;
    const start = this.pos;
    const ch = src[start];
    switch (ch) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        this.pos++;
        return char(DOT);
      case '\\':
        return char(this.escape(false));
      case '^':
        return this.fail(`the "^" ${at(start)} is not at the start (escape a literal one as "\\^")`);
      case '*':
      case '+':
      case '?':
        return this.fail(`the quantifier ${show(ch)} ${at(start)} has nothing to repeat`);
      case '{':
        return this.fail(`the "{" ${at(start)} has nothing to repeat (escape a literal one as "\\{")`);
      case '}':
      case ']':
        return this.fail(`the ${show(ch)} ${at(start)} must be escaped as "\\${ch}"`);
      default:
        this.pos++;
        return literal(src.charCodeAt(start));
    }
  }

  private group(): Node {
    const src = this.src;
    const open = this.pos++;
    if (src[this.pos] === '?') {
      const next = src[this.pos + 1];
      const after = src[this.pos + 2];
      if (next === ':') this.pos += 2;
      else if (next === '=' || next === '!') this.fail(`the lookahead ${show(src.slice(open, open + 3))} ${at(open)} is not supported`);
      else if (next === '<' && (after === '=' || after === '!')) this.fail(`the lookbehind ${show(src.slice(open, open + 4))} ${at(open)} is not supported`);
      else if (next === '<') this.fail(`the named group ${at(open)} is not supported (use "(" or "(?:")`);
      else this.fail(`the group ${show(src.slice(open, open + 3))} ${at(open)} is not supported (flags and modifiers are not; only "(" and "(?:" are)`);
    }
    if (++this.depth > MAX_NESTING) this.fail(`the "(" ${at(open)} nests groups deeper than ${MAX_NESTING}`);
    const body = this.alternation();
    if (src[this.pos] !== ')') this.fail(`the "(" ${at(open)} is never closed`);
    this.pos++;
    this.depth--;
    return body;
  }

  private quantified(item: Node): Node {
    const src = this.src;
    const start = this.pos;
    let min: number;
    let max: number;
    switch (src[start]) {
      case '*':
        [min, max] = [0, Infinity];
        this.pos++;
        break;
      case '+':
        [min, max] = [1, Infinity];
        this.pos++;
        break;
      case '?':
        [min, max] = [0, 1];
        this.pos++;
        break;
      case '{': {
        const counts = /\{(\d+)(?:(,)(\d*))?\}/y;
        counts.lastIndex = start;
        const m = counts.exec(src);
        if (!m) this.fail(`the "{" ${at(start)} is not a repetition "{n}", "{n,}" or "{n,m}" (escape a literal one as "\\{")`);
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        const text = show(m[0]);
        if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) this.fail(`the repetition ${text} ${at(start)} counts beyond ${MAX_REPEAT}`);
        if (max < min) this.fail(`the repetition ${text} ${at(start)} is out of order`);
        this.pos = counts.lastIndex;
        break;
      }
      default:
        return item;
    }
    if (src[this.pos] === '?') this.pos++; // lazy: the same set of matches, found in another order
    return { type: 'repeat', item, min, max };
  }

  private charClass(): Node {
    const src = this.src;
    const open = this.pos++;
    const negated = src[this.pos] === '^';
    if (negated) this.pos++;
    if (src[this.pos] === ']') {
      // JavaScript closes the class here: `[^]` is any character, `[]` none (and `[]a]` is `[]` then "a]").
      if (negated) {
        this.pos++;
        return char(ANY);
      }
      this.fail(`the class "[]" ${at(open)} matches nothing (escape a "]" inside a class as "\\]")`);
    }
    const pairs: number[] = [];
    for (;;) {
      if (this.pos >= src.length) this.fail(`the "[" ${at(open)} is never closed`);
      if (src[this.pos] === ']') break;
      const start = this.pos;
      const lo = this.classAtom();
      if (src[this.pos] === '-' && this.pos + 1 < src.length && src[this.pos + 1] !== ']') {
        this.pos++;
        const hi = this.classAtom();
        const text = show(src.slice(start, this.pos));
        // JavaScript reads `[\d-z]` as \d, "-", "z"; a user meant something else.
        if (!isSingle(lo) || !isSingle(hi)) this.fail(`the range ${text} ${at(start)} has a class escape for an end (escape the "-" as "\\-")`);
        if (hi[0] < lo[0]) this.fail(`the range ${text} ${at(start)} is out of order`);
        pairs.push(lo[0], hi[0]);
      } else {
        pairs.push(...lo);
      }
    }
    this.pos++;
    const set = normalize(pairs);
    return char(negated ? complement(set) : set);
  }

  private classAtom(): Ranges {
    if (this.src[this.pos] === '\\') return this.escape(true);
    const code = this.src.charCodeAt(this.pos++);
    return [code, code];
  }

  /** `\` and what follows, as a set; `inClass` for the one difference: `[\b]` is a backspace. */
  private escape(inClass: boolean): Ranges {
    const src = this.src;
    const start = this.pos;
    if (start + 1 >= src.length) this.fail(`the "\\" ${at(start)} ends the pattern with nothing to escape`);
    const ch = src[start + 1];
    this.pos += 2;
    const hex = (digits: number): Ranges => {
      const text = src.slice(this.pos, this.pos + digits);
      if (text.length !== digits || !/^[0-9A-Fa-f]+$/.test(text)) this.fail(`the escape ${show(src.slice(start, start + 2))} ${at(start)} needs ${digits} hexadecimal digits`);
      this.pos += digits;
      const code = parseInt(text, 16);
      return [code, code];
    };
    switch (ch) {
      case 'd':
        return DIGIT;
      case 'D':
        return complement(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(SPACE);
      case 't':
        return [0x09, 0x09];
      case 'n':
        return [0x0a, 0x0a];
      case 'v':
        return [0x0b, 0x0b];
      case 'f':
        return [0x0c, 0x0c];
      case 'r':
        return [0x0d, 0x0d];
      case 'x':
        return hex(2);
      case 'u':
        return hex(4);
    }
    const escape = show(`\\${ch}`);
    if (ch === 'b' || ch === 'B') {
      if (inClass) this.fail(`the escape ${escape} ${at(start)} in a class is not supported`);
      this.fail(`the word boundary ${escape} ${at(start)} is not supported`);
    }
    if (/[1-9]/.test(ch)) this.fail(`the backreference ${escape} ${at(start)} is not supported`);
    if (ch === 'k') this.fail(`the named backreference ${escape} ${at(start)} is not supported`);
    if (ch === 'p' || ch === 'P') this.fail(`the Unicode property escape ${escape} ${at(start)} is not supported`);
    if (/[A-Za-z0-9]/.test(ch)) this.fail(`the escape ${escape} ${at(start)} is not supported (escape only punctuation)`);
    const code = src.charCodeAt(start + 1);
    return [code, code];
  }
}

const isSingle = (set: Ranges) => set.length === 2 && set[0] === set[1];
const sameSet = (a: Ranges, b: Ranges) => a.length === b.length && a.every((bound, i) => bound === b[i]);

// ---------------------------------------------------------------------------------------------
// The NFA: states numbered from 0, each CHAR (consume one character of its set, go to out1),
// SPLIT (go to out1 and out2 without consuming) or MATCH.

const CHAR = 0;
const SPLIT = 1;
const MATCH = 2;

/** The number of NFA states `emit` makes for a node; computed first, so that a huge one is refused unbuilt. */
function stateCount(node: Node): number {
  switch (node.type) {
    case 'char':
      return 1;
    case 'seq':
      return node.items.reduce((sum, item) => sum + stateCount(item), 0);
    case 'alt':
      return node.items.reduce((sum, item) => sum + stateCount(item), node.items.length - 1);
    case 'repeat': {
      const one = stateCount(node.item);
      if (node.max === Infinity) return Math.max(node.min, 1) * one + 1;
      return node.max * one + (node.max - node.min);
    }
  }
}

/** The shortest and longest string a node matches (the longest may be Infinity). */
function lengthRange(node: Node): [number, number] {
  switch (node.type) {
    case 'char':
      return [1, 1];
    case 'seq':
      return node.items.reduce<[number, number]>(
        ([min, max], item) => {
          const [itemMin, itemMax] = lengthRange(item);
          return [min + itemMin, max + itemMax];
        },
        [0, 0],
      );
    case 'alt': {
      const ranges = node.items.map(lengthRange);
      return [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))];
    }
    case 'repeat': {
      const [itemMin, itemMax] = lengthRange(node.item);
      // 0 × Infinity is NaN: a repeated empty match stays empty.
      return [node.min * itemMin, itemMax === 0 ? 0 : node.max * itemMax];
    }
  }
}

class NfaBuilder {
  readonly kind: number[] = [];
  readonly out1: number[] = [];
  readonly out2: number[] = [];
  readonly sets: (Ranges | undefined)[] = [];

  add(kind: number, out1: number, out2: number, set?: Ranges): number {
    this.kind.push(kind);
    this.out1.push(out1);
    this.out2.push(out2);
    this.sets.push(set);
    return this.kind.length - 1;
  }

  /** Compiles `node` backwards: returns its entry state, given the state that follows it. */
  emit(node: Node, next: number): number {
    switch (node.type) {
      case 'char':
        return this.add(CHAR, next, -1, node.set);
      case 'seq':
        for (let i = node.items.length - 1; i >= 0; i--) next = this.emit(node.items[i], next);
        return next;
      case 'alt': {
        const entries = node.items.map((item) => this.emit(item, next));
        let entry = entries[entries.length - 1];
        for (let i = entries.length - 2; i >= 0; i--) entry = this.add(SPLIT, entries[i], entry);
        return entry;
      }
      case 'repeat': {
        const { item, max } = node;
        let min = node.min;
        let entry = next;
        if (max === Infinity) {
          // x* is a loop; x{n,} is x{n-1} then x+, whose loop re-enters x.
          const loop = this.add(SPLIT, -1, next);
          const body = this.emit(item, loop);
          this.out1[loop] = body;
          entry = min === 0 ? loop : body;
          if (min > 0) min--;
        } else {
          // x{n,m}: the optional tail (x(x(x)?)?)?, each skip going straight to `next`.
          for (let k = 0; k < max - min; k++) entry = this.add(SPLIT, this.emit(item, entry), next);
        }
        for (let k = 0; k < min; k++) entry = this.emit(item, entry);
        return entry;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** The DFA state of the empty set: no match is possible any more. Always state 0. */
const DEAD = 0;
/** Cache bounds: a full cache is flushed (cleared and rebuilt on demand), which keeps `test` linear. */
const MAX_DFA_STATES = 2048;
const DFA_TABLE_CELLS = 1 << 18;
const DFA_STORED_STATES = 1 << 18;

/** What runs over the part of the path between the literal prefix and suffix. */
interface Matcher {
  /** Work done so far; the caller zeroes it. */
  steps: number;
  /** Whether path[from, to) matches: wholly (`whole`), or by a prefix. */
  run(path: string, from: number, to: number, whole: boolean): boolean;
}

/**
 * The NFA simulated on sets of states (Thompson's construction, Pike's state-set simulation),
 * each distinct set memoized as a DFA state with a row of transitions filled in on first use.
 * Per input character: one table look-up, or on a miss, a new set built from the current one
 * (each NFA state tested once, each reached once), and maybe a new row.
 */
class LazyDfa implements Matcher {
  private readonly kind: Uint8Array;
  private readonly out1: Int32Array;
  private readonly out2: Int32Array;
  private readonly sets: (Ranges | undefined)[];
  private readonly startState: number;
  readonly stateCount: number;

  // The alphabet, cut into classes the NFA does not tell apart: class i starts at bounds[i].
  private readonly bounds: Uint32Array;
  private readonly asciiClass = new Uint16Array(128);
  readonly classCount: number;

  // Scratch space of the set construction, allocated once: no allocation per `test`.
  private readonly seen: Uint32Array;
  private generation = 0;
  private readonly stack: Int32Array;
  private readonly list: Int32Array;
  private listLength = 0;
  private listAccepts = false;
  private readonly keyBits: Uint16Array;

  // The cache: DFA state d is the NFA set members[d]; row d of `table` its transitions (-1: not yet).
  private members: Int32Array[] = [];
  private accepts = new Uint8Array(8);
  private table: Int32Array;
  private readonly index = new Map<string, number>();
  private stored = 0;
  /** Counts flushes, so that a transition computed across one is not written into a reused row. */
  private epoch = 0;
  private readonly capacity: number;
  /** The closure of the start state as a DFA state, or -1 when not built (since a flush). */
  private start = -1;

  steps = 0;

  constructor(builder: NfaBuilder, startState: number) {
    const count = builder.kind.length;
    this.stateCount = count;
    this.kind = Uint8Array.from(builder.kind);
    this.out1 = Int32Array.from(builder.out1);
    this.out2 = Int32Array.from(builder.out2);
    this.sets = builder.sets;
    this.startState = startState;

    const cuts = new Set<number>([0]);
    for (const set of builder.sets) {
      if (!set) continue;
      for (let i = 0; i < set.length; i += 2) {
        cuts.add(set[i]);
        if (set[i + 1] < MAX_CODE) cuts.add(set[i + 1] + 1);
      }
    }
    this.bounds = Uint32Array.from([...cuts].sort((a, b) => a - b));
    this.classCount = this.bounds.length;
    for (let code = 0; code < 128; code++) this.asciiClass[code] = this.classOf(code);

    this.seen = new Uint32Array(count);
    this.stack = new Int32Array(count);
    this.list = new Int32Array(count);
    this.keyBits = new Uint16Array(Math.ceil(count / 16));
    this.capacity = Math.max(4, Math.min(MAX_DFA_STATES, Math.floor(DFA_TABLE_CELLS / this.classCount)));
    this.table = new Int32Array(8 * this.classCount);
    this.flush();
  }

  run(path: string, from: number, to: number, whole: boolean): boolean {
    let d = this.start >= 0 ? this.start : this.startSet();
    const classes = this.classCount;
    const ascii = this.asciiClass;
    let table = this.table;
    let accepts = this.accepts;
    let i = from;
    // Two loops, so that the hot one (a whole-path match) tests one thing per character.
    if (whole) {
      for (; i < to && d !== DEAD; i++) {
        const code = path.charCodeAt(i);
        const cls = code < 128 ? ascii[code] : this.classOf(code);
        const next = table[d * classes + cls];
        if (next >= 0) d = next;
        else {
          d = this.step(d, cls);
          table = this.table;
          accepts = this.accepts;
        }
      }
    } else {
      for (; i < to && d !== DEAD && accepts[d] === 0; i++) {
        const code = path.charCodeAt(i);
        const cls = code < 128 ? ascii[code] : this.classOf(code);
        const next = table[d * classes + cls];
        if (next >= 0) d = next;
        else {
          d = this.step(d, cls);
          table = this.table;
          accepts = this.accepts;
        }
      }
    }
    this.steps += i - from + 1;
    return accepts[d] === 1;
  }

  private classOf(code: number): number {
    const bounds = this.bounds;
    let lo = 0;
    let hi = bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bounds[mid] <= code) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private startSet(): number {
    this.beginSet();
    this.reach(this.startState);
    return (this.start = this.intern());
  }

  /** The DFA state after DFA state `d` reads a character of class `cls`; fills in the table. */
  private step(d: number, cls: number): number {
    const source = this.members[d];
    const code = this.bounds[cls];
    const epoch = this.epoch;
    this.beginSet();
    for (let i = 0; i < source.length; i++) {
      const s = source[i];
      if (hasCode(this.sets[s]!, code)) this.reach(this.out1[s]);
    }
    this.steps += source.length;
    const next = this.intern();
    if (this.epoch === epoch) this.table[d * this.classCount + cls] = next; // else row d is gone
    return next;
  }

  private beginSet(): void {
    this.listLength = 0;
    this.listAccepts = false;
    if (++this.generation === 0xffffffff) {
      this.seen.fill(0);
      this.generation = 1;
    }
  }

  /** Adds `state` and all it reaches without consuming a character to the set being built. */
  private reach(state: number): void {
    const { seen, stack, kind, out1, out2, list } = this;
    const generation = this.generation;
    if (seen[state] === generation) return;
    seen[state] = generation;
    let top = 0;
    stack[top++] = state;
    while (top > 0) {
      const s = stack[--top];
      this.steps++;
      if (kind[s] === CHAR) list[this.listLength++] = s;
      else if (kind[s] === MATCH) this.listAccepts = true;
      else {
        // Marked when pushed, so each state is on the stack at most once.
        if (seen[out2[s]] !== generation) {
          seen[out2[s]] = generation;
          stack[top++] = out2[s];
        }
        if (seen[out1[s]] !== generation) {
          seen[out1[s]] = generation;
          stack[top++] = out1[s];
        }
      }
    }
  }

  /** The DFA state of the set just built: found by its members (as a bit string), or added. */
  private intern(): number {
    const { list, keyBits } = this;
    const length = this.listLength;
    for (let i = 0; i < length; i++) keyBits[list[i] >> 4] |= 1 << (list[i] & 15);
    const key = (this.listAccepts ? '1' : '0') + String.fromCharCode(...keyBits);
    for (let i = 0; i < length; i++) keyBits[list[i] >> 4] = 0;
    this.steps += length + keyBits.length;
    const found = this.index.get(key);
    if (found !== undefined) return found;
    if (this.members.length >= this.capacity || this.stored + length > DFA_STORED_STATES) this.flush();
    return this.add(key, list.slice(0, length), this.listAccepts);
  }

  private add(key: string, members: Int32Array, accepts: boolean): number {
    const d = this.members.length;
    const classes = this.classCount;
    this.members.push(members);
    this.stored += members.length;
    this.index.set(key, d);
    if ((d + 1) * classes > this.table.length) {
      const rows = Math.min(this.capacity, 2 * (d + 1));
      const table = new Int32Array(rows * classes);
      table.set(this.table);
      this.table = table;
      const flags = new Uint8Array(rows);
      flags.set(this.accepts);
      this.accepts = flags;
    }
    // The dead state's row leads to itself; another's is filled in as characters come.
    this.table.fill(d === DEAD ? DEAD : -1, d * classes, (d + 1) * classes);
    this.steps += classes;
    this.accepts[d] = accepts ? 1 : 0;
    return d;
  }

  /** Forgets every DFA state but the dead one (rows are reset as states are added again). */
  private flush(): void {
    this.members = [];
    this.index.clear();
    this.stored = 0;
    this.start = -1;
    this.epoch++;
    this.add('0' + String.fromCharCode(...this.keyBits), new Int32Array(0), false);
  }
}

/**
 * The commonest remainder, one unbounded run of a set (a glob's `*` or `**`, `.*`, `[^/]+`),
 * checked without an automaton: `*` is one search for a `/`.
 */
class RunMatcher implements Matcher {
  steps = 0;
  private readonly ascii = new Uint8Array(128);
  private readonly kind: 'any' | 'segment' | 'set';

  constructor(
    private readonly set: Ranges,
    private readonly min: number,
  ) {
    for (let code = 0; code < 128; code++) this.ascii[code] = hasCode(set, code) ? 1 : 0;
    this.kind = sameSet(set, ANY) ? 'any' : sameSet(set, NOT_SLASH) ? 'segment' : 'set';
  }

  run(path: string, from: number, to: number, whole: boolean): boolean {
    if (to - from < this.min) {
      this.steps += 1;
      return false;
    }
    // Without `$`, a match may stop after the first `min` characters: only they must be in the set.
    const last = whole ? to : from + this.min;
    this.steps += last - from + 1;
    if (this.kind === 'any') return true;
    if (this.kind === 'segment') {
      const slash = path.indexOf('/', from);
      return slash < 0 || slash >= last;
    }
    for (let i = from; i < last; i++) {
      const code = path.charCodeAt(i);
      if (code < 128 ? this.ascii[code] === 0 : !hasCode(this.set, code)) return false;
    }
    return true;
  }
}

/** A run of literal characters and `?`s within one segment: its code units, -1 for a `?`. */
type Piece = Int32Array;

/** One segment of a glob: `head`, or `head*tail` when it has a star. */
interface Segment {
  readonly head: Piece;
  readonly tail?: Piece;
}

/**
 * A glob made of literals, `?` and at most one `*` per segment, the other common shape
 * (`/api/*` + `/oauth-clients/*` + `/client-secrets/*`). Neither `*` nor `?` matches `/`, so
 * the pattern's segments match the path's one for one: each is found with one search for the
 * next `/` and checked at its two ends, never scanned character by character in JavaScript.
 */
class SegmentMatcher implements Matcher {
  steps = 0;

  private constructor(private readonly segments: readonly Segment[]) {}

  /** The matcher for these glob items, or undefined when they are not of this shape. */
  static of(items: readonly Node[]): SegmentMatcher | undefined {
    const segments: Segment[] = [];
    let codes: number[] = [];
    let head: number[] | undefined;
    const close = () => {
      segments.push(head ? { head: Int32Array.from(head), tail: Int32Array.from(codes) } : { head: Int32Array.from(codes) });
      codes = [];
      head = undefined;
    };
    for (const item of items) {
      const code = literalCode(item);
      if (code === SLASH) close();
      else if (code >= 0) codes.push(code);
      else if (item.type === 'char' && sameSet(item.set, NOT_SLASH)) codes.push(-1);
      else if (item.type === 'repeat' && item.item.type === 'char' && sameSet(item.item.set, NOT_SLASH) && !head) {
        head = codes;
        codes = [];
      } else return undefined;
    }
    close();
    return new SegmentMatcher(segments);
  }

  run(path: string, from: number, to: number): boolean {
    const segments = this.segments;
    const last = segments.length - 1;
    let start = from;
    for (let k = 0; ; k++) {
      let end = path.indexOf('/', start);
      if (end < 0 || end > to) end = to;
      this.steps += end - start + 1;
      // The path has a `/` where the pattern has none (k === last), or too few segments.
      if ((k === last) !== (end === to)) return false;
      const { head, tail } = segments[k];
      if (tail === undefined ? end - start !== head.length : end - start < head.length + tail.length) return false;
      if (!this.piece(head, path, start) || (tail !== undefined && !this.piece(tail, path, end - tail.length))) return false;
      if (k === last) return true;
      start = end + 1;
    }
  }

  private piece(piece: Piece, path: string, at: number): boolean {
    this.steps += piece.length;
    for (let i = 0; i < piece.length; i++) {
      if (piece[i] >= 0 && path.charCodeAt(at + i) !== piece[i]) return false;
    }
    return true;
  }
}

// ---------------------------------------------------------------------------------------------

/** The single-code-unit node's character, or -1: what a literal prefix or suffix is made of. */
function literalCode(node: Node): number {
  return node.type === 'char' && isSingle(node.set) ? node.set[0] : -1;
}

class CompiledPathPattern implements PathPattern {
  private readonly prefix: string;
  private readonly suffix: string;
  /** Undefined when the literals are the whole pattern. */
  private readonly matcher?: Matcher;
  readonly stateCount: number;
  readonly classCount: number;
  private lastSteps = 0;
  /** Bounds on the length of what the matcher sees: a path outside them is refused at once. */
  private readonly minLength: number;
  private readonly maxLength: number;

  /** `whole`: the pattern must match the whole path (a glob, or a regular expression ending in `$`). */
  constructor(
    readonly source: string,
    readonly syntax: 'glob' | 'regex',
    node: Node,
    private readonly whole: boolean,
  ) {
    const items = node.type === 'seq' ? node.items : [node];
    let head = 0;
    while (head < items.length && literalCode(items[head]) >= 0) head++;
    let tail = items.length;
    // A suffix is literal only for a whole-path match: a regular expression without `$` may stop anywhere.
    if (whole) while (tail > head && literalCode(items[tail - 1]) >= 0) tail--;
    const codes = (from: number, to: number) => String.fromCharCode(...items.slice(from, to).map(literalCode));
    this.prefix = codes(0, head);
    this.suffix = codes(tail, items.length);

    const rest = seq(items.slice(head, tail));
    const count = stateCount(rest) + 1;
    if (count > MAX_STATES) {
      const what = syntax === 'glob' ? 'glob' : 'regular expression';
      throw new PathPatternError(`is not a valid ${what}: it would compile to ${count} automaton states, more than the ${MAX_STATES} allowed (lower its repetition counts).`);
    }
    this.stateCount = count;
    this.classCount = 0;
    [this.minLength, this.maxLength] = lengthRange(rest);
    const restItems = items.slice(head, tail);
    if (rest.type === 'repeat' && rest.max === Infinity && rest.item.type === 'char') {
      this.matcher = new RunMatcher(rest.item.set, rest.min);
    } else if (head < tail && syntax === 'glob' && (this.matcher = SegmentMatcher.of(restItems))) {
      // a glob of `*` and `?` segments
    } else if (head < tail) {
      const builder = new NfaBuilder();
      const dfa = new LazyDfa(builder, builder.emit(rest, builder.add(MATCH, -1, -1)));
      this.matcher = dfa;
      this.classCount = dfa.classCount;
    }
  }

  get steps(): number {
    return this.lastSteps;
  }

  test(path: string): boolean {
    const { prefix, suffix, matcher } = this;
    const end = path.length - suffix.length;
    const length = end - prefix.length;
    this.lastSteps = 1;
    if (length < this.minLength || (this.whole && length > this.maxLength)) return false;
    // lastIndexOf from 0 looks at position 0 only, and is faster than startsWith in V8.
    this.lastSteps += prefix.length + suffix.length;
    if (path.lastIndexOf(prefix, 0) !== 0 || !path.endsWith(suffix)) return false;
    if (!matcher) return !this.whole || end === prefix.length;
    matcher.steps = 0;
    const matched = matcher.run(path, prefix.length, end, this.whole);
    this.lastSteps += matcher.steps;
    return matched;
  }
}
