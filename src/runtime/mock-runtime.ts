import { randomBytes } from 'node:crypto';
import { loadContract, type Contract } from '../contract/document.js';
import { compileValidators, type ContractValidators } from '../contract/validators.js';
import { loadDefaultIdentities, loadDefaultSnapshot } from '../data/fixtures.js';
import { fakeClients } from '../data/faker.js';
import { IdentityRegistry, type IdentityConfig } from '../domain/identities.js';
import { systemEntropy, type Entropy } from '../domain/ids.js';
import type { LogLevel, LogSink } from '../http/logging.js';
import { OperationResolver } from '../http/operations.js';
import { OAuthClientsService } from '../service/oauth-clients.js';
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
}

/** Everything one running mock holds: the contract, its data and the services over them. */
export class MockRuntime {
  readonly contract: Contract;
  readonly validators: ContractValidators;
  readonly resolver: OperationResolver;
  readonly service: OAuthClientsService;
  readonly identities: IdentityRegistry;
  readonly publicBaseUrl?: string;
  /** The data as the mock started, for reset. */
  readonly initialData: Snapshot;

  constructor(
    readonly store: ClientStore,
    readonly options: MockOptions,
  ) {
    this.contract = loadContract();
    this.validators = compileValidators(this.contract);
    this.resolver = new OperationResolver(this.contract.operations);
    this.identities = new IdentityRegistry(options.identities ?? loadDefaultIdentities());
    this.publicBaseUrl = options.publicBaseUrl;
    this.service = new OAuthClientsService(store, options.entropy ?? systemEntropy, options.cursorSecret ?? randomBytes(32).toString('hex'));
    this.initialData = store.snapshot();
  }

  /** The data a fresh mock starts with, for these options. */
  static seedData(options: MockOptions): Snapshot {
    const base = options.data ?? loadDefaultSnapshot();
    if (!options.seedCount) return base;
    const identities = options.identities ?? loadDefaultIdentities();
    return { version: 1, clients: [...base.clients, ...fakeClients(options.seedCount, identities.default, options.fakerSeed)] };
  }

  /** A mock in memory, ready at once (no I/O but reading the embedded files). */
  static inMemory(options: MockOptions = {}): MockRuntime {
    return new MockRuntime(new MemoryStore(MockRuntime.seedData(options)), options);
  }

  /** A mock on a lowdb JSON file; a new file is created with the seed data. */
  static async onFile(file: string, options: MockOptions = {}): Promise<MockRuntime> {
    return new MockRuntime(await LowdbStore.open(file, () => MockRuntime.seedData(options)), options);
  }
}
