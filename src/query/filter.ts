/**
 * SCIM filter expressions (RFC 7644 §3.4.2.2) over the string attributes of an
 * OAuth client: clientId, clientName, appType, tenantId and createdByType. Each
 * caller names the attributes its API allows (the default: all of them).
 *
 * Grammar (case-insensitive keywords, attribute names and operators):
 *
 *   filter  := or
 *   or      := and ( "or" and )*
 *   and     := unary ( "and" unary )*
 *   unary   := "not" "(" or ")" | "(" or ")" | attr "pr" | attr compareOp value
 *   value   := JSON string | true | false | null | JSON number
 *
 * Whitespace (space, tab, CR, LF) may appear between any two tokens; it is
 * only required where two words would otherwise run together.
 *
 * Semantics: string comparisons are case-insensitive (both sides lowercased
 * with `toLowerCase()`; gt/ge/lt/le use plain code-unit order on the
 * lowercased strings). `pr` is true when the attribute is a non-empty string.
 * `attr eq null` is accepted and means "absent" (same as `not (attr pr)`),
 * `attr ne null` means "present" (same as `attr pr`); every other non-string
 * value (true, false, numbers, null with another operator) is rejected because
 * all filterable attributes are strings.
 *
 * Limits: at most MAX_FILTER_LENGTH characters and MAX_FILTER_DEPTH nested
 * groups (each parenthesised group, including the one after `not`, is one
 * level). The parser's recursion depth is bounded by the nesting limit, so no
 * input can overflow the stack.
 */
import { QueryError, quoteInput } from './errors.js';

export type FilterAttribute = 'clientId' | 'clientName' | 'appType' | 'tenantId' | 'createdByType';

export type Filterable = {
  readonly clientId: string;
  readonly clientName: string;
  readonly appType: string;
  readonly tenantId?: string;
  readonly createdByType?: string;
};

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export interface CompareNode {
  readonly type: 'compare';
  readonly attr: FilterAttribute;
  readonly op: CompareOperator;
  /** The decoded string literal, as written (not lowercased). */
  readonly value: string;
}

export interface PresentNode {
  readonly type: 'present';
  readonly attr: FilterAttribute;
  readonly op: 'pr';
}

export interface AndNode {
  readonly type: 'and';
  /** Two or more operands (nested ands are flattened). */
  readonly children: readonly FilterNode[];
}

export interface OrNode {
  readonly type: 'or';
  /** Two or more operands (nested ors are flattened). */
  readonly children: readonly FilterNode[];
}

export interface NotNode {
  readonly type: 'not';
  readonly child: FilterNode;
}

export type FilterNode = CompareNode | PresentNode | AndNode | OrNode | NotNode;

export type FilterPredicate = (item: Filterable) => boolean;

export const FILTER_ATTRIBUTES: readonly FilterAttribute[] = ['clientId', 'clientName', 'appType', 'tenantId', 'createdByType'];
export const MAX_FILTER_LENGTH = 4096;
export const MAX_FILTER_DEPTH = 32;
export const FILTER_CACHE_SIZE = 256;

const COMPARE_OPERATORS: readonly CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const OPERATOR_LIST = [...COMPARE_OPERATORS, 'pr'].join(', ');

/** The attributes one API allows, looked up case-insensitively. */
class AttributeSet {
  readonly list: string;
  /** Compiled predicates by filter text (see compileFilter). */
  readonly compiled = new Map<string, FilterPredicate>();
  private readonly byLower: ReadonlyMap<string, FilterAttribute>;

  constructor(readonly attributes: readonly FilterAttribute[]) {
    this.list = attributes.join(', ');
    this.byLower = new Map(attributes.map((a) => [a.toLowerCase(), a] as const));
  }

  get(name: string): FilterAttribute | undefined {
    return this.byLower.get(name.toLowerCase());
  }
}

