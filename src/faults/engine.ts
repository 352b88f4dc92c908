import { mulberry32 } from './prng.js';
import { compilePathPattern, type PathPattern } from './path-pattern.js';
import { FaultRuleError, parseFaultRule, type FaultRule, type FaultRuleInput } from './rules.js';

/** What the fault engine needs to know about a request: no HTTP framework types. */
export interface FaultRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  operationId?: string;
  /** Path parameters of the operation (`id`, `hint`). */
  params: Readonly<Record<string, string>>;
  header(name: string): string | undefined;
  /** Only rules that name the request (an operationId or a path) apply: the token endpoint, outside the contract. */
  namedOnly?: boolean;
}

export type FaultAction =
  /** Answer with this status; without `body` the API's error body for the status. */
  | { kind: 'respond'; status: number; headers: Readonly<Record<string, string>>; body?: unknown }
  /** Drop the connection without an answer. */
  | { kind: 'reset' }
  /** Answer with a JSON content type and a body that is not valid JSON. */
  | { kind: 'malformed-json'; status: number; headers: Readonly<Record<string, string>>; body?: string };

export interface FaultDecision {
  /** Latency to add before answering (the sum over every rule that fired). */
  delayMs: number;
  /** The rule that decides the answer; absent when only latency rules fired (the request then proceeds). */
  ruleId?: string;
  action?: FaultAction;
  /** Ids of every rule that fired, in evaluation order. */
  fired: string[];
}

/** A rule as listed by GET /__mock/faults. */
export interface FaultRuleView extends FaultRule {
  /** How many requests it has affected. */
  hits: number;
  /** Requests it will still affect; null when unlimited. */
  remaining: number | null;
}

export class FaultRuleConflict extends Error {
  override name = 'FaultRuleConflict';
}

/**
 * Every request is matched against every rule, so what one request can cost is bounded by the
 * rule set as a whole: at most MAX_RULES rules, whose path automata hold at most
 * MAX_TOTAL_PATH_STATES states together (one pattern may use them all). Matching is linear in
 * the path, with these states as the factor: 0.2 to 0.45 s for the worst 10,000 on a 16 KB path
 * (measured here), a few microseconds for the patterns rules are written with.
 */
export const MAX_RULES = 1000;
export const MAX_TOTAL_PATH_STATES = 10_000;

/** The seed of a rule with a `probability` and no `seed`: runs repeat unless asked otherwise. */
export const DEFAULT_SEED = 1;

class ActiveRule {
  remaining: number | undefined;
  hits = 0;
  private readonly random?: () => number;
  /** Linear-time in the path (see path-pattern.ts): it runs on every request while the rule exists. */
  private readonly pathPattern?: PathPattern;
  private readonly headerName?: string;
  readonly action?: FaultAction;

  constructor(readonly rule: FaultRule) {
    this.remaining = rule.times;
    if (rule.probability !== undefined) this.random = mulberry32(rule.seed ?? DEFAULT_SEED);
    if (rule.path !== undefined) this.pathPattern = compilePathPattern(rule.path);
    this.headerName = rule.header?.name.toLowerCase();
    if (rule.connection === 'reset') this.action = { kind: 'reset' };
    else if (rule.connection === 'malformed-json') {
      this.action = { kind: 'malformed-json', status: rule.status ?? 200, headers: rule.headers ?? {}, body: rule.body as string | undefined };
    } else if (rule.status !== undefined) {
      this.action = { kind: 'respond', status: rule.status, headers: rule.headers ?? {}, body: rule.body };
    }
  }

  /** The factor this rule adds to the cost of matching a request: its path automaton's states. */
  get pathStates(): number {
    return this.pathPattern?.stateCount ?? 0;
  }

  matches(request: FaultRequest): boolean {
    const rule = this.rule;
    if (request.namedOnly && rule.operationId === undefined && !this.pathPattern) return false;
    if (rule.operationId !== undefined && rule.operationId !== request.operationId) return false;
    if (rule.method !== undefined && rule.method !== request.method) return false;
    if (rule.clientId !== undefined && rule.clientId !== request.params.id) return false;
    if (this.pathPattern && !this.pathPattern.test(request.path)) return false;
    if (this.headerName !== undefined && request.header(this.headerName) !== rule.header!.value) return false;
    return true;
  }

  /** Called only for matching requests, so unrelated traffic never shifts the random sequence. */
  fires(): boolean {
    return this.random === undefined || this.random() < this.rule.probability!;
  }

  view(): FaultRuleView {
    return { ...this.rule, hits: this.hits, remaining: this.remaining ?? null };
  }
}

