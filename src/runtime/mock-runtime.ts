import { loadContract, type Contract, type ContractName } from '../contract/document.js';
import { TOKEN_OPERATION } from '../contract/operations.js';
import { requestValidators, type ContractValidators } from '../contract/validators.js';
import { loadDefaultIdentities, loadDefaultSnapshot } from '../data/fixtures.js';
import { fakeClients } from '../data/faker.js';
import type { IdentityConfig } from '../domain/identities.js';
import { systemEntropy } from '../domain/ids.js';
import type { StoredClient } from '../domain/types.js';
import { loadScenarios, SCENARIOS_DIR, type Scenario } from '../faults/scenarios.js';
import { MemoryStore } from '../store/memory.js';
import type { ClientStore, Snapshot } from '../store/types.js';
import type { MockOptions } from './options.js';
import { DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_TTL_MS, Sessions } from './sessions.js';
import { MockWorld, newSecret, UnknownScenarioError, type WorldSetup } from './world.js';

export { UnknownScenarioError } from './world.js';


/** Every operationId a fault rule or scenario may name: both contracts' and the token endpoint's. */
export function allOperationIds(): string[] {
  return [...loadContract('core').operations, ...loadContract('v1').operations, TOKEN_OPERATION].map((op) => op.operationId);
}

/**
 * One running mock: what its worlds share (the contracts and their validators, the scenario files,
 * the options) and its worlds: the default one, and a world per session.
 */
export class MockRuntime {
  readonly contracts: Readonly<Record<ContractName, Contract>>;
  readonly validators: Readonly<Record<ContractName, ContractValidators>>;
  readonly publicBaseUrl?: string;
  /** The default world: what requests without a session act on (the only one persisted with a data file). */
  readonly world: MockWorld;
  /** The default world and the named sessions (`x-mock-session`). */
  readonly sessions: Sessions;
  private loadedScenarios?: ReadonlyMap<string, Scenario>;
  private readonly fakerCache = new Map<string, StoredClient[]>();

  constructor(
    store: ClientStore,
    readonly options: MockOptions,
    scenarios?: ReadonlyMap<string, Scenario>,
  ) {
    this.contracts = { core: loadContract('core'), v1: loadContract('v1') };
    this.validators = { core: requestValidators(this.contracts.core), v1: requestValidators(this.contracts.v1) };
    this.publicBaseUrl = options.publicBaseUrl;
    this.loadedScenarios = scenarios;
    const setup: WorldSetup = {
      entropy: options.entropy ?? systemEntropy,
      operationIds: allOperationIds(),
      identities: options.identities ?? loadDefaultIdentities(),
      rateLimits: options.rateLimits ? { tiers: {} } : undefined,
      cursorSecret: options.cursorSecret ?? newSecret(),
      tokenKey: newSecret(),
      journalLimit: options.journalLimit,
      scenario: (name) => MockRuntime.scenario(this.scenarios, name),
      scenarioData: (scenario, owner) => this.scenarioSnapshot(scenario, owner),
    };
    // The starting scenario's data is the seed (see seedData); the world applies the rest of it.
    const startScenario = options.scenario === undefined ? undefined : setup.scenario(options.scenario);
    this.world = new MockWorld(store, setup, startScenario);
    // A session starts as the mock started (its starting scenario included), or as a scenario says.
    const session = (name: string, scenarioName?: string): MockWorld => {
      const scenario = scenarioName === undefined ? startScenario : setup.scenario(scenarioName);
      const owner = scenario?.identities?.default ?? setup.identities.default;
      const data = scenarioName !== undefined && scenario?.data ? setup.scenarioData(scenario, owner) : this.world.initialData;
      return new MockWorld(new MemoryStore(data), setup, scenario, name);
    };
    const entropy = setup.entropy;
    this.sessions = new Sessions(this.world, session, {
      max: options.maxSessions ?? DEFAULT_MAX_SESSIONS,
      ttlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
      now: () => entropy.now(),
    });
  }

  /** The scenario files, read and validated on first use (see `scenariosAtStart`). */
  get scenarios(): ReadonlyMap<string, Scenario> {
    return (this.loadedScenarios ??= MockRuntime.loadScenarios(this.options));
  }

  /**
   * Reads the scenario files again (hot reload): the new set replaces the old only when every file
   * is valid; otherwise the old set stays and the error (naming the file and field) is thrown.
   */
  reloadScenarios(): ReadonlyMap<string, Scenario> {
    this.loadedScenarios = MockRuntime.loadScenarios(this.options);
    return this.loadedScenarios;
  }

  /** Reads and validates every scenario file; throws naming the file and field of a bad one. */
  static loadScenarios(options: Pick<MockOptions, 'scenariosDir'>): Map<string, Scenario> {
    return loadScenarios(options.scenariosDir ?? SCENARIOS_DIR, allOperationIds(), options.scenariosDir !== undefined);
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
    return { ...base, clients: [...base.clients, ...fakeClients(options.seedCount, identities.default, options.fakerSeed)] };
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
    // lowdb is loaded only by mocks that persist.
    const { LowdbStore } = await import('../store/lowdb.js');
    return new MockRuntime(await LowdbStore.open(file, () => MockRuntime.seedData(options, scenarios)), options, scenarios);
  }

  private scenarioSnapshot(scenario: Scenario, owner: IdentityConfig['default']): Snapshot {
    if (scenario.data?.kind !== 'faker') return scenarioData(scenario, owner);
    // Generating thousands of clients takes a while: once per mock is enough (replace copies them).
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
