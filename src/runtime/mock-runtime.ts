import { randomBytes } from 'node:crypto';
import { loadContract, type Contract } from '../contract/document.js';
import { compileValidators, type ContractValidators } from '../contract/validators.js';
import { loadDefaultIdentities, loadDefaultSnapshot } from '../data/fixtures.js';
import { fakeClients } from '../data/faker.js';
import { IdentityRegistry, IssuedTokens, type IdentityConfig } from '../domain/identities.js';
import { systemEntropy, type Entropy } from '../domain/ids.js';
import type { StoredClient } from '../domain/types.js';
import { FaultEngine } from '../faults/engine.js';
import type { FaultRule } from '../faults/rules.js';
import { RateLimiter } from '../faults/rate-limit.js';
import { loadScenarios, SCENARIOS_DIR, type Scenario } from '../faults/scenarios.js';
import type { OpenApiOperation } from '../contract/document.js';
import { DEFAULT_JOURNAL_LIMIT, RequestJournal } from '../journal/journal.js';
import type { LogLevel, LogSink } from '../http/logging.js';
import { OperationResolver, TOKEN_OPERATION } from '../http/operations.js';
import { OAuthClientsService } from '../service/oauth-clients.js';
import { TokenService } from '../service/tokens.js';
import { LowdbStore } from '../store/lowdb.js';
import { MemoryStore } from '../store/memory.js';
import type { ClientStore, Snapshot } from '../store/types.js';

export interface MockOptions {
  /** Initial data; defaults to the embedded fixtures. */
  data?: Snapshot;
  /** Add this many faker-generated clients to the default tenant. */
  seedCount?: number;
  /** Makes faker data repeatable. */
  fakerSeed?: number;
  /** Origin for absolute paging links, e.g. https://mock.example.com (else taken from the request). */
  publicBaseUrl?: string;
  identities?: IdentityConfig;
  /** Secret that signs paging cursors; random per process unless given. */
  cursorSecret?: string;
  entropy?: Entropy;
  /** Request log level; silent unless asked for (the CLI defaults to info). */
  logLevel?: LogLevel;
  /** Where log lines go (default stdout). */
  logSink?: LogSink;
  /** Allowed CORS origins; any origin when absent or empty. */
  corsOrigins?: string[];
  /** When set, the control API requires `Authorization: Bearer <controlToken>`. */
  controlToken?: string;
  /** Apply this scenario (a file of `scenariosDir`, without `.json`) at start. */
  scenario?: string;
  /** Enforce each operation's `x-qlik-tier` limit per identity (off by default). */
  rateLimits?: boolean;
  /** Where scenario files are read from; defaults to the top-level scenarios/ folder. */
  scenariosDir?: string;
  /** How many API requests the journal keeps (default 1000). */
  journalLimit?: number;
}

/** Rate limiting in force: requests per minute by tier, overriding the document's where given. */
export interface RateLimitSettings {
  tiers: Record<string, number>;
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

/** Everything one running mock holds: the contract, its data and the services over them. */
export class MockRuntime {
  readonly contract: Contract;
  readonly validators: ContractValidators;
  readonly resolver: OperationResolver;
  readonly service: OAuthClientsService;
  /** POST /oauth/token; the tokens it issued, and who each acts as, until a reset. */
  readonly tokens: TokenService;
  readonly issuedTokens = new IssuedTokens();
  /** Who the bearer tokens are; replaced when a scenario is applied. */
  identities: IdentityRegistry;
  readonly publicBaseUrl?: string;
  /** The data as the mock started, for reset. */
  readonly initialData: Snapshot;
  /** Fault rules (POST /__mock/faults, scenarios). */
  readonly faults: FaultEngine;
  /** The last API requests, for GET /__mock/requests. */
  readonly journal: RequestJournal;
  /** The scenario files, read and validated on first use (see `loadsScenariosAtStart`). */
  get scenarios(): ReadonlyMap<string, Scenario> {
    return (this.loadedScenarios ??= MockRuntime.loadScenarios(this.options));
  }
  private loadedScenarios?: ReadonlyMap<string, Scenario>;
  readonly rateLimiter: RateLimiter;
  /** Undefined while rate limiting is off. */
  rateLimits?: RateLimitSettings;
  /** The identities the mock was configured with, before any scenario. */
  private readonly baseIdentities: IdentityConfig;
  private readonly start: StartState;
  private readonly fakerCache = new Map<string, StoredClient[]>();