/** Callers pass the same few arrays: one set (and one cache of compiled filters) per array. */
const attributeSets = new WeakMap<readonly FilterAttribute[], AttributeSet>();
const attributeSet = (attributes: readonly FilterAttribute[]): AttributeSet => {
  let set = attributeSets.get(attributes);
  if (!set) attributeSets.set(attributes, (set = new AttributeSet(attributes)));
  return set;
};
const COMPARE_BY_LOWER: ReadonlyMap<string, CompareOperator> = new Map(COMPARE_OPERATORS.map((o) => [o, o] as const));

const ATTRNAME_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ATTRPATH_RE = /^(?:[A-Za-z][A-Za-z0-9_.:-]*:)?[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)?$/;
const NUMBER_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

// ---------------------------------------------------------------------------
// Lexer

// Token kinds (plain constants rather than an enum: erasable syntax only).
const Tok = {
  LParen: 0,
  RParen: 1,
  LBracket: 2,
  RBracket: 3,
  Word: 4,
  String: 5,
} as const;
type TokKind = (typeof Tok)[keyof typeof Tok];

interface Token {
  readonly kind: TokKind;
  /** 0-based offset of the token's first character. */
  readonly pos: number;
  /** The token's source text. */
  readonly text: string;
  /** Decoded value (strings only). */
  readonly value: string;
}

