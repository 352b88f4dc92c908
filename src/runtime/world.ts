import { randomBytes } from 'node:crypto';
import { IdentityRegistry, IssuedTokens, type IdentityConfig } from '../domain/identities.js';
import type { Entropy } from '../domain/ids.js';
import { FaultEngine } from '../faults/engine.js';
import type { FaultRule } from '../faults/rules.js';
import { RateLimits, type RateLimitSettings } from '../faults/rate-limit.js';
import type { Scenario } from '../faults/scenarios.js';
import { DEFAULT_JOURNAL_LIMIT, JOURNAL_MAX_BYTES, RequestJournal } from '../journal/journal.js';
import { OAuthClientsService } from '../service/oauth-clients.js';
import { TokenService } from '../service/tokens.js';
import type { ClientStore, Snapshot } from '../store/types.js';

/** What every world of a mock shares: set once when the mock starts. */
export interface WorldSetup {
  entropy: Entropy;
  /** Every operationId fault rules may name. */
  operationIds: readonly string[];
  /** The identities the mock was configured with, before any scenario. */
  identities: IdentityConfig;
  /** Rate limits as configured (`--rate-limits`), before any scenario. */
  rateLimits: RateLimitSettings | undefined;
  /** Signs paging cursors; the same for every world (a cursor also names its world). */
  cursorSecret: string;
  /** Signs the access tokens of every world (a token also names its world). */
  tokenKey: string;
  journalLimit?: number;
  scenario(name: string): Scenario;
  /** A scenario's clients for an owner (faker data generated once per mock and reused). */
  scenarioData(scenario: Scenario, owner: IdentityConfig['default']): Snapshot;
}

/** Each part of a world that the change feed watches, by its version: a part whose version moved has changed. */
export interface WorldVersions {
  data: number;
  journal: number;
  faults: number;
}

/** What a `change` event of GET /__mock/events carries: the world's versions and the sessions'. */
export interface ChangeVersions extends WorldVersions {
  sessions: number;
}

export class UnknownScenarioError extends Error {
  override name = 'UnknownScenarioError';
}

/** What `reset()` goes back to. */
interface StartState {
  identities: IdentityRegistry;
  faults: FaultRule[];
  rateLimits?: RateLimitSettings;
}

/**
 * One whole mock world: its clients, who its tokens are, its fault rules with their counters,
 * rate-limit windows, request journal and issued tokens. A mock has one (the default session)
 * and may hold more, isolated from each other (sessions).
 */
export class MockWorld {
  readonly service: OAuthClientsService;
  /** POST /oauth/token; the tokens it issued, and who each acts as, until a reset. */
  readonly tokens: TokenService;
  readonly issuedTokens = new IssuedTokens();
  /** Who the bearer tokens are; replaced when a scenario is applied. */
  identities: IdentityRegistry;
  /** Fault rules (POST /__mock/faults, scenarios). */
  readonly faults: FaultEngine;
  /** The last API requests, for GET /__mock/requests. */
  readonly journal: RequestJournal;
  readonly rateLimits: RateLimits;
  /** The data as the world started, for reset. */
  readonly initialData: Snapshot;
  private readonly start: StartState;

  constructor(
    readonly store: ClientStore,
    private readonly setup: WorldSetup,
    /** A scenario applied at start (its data is already in the store: see MockRuntime.seedData). */
    startScenario?: Scenario,
    /** The session's name; '' for the default world. */
    readonly name = '',
  ) {
    this.service = new OAuthClientsService(store, setup.entropy, setup.cursorSecret, name);
    this.tokens = new TokenService(store, setup.entropy, setup.tokenKey, name);
    this.identities = this.registry(setup.identities);
    // Records are never changed in place (a change puts a new object) and replace() copies what
    // it loads, so the starting records can be kept by reference: no second copy of the data.
    this.initialData = store.snapshotByReference();
    this.faults = new FaultEngine(setup.operationIds);
    this.journal = new RequestJournal(setup.journalLimit ?? DEFAULT_JOURNAL_LIMIT, JOURNAL_MAX_BYTES, name || 'default');
    this.rateLimits = new RateLimits(() => setup.entropy.now(), setup.rateLimits);
    if (startScenario) this.applySettings(startScenario);
    this.start = { identities: this.identities, faults: this.faults.definitions(), rateLimits: this.rateLimits.settings };
  }

  /** What the change feed (GET /__mock/events) watches: each part's version moves when it changes. */
  get versions(): WorldVersions {
    return { data: this.store.version, journal: this.journal.version, faults: this.faults.version };
  }

  /** Replaces all stored data (validated by the caller); new timestamps stay after the loaded ones. */
  replaceData(snapshot: Snapshot): void {
    this.store.replace(snapshot);
    this.service.observeClock();
  }

  /**
   * Applies a scenario: its data (if it has some) replaces the stored data, its identities are
   * added to the starting ones, its fault rules replace the current rules and its rate limits
   * (or the mock's own setting) come into force with fresh counters. The journal is kept.
   */
  applyScenario(name: string): Scenario {
    const scenario = this.setup.scenario(name);
    this.applySettings(scenario);
    if (scenario.data) this.replaceData(this.setup.scenarioData(scenario, this.identities.config.default));
    return scenario;
  }

  /** Back to how the world started: data, identities (issued tokens forgotten), fault rules (with fresh counters), rate limits; an empty journal. */
  reset(): void {
    this.replaceData(this.initialData);
    this.identities = this.start.identities;
    this.issuedTokens.clear();
    this.faults.resetTo(this.start.faults);
    this.rateLimits.set(this.start.rateLimits);
    this.journal.clear();
  }

  private registry(config: IdentityConfig): IdentityRegistry {
    return new IdentityRegistry(config, this.issuedTokens, (token) => this.tokens.isForeign(token));
  }

  private applySettings(scenario: Scenario): void {
    const base = this.setup.identities;
    this.identities = this.registry({ default: scenario.identities?.default ?? base.default, tokens: { ...base.tokens, ...scenario.identities?.tokens } });
    this.faults.replaceAll(scenario.faults);
    const limits = scenario.rateLimits;
    this.rateLimits.set(limits === undefined ? this.setup.rateLimits : limits === true ? { tiers: {} } : { tiers: { ...limits.tiers } });
  }
}

/** A random secret (for paging cursors, unless the options give one, and for access tokens). */
export const newSecret = (): string => randomBytes(32).toString('hex');