  constructor(
    readonly store: ClientStore,
    readonly options: MockOptions,
    scenarios?: ReadonlyMap<string, Scenario>,
  ) {
    this.contract = loadContract();
    this.validators = compileValidators(this.contract);
    const operations = MockRuntime.operations(this.contract);
    this.resolver = new OperationResolver(operations);
    this.baseIdentities = options.identities ?? loadDefaultIdentities();
    this.identities = new IdentityRegistry(this.baseIdentities, this.issuedTokens);
    this.publicBaseUrl = options.publicBaseUrl;
    const entropy = options.entropy ?? systemEntropy;
    this.service = new OAuthClientsService(store, entropy, options.cursorSecret ?? randomBytes(32).toString('hex'));
    this.tokens = new TokenService(store, entropy);
    // Records are never changed in place (a change puts a new object) and replace() copies what
    // it loads, so the starting records can be kept by reference: no second copy of the data.
    this.initialData = { version: 1, clients: store.clients() };
    this.loadedScenarios = scenarios;
    this.faults = new FaultEngine(operations.map((op) => op.operationId));
    this.journal = new RequestJournal(options.journalLimit ?? DEFAULT_JOURNAL_LIMIT);
    this.rateLimiter = new RateLimiter(() => entropy.now());
    this.rateLimits = this.configuredRateLimits();
    // The starting scenario's data is the seed (see seedData); here its identities, faults and limits.
    if (options.scenario !== undefined) this.applySettings(MockRuntime.scenario(this.scenarios, options.scenario));
    this.start = { identities: this.identities, faults: this.faults.definitions(), rateLimits: this.rateLimits };
  }

  /** Reads and validates every scenario file; throws naming the file and field of a bad one. */
  static loadScenarios(options: MockOptions): Map<string, Scenario> {
    const operationIds = MockRuntime.operations(loadContract()).map((op) => op.operationId);
    return loadScenarios(options.scenariosDir ?? SCENARIOS_DIR, operationIds, options.scenariosDir !== undefined);
  }

  /** What requests can be: the contract's operations and the token endpoint. */
  private static operations(contract: Contract): OpenApiOperation[] {
    return [...contract.operations, TOKEN_OPERATION];
  }

  private static scenario(scenarios: ReadonlyMap<string, Scenario>, name: string): Scenario {
    const scenario = scenarios.get(name);
    if (!scenario) {
      throw new UnknownScenarioError(`Unknown scenario "${name}"; available: ${[...scenarios.keys()].join(', ') || 'none'}.`);
    }
    return scenario;
  }

  /** The data a fresh mock starts with, for these options (a starting scenario's data, if it has some). */
  static seedData(options: MockOptions, scenarios?: ReadonlyMap<string, Scenario>): Snapshot {
    const identities = options.identities ?? loadDefaultIdentities();
    let base = options.data ?? loadDefaultSnapshot();
    if (options.scenario !== undefined) {
      const scenario = MockRuntime.scenario(scenarios ?? MockRuntime.loadScenarios(options), options.scenario);
      const owner = scenario.identities?.default ?? identities.default;
      if (scenario.data) base = scenarioData(scenario, owner);
    }
    if (!options.seedCount) return base;
    return { version: 1, clients: [...base.clients, ...fakeClients(options.seedCount, identities.default, options.fakerSeed)] };
  }