function fail(message: string, position?: number): never {
  throw new QueryError(`Invalid filter: ${message}`, { parameter: 'filter', position });
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isWordChar(c: number): boolean {
  return !(isSpace(c) || c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d || c === 0x22);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Scan a JSON string literal starting at `start` (which holds `"`). */
function scanString(text: string, start: number): Token {
  const n = text.length;
  let i = start + 1;
  let out = '';
  let chunk = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      out += text.slice(chunk, i);
      return { kind: Tok.String, pos: start, text: text.slice(start, i + 1), value: out };
    }
    if (c < 0x20) {
      fail(
        `unescaped control character U+${c.toString(16).toUpperCase().padStart(4, '0')} at position ${i} in the string starting at position ${start}; use a JSON escape such as \\n or \\u000A.`,
        i,
      );
    }
    if (c !== 0x5c) {
      i++;
      continue;
    }
    out += text.slice(chunk, i);
    if (i + 1 >= n) break; // backslash at the very end: unterminated
    const e = text.charCodeAt(i + 1);
    switch (e) {
      case 0x22: out += '"'; i += 2; break;
      case 0x5c: out += '\\'; i += 2; break;
      case 0x2f: out += '/'; i += 2; break;
      case 0x62: out += '\b'; i += 2; break;
      case 0x66: out += '\f'; i += 2; break;
      case 0x6e: out += '\n'; i += 2; break;
      case 0x72: out += '\r'; i += 2; break;
      case 0x74: out += '\t'; i += 2; break;
      case 0x75: {
        let code = 0;
        for (let k = 2; k < 6; k++) {
          const h = i + k < n ? hexValue(text.charCodeAt(i + k)) : -1;
          if (h < 0) {
            fail(
              `invalid escape sequence ${quoteInput(text.slice(i, Math.min(n, i + 6)))} at position ${i}; \\u must be followed by four hexadecimal digits.`,
              i,
            );
          }
          code = code * 16 + h;
        }
        out += String.fromCharCode(code);
        i += 6;
        break;
      }
      default:
        fail(
          `invalid escape sequence ${quoteInput(text.slice(i, i + 2))} at position ${i}; valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX.`,
          i,
        );
    }
    chunk = i;
  }
  return fail(`unterminated string starting at position ${start}; a closing double quote is missing.`, start);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 0x28) {
      tokens.push({ kind: Tok.LParen, pos: i, text: '(', value: '' });
      i++;
    } else if (c === 0x29) {
      tokens.push({ kind: Tok.RParen, pos: i, text: ')', value: '' });
      i++;
    } else if (c === 0x5b) {
      tokens.push({ kind: Tok.LBracket, pos: i, text: '[', value: '' });
      i++;
    } else if (c === 0x5d) {
      tokens.push({ kind: Tok.RBracket, pos: i, text: ']', value: '' });
      i++;
    } else if (c === 0x22) {
      const t = scanString(text, i);
      tokens.push(t);
      i += t.text.length;
    } else {
      const start = i;
      i++;
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      const w = text.slice(start, i);
      tokens.push({ kind: Tok.Word, pos: start, text: w, value: w });
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------
// Parser

function describe(t: Token): string {
  return quoteInput(t.text);
}

function isKeyword(t: Token | undefined, lower: string): boolean {
  return t !== undefined && t.kind === Tok.Word && t.text.length === lower.length && t.text.toLowerCase() === lower;
}

function makeLogical(type: 'and' | 'or', children: FilterNode[]): FilterNode {
  if (children.length === 1) return children[0];
  const flat: FilterNode[] = [];
  for (const c of children) {
    if (c.type === type) flat.push(...c.children);
    else flat.push(c);
  }
  return { type, children: flat };
}

class Parser {
  private i = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
    private readonly attributes: AttributeSet,
  ) {}

  parse(): FilterNode {
    const node = this.parseOr(0);
    const t = this.tokens[this.i];
    if (t !== undefined) {
      if (t.kind === Tok.RParen) {
        fail(`unexpected ")" at position ${t.pos} without a matching "(".`, t.pos);
      }
      fail(`unexpected ${describe(t)} at position ${t.pos}; expected "and", "or" or the end of the filter.`, t.pos);
    }
    return node;
  }

  private parseOr(depth: number): FilterNode {
    const children = [this.parseAnd(depth)];
    while (isKeyword(this.tokens[this.i], 'or')) {
      this.i++;
      children.push(this.parseAnd(depth));
    }
    return makeLogical('or', children);
  }

  private parseAnd(depth: number): FilterNode {
    const children = [this.parseUnary(depth)];
    while (isKeyword(this.tokens[this.i], 'and')) {
      this.i++;
      children.push(this.parseUnary(depth));
    }
    return makeLogical('and', children);
  }

  private endPos(): number {
    return this.source.length;
  }

  private parseGroup(open: Token, depth: number): FilterNode {
    // `open` is the "(" token, already consumed.
    if (depth + 1 > MAX_FILTER_DEPTH) {
      fail(`expressions are nested more than ${MAX_FILTER_DEPTH} levels deep at position ${open.pos}.`, open.pos);
    }
    const node = this.parseOr(depth + 1);
    const close = this.tokens[this.i];
    if (close === undefined) {
      fail(`missing ")" to close the "(" at position ${open.pos}.`, this.endPos());
    }
    if (close.kind !== Tok.RParen) {
      fail(
        `unexpected ${describe(close)} at position ${close.pos}; expected "and", "or" or ")" to close the "(" at position ${open.pos}.`,
        close.pos,
      );
    }
    this.i++;
    return node;
  }

  private parseUnary(depth: number): FilterNode {
    const t = this.tokens[this.i];
    if (t === undefined) {
      fail(`expected an expression at position ${this.endPos()} but the filter ended.`, this.endPos());
    }
    switch (t.kind) {
      case Tok.LParen:
        this.i++;
        return this.parseGroup(t, depth);
      case Tok.RParen:
        return fail(`unexpected ")" at position ${t.pos}; expected an expression.`, t.pos);
      case Tok.Word:
        if (isKeyword(t, 'not')) {
          const open = this.tokens[this.i + 1];
          if (open === undefined || open.kind !== Tok.LParen) {
            return fail(
              `"not" at position ${t.pos} must be followed by a parenthesised expression, e.g. not (clientName eq "x").`,
              t.pos,
            );
          }
          this.i += 2;
          return { type: 'not', child: this.parseGroup(open, depth) };
        }
        return this.parseAttributeExpression(t);
      default:
        return fail(`unexpected ${describe(t)} at position ${t.pos}; expected an attribute name, "not" or "(".`, t.pos);
    }
  }

  private parseAttributeExpression(t: Token): FilterNode {
    const attr = this.resolveAttribute(t);
    this.i++;
    const opTok = this.tokens[this.i];
    if (opTok === undefined) {
      return fail(`expected an operator after attribute ${quoteInput(t.text)} at position ${this.endPos()} but the filter ended.`, this.endPos());
    }
    if (opTok.kind !== Tok.Word) {
      return fail(
        `expected an operator after attribute ${quoteInput(t.text)} at position ${opTok.pos} but found ${describe(opTok)}; valid operators are ${OPERATOR_LIST}.`,
        opTok.pos,
      );
    }
    const opLower = opTok.text.toLowerCase();
    this.i++;
    if (opLower === 'pr') return { type: 'present', attr, op: 'pr' };
    const op = COMPARE_BY_LOWER.get(opLower);
    if (op === undefined) {
      return fail(`unknown operator ${quoteInput(opTok.text)} at position ${opTok.pos}; valid operators are ${OPERATOR_LIST}.`, opTok.pos);
    }
    const v = this.tokens[this.i];
    if (v === undefined) {
      return fail(`operator "${op}" at position ${opTok.pos} expects a value but the filter ended.`, this.endPos());
    }
    if (v.kind === Tok.String) {
      this.i++;
      return { type: 'compare', attr, op, value: v.value };
    }
    if (v.kind === Tok.Word) {
      const lower = v.text.toLowerCase();
      if (lower === 'null' && (op === 'eq' || op === 'ne')) {
        this.i++;
        // `eq null` = absent, `ne null` = present (all attributes are strings;
        // an empty string counts as absent, exactly like `pr`).
        const present: PresentNode = { type: 'present', attr, op: 'pr' };
        return op === 'ne' ? present : { type: 'not', child: present };
      }
      if (lower === 'null' || lower === 'true' || lower === 'false' || NUMBER_RE.test(v.text)) {
        return fail(
          `operator "${op}" at position ${opTok.pos} expects a string value, but ${quoteInput(v.text)} at position ${v.pos} is not a string; ${attr} is a string attribute, so quote the value, e.g. ${attr} ${op} "${lower === 'null' ? 'x' : v.text}".`,
          v.pos,
        );
      }
    }
    return fail(
      `operator "${op}" at position ${opTok.pos} expects a value in double quotes, but found ${describe(v)} at position ${v.pos}.`,
      v.pos,
    );
  }

  private resolveAttribute(t: Token): FilterAttribute {
    const attr = this.attributes.get(t.text);
    const next = this.tokens[this.i + 1];
    if (next !== undefined && next.kind === Tok.LBracket) {
      return fail(
        `value filters such as ${quoteInput(t.text)}[...] at position ${t.pos} are not supported; valid attributes are ${this.attributes.list}.`,
        t.pos,
      );
    }
    if (attr !== undefined) return attr;
    if (ATTRNAME_RE.test(t.text)) {
      return fail(`unknown attribute ${quoteInput(t.text)} at position ${t.pos}; valid attributes are ${this.attributes.list}.`, t.pos);
    }
    if (ATTRPATH_RE.test(t.text)) {
      return fail(
        `unsupported attribute path ${quoteInput(t.text)} at position ${t.pos} (sub-attributes and schema URNs are not supported); valid attributes are ${this.attributes.list}.`,
        t.pos,
      );
    }
    return fail(`unexpected ${describe(t)} at position ${t.pos}; expected an attribute name (${this.attributes.list}), "not" or "(".`, t.pos);
  }
}