/**
 * The fault rules of one mock, in creation order. `decide` is synchronous: a rule's `times`
 * is counted down at the moment it matches, before the caller awaits anything, so "the next
 * N requests" is exact however many requests arrive at once.
 */
export class FaultEngine {
  private rules: ActiveRule[] = [];
  private counter = 0;
  private changes = 0;

  constructor(private readonly operationIds: readonly string[]) {}

  /** True when there is no rule at all: the request path can skip the fault step. */
  get isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /** Bumped when a rule is added or removed and when one fires (its hits change). */
  get version(): number {
    return this.changes;
  }

  /** Validates and adds a rule; FaultRuleError for a bad one, FaultRuleConflict for a taken id. */
  add(input: unknown, root = 'rule'): FaultRuleView {
    const rule = this.validate(input, root, new Set());
    const active = new ActiveRule(rule);
    admit([...this.rules, active], root);
    this.rules.push(active);
    this.changes++;
    return active.view();
  }

  /** Replaces every rule with these (all validated first: a bad one changes nothing). */
  replaceAll(inputs: readonly unknown[], root = 'faults'): FaultRuleView[] {
    const previous = this.rules;
    this.rules = [];
    try {
      const taken = new Set<string>();
      const rules = inputs.map((input, i) => this.validate(input, `${root}[${i}]`, taken));
      const active = rules.map((rule) => new ActiveRule(rule));
      admit(active, root);
      this.rules = active;
      this.changes++;
      return this.list();
    } catch (error) {
      this.rules = previous;
      throw error;
    }
  }

  /** Back to these rules, as at start: generated ids count from fault-1 again (skipping taken ones). */
  resetTo(inputs: readonly unknown[]): FaultRuleView[] {
    this.counter = 0;
    return this.replaceAll(inputs);
  }

  list(): FaultRuleView[] {
    return this.rules.map((r) => r.view());
  }

  /** The rules as defined (ids included, counters not), e.g. to restore them on reset. */
  definitions(): FaultRule[] {
    return this.rules.map((r) => r.rule);
  }

  get(id: string): FaultRuleView | undefined {
    return this.rules.find((r) => r.rule.id === id)?.view();
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.rule.id !== id);
    if (this.rules.length === before) return false;
    this.changes++;
    return true;
  }

  clear(): void {
    this.rules = [];
    this.changes++;
  }

  /**
   * The first matching rule that fires decides the answer; latency-only rules that fire
   * before it add their delay. Undefined when no rule fired.
   */
  decide(request: FaultRequest): FaultDecision | undefined {
    let delayMs = 0;
    let fired: string[] | undefined;
    for (const active of this.rules) {
      if (active.remaining === 0 || !active.matches(request) || !active.fires()) continue;
      if (active.remaining !== undefined) active.remaining--;
      active.hits++;
      if (fired === undefined) this.changes++;
      (fired ??= []).push(active.rule.id);
      delayMs += active.rule.delayMs ?? 0;
      if (active.action) return { delayMs, ruleId: active.rule.id, action: active.action, fired };
    }
    return fired && { delayMs, fired };
  }

  private validate(input: unknown, root: string, taken: Set<string>): FaultRule {
    const parsed = parseFaultRule(input, this.operationIds, root);
    if (parsed.id !== undefined && (taken.has(parsed.id) || this.rules.some((r) => r.rule.id === parsed.id))) {
      throw new FaultRuleConflict(`A fault rule with id "${parsed.id}" already exists.`);
    }
    let id = parsed.id;
    while (id === undefined || taken.has(id) || this.rules.some((r) => r.rule.id === id)) id = `fault-${++this.counter}`;
    taken.add(id);
    return { id, ...withoutId(parsed) };
  }
}

/** Refuses a rule set over the bounds (see MAX_RULES); `root` names what was being added. */
function admit(rules: readonly ActiveRule[], root: string): void {
  if (rules.length > MAX_RULES) throw new FaultRuleError(`${root} would make ${rules.length} fault rules; at most ${MAX_RULES} may exist at once (remove some first).`);
  const states = rules.reduce((sum, rule) => sum + rule.pathStates, 0);
  if (states > MAX_TOTAL_PATH_STATES) {
    throw new FaultRuleError(
      `${root} would bring the path patterns of the fault rules to ${states} automaton states; at most ${MAX_TOTAL_PATH_STATES} are allowed for all rules together, as every request is matched against each (remove a rule with a path, or simplify a path).`,
    );
  }
}

const withoutId = ({ id: _id, ...rest }: FaultRuleInput): Omit<FaultRuleInput, 'id'> => rest;

export { FaultRuleError };
