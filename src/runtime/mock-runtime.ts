import { loadContract, type Contract, type ContractName } from '../contract/document.js';
import { TOKEN_OPERATION } from '../contract/operations.js';
import { requestValidators, type ContractValidators } from '../contract/validators.js';
import { loadDefaultIdentities, loadDefaultSnapshot } from '../data/fixtures.js';
import { fakeClients } from '../data/faker.js';
import type { IdentityConfig } from '../domain/identities.js';
import { systemEntropy, type Entropy } from '../domain/ids.js';
import type { StoredClient } from '../domain/types.js';
import { loadScenarios, SCENARIOS_DIR, type Scenario } from '../faults/scenarios.js';
import { LowdbStore } from '../store/lowdb.js';
import { MemoryStore } from '../store/memory.js';
import type { ClientStore, Snapshot } from '../store/types.js';
import type { MockOptions } from './options.js';
import { MockWorld, newCursorSecret, UnknownScenarioError, type WorldSetup } from './world.js';

export { UnknownScenarioError } from './world.js';
export type { MockOptions } from './options.js';


/** Every operationId a fault rule or scenario may name: both contracts' and the token endpoint's. */
export function allOperationIds(): string[] {
  return [...loadContract('core').operations, ...loadContract('v1').operations, TOKEN_OPERATION].map((op) => op.operationId);
}

/**
 * One running mock: what its worlds share (the contracts and their validators, the scenario files,
 * the options) and its worlds. Today it has one, the default world.
 */
export class MockRuntime {
  readonly contracts: Readonly<Record<ContractName, Contract>>;
  readonly validators: Readonly<Record<ContractName, ContractValidators>>;
  readonly publicBaseUrl?: string;
  /** The default world: what requests without a session act on. */
  readonly world: MockWorld;
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
      cursorSecret: options.cursorSecret ?? newCursorSecret(),
      journalLimit: options.journalLimit,
      scenario: (name) => MockRuntime.scenario(this.scenarios, name),
      scenarioData: (scenario, owner) => this.scenarioSnapshot(scenario, owner),
    };
    // The starting scenario's data is the seed (see seedData); the world applies the rest of it.
    this.world = new MockWorld(store, setup, options.scenario === undefined ? undefined : setup.scenario(options.scenario));
  }

  /** The scenario files, read and validated on first use (see `scenariosAtStart`). */
  get scenarios(): ReadonlyMap<string, Scenario> {
    return (this.loadedScenarios ??= MockRuntime.loadScenarios(this.options));
  }

  /** Reads and validates every scenario file; throws naming the file and field of a bad one. */
  static loadScenarios(options: MockOptions): Map<string, Scenario> {
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