/** Parse a SCIM filter into an AST. Throws QueryError for any invalid input. */
export function parseFilter(text: string, attributes: readonly FilterAttribute[] = FILTER_ATTRIBUTES): FilterNode {
  if (typeof text !== 'string') {
    fail('the filter must be a string.');
  }
  if (text.length > MAX_FILTER_LENGTH) {
    fail(`the filter is ${text.length} characters long; the maximum is ${MAX_FILTER_LENGTH}.`);
  }
  const tokens = tokenize(text);
  if (tokens.length === 0) {
    fail(`the filter is empty at position 0; expected an expression such as clientName eq "example".`, 0);
  }
  return new Parser(tokens, text, attributeSet(attributes)).parse();
}

// ---------------------------------------------------------------------------
// Compiler

type Lower = (item: Filterable) => string;

// One accessor per attribute keeps each property access monomorphic. A
// non-string value (impossible for well-typed items) is treated as absent ('').
const LOWER: Readonly<Record<FilterAttribute, Lower>> = {
  clientId: (item) => {
    const s = item.clientId;
    return typeof s === 'string' ? s.toLowerCase() : '';
  },
  clientName: (item) => {
    const s = item.clientName;
    return typeof s === 'string' ? s.toLowerCase() : '';
  },
  appType: (item) => {
    const s = item.appType;
    return typeof s === 'string' ? s.toLowerCase() : '';
  },
  tenantId: (item) => {
    const s = item.tenantId;
    return typeof s === 'string' ? s.toLowerCase() : '';
  },
  createdByType: (item) => {
    const s = item.createdByType;
    return typeof s === 'string' ? s.toLowerCase() : '';
  },
};

