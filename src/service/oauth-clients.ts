import { applyPatch, buildClient, checkCreateRules } from '../domain/clients.js';
import { notFound } from '../domain/errors.js';
import { Clock, newClientId, type Entropy } from '../domain/ids.js';
import { canHaveSecrets, issueSecret, withoutSecret } from '../domain/secrets.js';
import type { CreateInput, Identity, PatchOperation, StoredClient, StoredSecret } from '../domain/types.js';
import { decodeCursor, encodeCursor, queryFingerprint, type CursorPosition } from '../query/cursor.js';
import { compileFilter } from '../query/filter.js';
import { paginate } from '../query/page.js';
import { sortKeyValue, type SortSpec } from '../query/sort.js';
import type { ClientStore } from '../store/types.js';

export interface ListQuery {
  filter?: string;
  sort: SortSpec;
  limit: number;
  next?: string;
  prev?: string;
  totalResults: boolean;
}

export interface ListResult {
  items: StoredClient[];
  /** Opaque cursors for the neighbouring pages, present only when such a page exists. */
  next?: string;
  prev?: string;
  total?: number;
}

export interface CreatedClient {
  client: StoredClient;
  /** The first secret, for web clients that authenticate with one; shown once. */
  secret?: string;
}

export interface CreatedSecret {
  clientId: string;
  record: StoredSecret;
  plaintext: string;
}

const MEMO_SIZE = 1024;

/**
 * A bounded memo (the oldest entry goes first). A list request hashes its query and signs up to
 * two cursors; the crypto objects behind them were a quarter of its CPU (bench/ab.ts), and the
 * same pages are asked for again and again.
 */
function memo(cache: Map<string, string>, key: string, compute: () => string): string {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    if (cache.size >= MEMO_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, value);
  }
  return value;
}

/**
 * The API's operations: domain rules over a store. Every check and change of one request
 * happens synchronously before the first await, so concurrent requests can never interleave
 * inside an operation (which is what makes the 5-secret limit exact under races).
 */
export class OAuthClientsService {
  readonly clock: Clock;
  /** Fingerprints and cursor tokens are pure functions of their inputs; see `memo`. */
  private readonly fingerprints = new Map<string, string>();
  private readonly cursors = new Map<string, string>();

  constructor(
    readonly store: ClientStore,
    private readonly entropy: Entropy,
    private readonly cursorSecret: string,
  ) {
    this.clock = new Clock(entropy);
    this.observeClock();
  }

  /** After data is loaded or replaced: new timestamps must come after every stored one. */
  observeClock(): void {
    for (const client of this.store.clients()) {
      this.clock.observe(client.createdAt);
      this.clock.observe(client.updatedAt);
    }
  }

  list(identity: Identity, query: ListQuery): ListResult {
    const match = query.filter === undefined ? () => true : compileFilter(query.filter);
    const parts = [identity.tenantId, query.filter ?? '', query.sort.text];
    const fingerprint = memo(this.fingerprints, JSON.stringify(parts), () => queryFingerprint(parts));
    const page = paginate({
      index: this.store.index(identity.tenantId, query.sort.key),
      descending: query.sort.descending,
      match,
      limit: query.limit,
      after: query.next === undefined ? undefined : decodeCursor(query.next, 'next', fingerprint, this.cursorSecret),
      before: query.prev === undefined ? undefined : decodeCursor(query.prev, 'prev', fingerprint, this.cursorSecret),
      countTotal: query.totalResults,
    });
    const cursor = (dir: 'next' | 'prev', client: StoredClient): string => {
      const position: CursorPosition = { key: sortKeyValue(query.sort.key, client), id: client.clientId };
      const key = JSON.stringify([dir, fingerprint, position.key, position.id]);
      return memo(this.cursors, key, () => encodeCursor(dir, position, fingerprint, this.cursorSecret));
    };
    const first = page.items[0];
    const last = page.items[page.items.length - 1];
    return {
      items: page.items,
      next: page.hasNext && last ? cursor('next', last) : undefined,
      prev: page.hasPrev && first ? cursor('prev', first) : undefined,
      total: page.total,
    };
  }

  get(identity: Identity, clientId: string): StoredClient {
    const client = this.store.get(identity.tenantId, clientId);
    if (!client) throw notFound(`OAuth client "${clientId}" was not found.`);
    return client;
  }

  async create(identity: Identity, input: CreateInput): Promise<CreatedClient> {
    checkCreateRules(input);
    let clientId: string;
    do clientId = newClientId(this.entropy);
    while (this.store.get(identity.tenantId, clientId));
    const now = this.clock.next();
    let client = buildClient(input, { clientId, now, owner: identity });
    let secret: string | undefined;
    if (canHaveSecrets(client)) {
      const issued = issueSecret(client, { entropy: this.entropy, now, by: identity });
      client = { ...client, secrets: [issued.record] };
      secret = issued.plaintext;
    }
    this.store.put(client);
    await this.store.flush();
    return { client, secret };
  }

  async patch(identity: Identity, clientId: string, operations: readonly PatchOperation[]): Promise<void> {
    const client = this.get(identity, clientId);
    this.store.put(applyPatch(client, operations, this.clock.next()));
    await this.store.flush();
  }

  async delete(identity: Identity, clientId: string): Promise<void> {
    this.get(identity, clientId);
    this.store.delete(identity.tenantId, clientId);
    await this.store.flush();
  }

  async createSecret(identity: Identity, clientId: string): Promise<CreatedSecret> {
    const client = this.get(identity, clientId);
    const issued = issueSecret(client, { entropy: this.entropy, now: this.clock.next(), by: identity });
    this.store.put({ ...client, secrets: [...client.secrets, issued.record] });
    await this.store.flush();
    return { clientId, record: issued.record, plaintext: issued.plaintext };
  }

  async deleteSecret(identity: Identity, clientId: string, hint: string): Promise<void> {
    this.store.put(withoutSecret(this.get(identity, clientId), hint));
    await this.store.flush();
  }
}