  /**
   * Scenario files are read at start when a start needs one or they are the user's (a bad file
   * then stops the start, naming it); the bundled ones, checked by the tests, only when first
   * used: validating them cost ~15 ms of every start.
   */
  private static scenariosAtStart(options: MockOptions): ReadonlyMap<string, Scenario> | undefined {
    return options.scenario !== undefined || options.scenariosDir !== undefined ? MockRuntime.loadScenarios(options) : undefined;
  }

  /** A mock in memory, ready at once (no I/O but reading the embedded files). */
  static inMemory(options: MockOptions = {}): MockRuntime {
    const scenarios = MockRuntime.scenariosAtStart(options);
    return new MockRuntime(new MemoryStore(MockRuntime.seedData(options, scenarios)), options, scenarios);
  }

  /** A mock on a lowdb JSON file; a new file is created with the seed data (an existing file keeps its data). */
  static async onFile(file: string, options: MockOptions = {}): Promise<MockRuntime> {
    const scenarios = MockRuntime.scenariosAtStart(options);
    return new MockRuntime(await LowdbStore.open(file, () => MockRuntime.seedData(options, scenarios)), options, scenarios);
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
    const scenario = MockRuntime.scenario(this.scenarios, name);
    this.applySettings(scenario);
    if (scenario.data) this.replaceData(this.scenarioSnapshot(scenario));
    return scenario;
  }

  /** Back to how the mock started: data, identities (issued tokens forgotten), fault rules (with fresh counters), rate limits; an empty journal. */
  reset(): void {
    this.replaceData(this.initialData);
    this.identities = this.start.identities;
    this.issuedTokens.clear();
    this.faults.resetTo(this.start.faults);
    this.rateLimits = this.start.rateLimits;
    this.rateLimiter.clear();
    this.journal.clear();
  }

  /** The requests per minute allowed for an operation, or undefined while rate limiting is off. */
  rateLimitFor(operation: OpenApiOperation): number | undefined {
    if (!this.rateLimits || !operation.tier) return undefined;
    return this.rateLimits.tiers[operation.tier.tier] ?? operation.tier.limit;
  }

  private applySettings(scenario: Scenario): void {
    this.identities = new IdentityRegistry(
      {
        default: scenario.identities?.default ?? this.baseIdentities.default,
        tokens: { ...this.baseIdentities.tokens, ...scenario.identities?.tokens },
      },
      this.issuedTokens,
    );
    this.faults.replaceAll(scenario.faults);
    const limits = scenario.rateLimits;
    this.rateLimits = limits === undefined ? this.configuredRateLimits() : limits === true ? { tiers: {} } : { tiers: { ...limits.tiers } };
    this.rateLimiter.clear();
  }

  /** `rateLimits: true` in the options: every tier at the document's limit. */
  private configuredRateLimits(): RateLimitSettings | undefined {
    return this.options.rateLimits ? { tiers: {} } : undefined;
  }

  private scenarioSnapshot(scenario: Scenario): Snapshot {
    const owner = this.identities.config.default;
    if (scenario.data?.kind !== 'faker') return scenarioData(scenario, owner);
    // Generating thousands of clients takes a while: once per runtime is enough (replace copies them).
    const key = `${scenario.name}\u0000${owner.userId}\u0000${owner.tenantId}`;
    let clients = this.fakerCache.get(key);
    if (!clients) this.fakerCache.set(key, (clients = scenarioData(scenario, owner).clients));
    return { version: 1, clients };
  }
}

/** A scenario's clients: the embedded fixtures, its own list, or faker clients for `owner`. */
function scenarioData(scenario: Scenario, owner: IdentityConfig['default']): Snapshot {
  switch (scenario.data?.kind) {
    case 'clients':
      return scenario.data.snapshot;
    case 'faker':
      return { version: 1, clients: fakeClients(scenario.data.count, owner, scenario.data.seed) };
    default:
      return loadDefaultSnapshot();
  }
}