const PRESENT: Readonly<Record<FilterAttribute, FilterPredicate>> = {
  clientId: (item) => typeof item.clientId === 'string' && item.clientId.length > 0,
  clientName: (item) => typeof item.clientName === 'string' && item.clientName.length > 0,
  appType: (item) => typeof item.appType === 'string' && item.appType.length > 0,
  tenantId: (item) => typeof item.tenantId === 'string' && item.tenantId.length > 0,
  createdByType: (item) => typeof item.createdByType === 'string' && item.createdByType.length > 0,
};

function compileCompare(node: CompareNode): FilterPredicate {
  const get = LOWER[node.attr];
  const v = node.value.toLowerCase();
  switch (node.op) {
    case 'eq': return (item) => get(item) === v;
    case 'ne': return (item) => get(item) !== v;
    case 'co': return (item) => get(item).includes(v);
    case 'sw': return (item) => get(item).startsWith(v);
    case 'ew': return (item) => get(item).endsWith(v);
    case 'gt': return (item) => get(item) > v;
    case 'ge': return (item) => get(item) >= v;
    case 'lt': return (item) => get(item) < v;
    case 'le': return (item) => get(item) <= v;
  }
}

/** Compile an AST into a predicate. The AST depth is bounded by the parser. */
export function compileNode(node: FilterNode): FilterPredicate {
  switch (node.type) {
    case 'compare':
      return compileCompare(node);
    case 'present':
      return PRESENT[node.attr];
    case 'not': {
      const inner = compileNode(node.child);
      return (item) => !inner(item);
    }
    case 'and': {
      const preds = node.children.map(compileNode);
      if (preds.length === 2) {
        const [a, b] = preds;
        return (item) => a(item) && b(item);
      }
      return (item) => {
        for (let i = 0; i < preds.length; i++) if (!preds[i](item)) return false;
        return true;
      };
    }
    case 'or': {
      const preds = node.children.map(compileNode);
      if (preds.length === 2) {
        const [a, b] = preds;
        return (item) => a(item) || b(item);
      }
      return (item) => {
        for (let i = 0; i < preds.length; i++) if (preds[i](item)) return true;
        return false;
      };
    }
  }
}

/**
 * Parse and compile a filter into a predicate. Compiled predicates are cached
 * by filter text per attribute set (bounded, oldest entry evicted first);
 * invalid filters are not cached and throw QueryError every time.
 */
export function compileFilter(text: string, attributes: readonly FilterAttribute[] = FILTER_ATTRIBUTES): FilterPredicate {
  const cache = attributeSet(attributes).compiled;
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const pred = compileNode(parseFilter(text, attributes));
  if (cache.size >= FILTER_CACHE_SIZE) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(text, pred);
  return pred;
}

/** Number of cached compiled filters of an attribute set (for tests and diagnostics). */
export function filterCacheSize(attributes: readonly FilterAttribute[] = FILTER_ATTRIBUTES): number {
  return attributeSet(attributes).compiled.size;
}

/** Drop every cached compiled filter of an attribute set. */
export function clearFilterCache(attributes: readonly FilterAttribute[] = FILTER_ATTRIBUTES): void {
  attributeSet(attributes).compiled.clear();
}
