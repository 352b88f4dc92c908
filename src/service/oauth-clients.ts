import { applyPatch, buildClient, checkCreateRules } from '../domain/clients.js';
import { forbidden, invalid, notFound } from '../domain/errors.js';
import { Clock, newClientId, type Entropy } from '../domain/ids.js';
import { canHaveSecrets, issueSecret, withoutSecret } from '../domain/secrets.js';
import { publishable } from '../domain/sharing.js';
import type {
  ConnectionConfigView,
  ConsentMethod,
  CreateInput,
  Identity,
  PatchOperation,
  StoredClient,
  StoredConnectionConfig,
  StoredSecret,
} from '../domain/types.js';
import { ownerConfigView, storedConfigView } from '../domain/views.js';
import { decodeCursor, encodeCursor, queryFingerprint, type CursorPosition } from '../query/cursor.js';
import { compileFilter, type FilterAttribute } from '../query/filter.js';
import { paginate } from '../query/page.js';
import { sortKeyValue, type SortSpec } from '../query/sort.js';
import type { SortedIndex } from '../query/sorted-index.js';
import { tenantClientKey, type ClientStore } from '../store/types.js';

export interface ListQuery {
  filter?: string;
  /** The attributes the caller's API allows in `filter`. */
  filterAttributes: readonly FilterAttribute[];
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

/**
 * Which clients a caller sees: `own`, its tenant's (the core API, and users who are not admins);
 * `shared`, also the clients other tenants published (a tenant admin on the v1 API).
 */
export type Visibility = 'own' | 'shared';

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
 * The operations of both APIs: domain rules over a store. Every check and change of one request
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
    /** Names the world the cursors belong to: a cursor of one world is refused by another. */
    private readonly world = '',
  ) {
    this.clock = new Clock(entropy);
    this.observeClock();
  }

  /** After data is loaded or replaced: new timestamps must come after every stored one. */
  observeClock(): void {
    for (const client of this.store.clients()) {
      this.clock.observe(client.createdAt);
      this.clock.observe(client.updatedAt);
      if (client.publishedAt) this.clock.observe(client.publishedAt);
    }
  }

  list(identity: Identity, query: ListQuery, visibility: Visibility = 'own'): ListResult {
    const index = visibility === 'shared' ? this.store.visibleIndex(identity.tenantId, query.sort.key) : this.store.index(identity.tenantId, query.sort.key);
    return this.page(index, [identity.tenantId, visibility], query, (client) => client.clientId);
  }

  /** Every tenant's clients, filtered and paged as a list is (the control API's view of the store). */
  listAll(query: ListQuery): ListResult {
    return this.page(this.store.allIndex(query.sort.key), ['', 'all'], query, tenantClientKey);
  }

  /** A page of an index; `scope` (with the world, filter and sort) is what a cursor is bound to. */
  private page(index: SortedIndex<StoredClient>, scope: readonly string[], query: ListQuery, idOf: (client: StoredClient) => string): ListResult {
    const match = query.filter === undefined ? () => true : compileFilter(query.filter, query.filterAttributes);
    const parts = [this.world, ...scope, query.filter ?? '', query.sort.text];
    const fingerprint = memo(this.fingerprints, JSON.stringify(parts), () => queryFingerprint(parts));
    const page = paginate({
      index,
      descending: query.sort.descending,
      match,
      limit: query.limit,
      after: query.next === undefined ? undefined : decodeCursor(query.next, 'next', fingerprint, this.cursorSecret),
      before: query.prev === undefined ? undefined : decodeCursor(query.prev, 'prev', fingerprint, this.cursorSecret),
      countTotal: query.totalResults,
    });
    const cursor = (dir: 'next' | 'prev', client: StoredClient): string => {
      const position: CursorPosition = { key: sortKeyValue(query.sort.key, client), id: idOf(client) };
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

  /** A client the caller may read: its tenant's, or (visibility `shared`) one another tenant published. */
  get(identity: Identity, clientId: string, visibility: Visibility = 'own'): StoredClient {
    const client = this.store.get(identity.tenantId, clientId) ?? (visibility === 'shared' ? this.store.getPublished(identity.tenantId, clientId) : undefined);
    if (!client) throw notFound(`OAuth client "${clientId}" was not found.`);
    return client;
  }

  /**
   * A client the caller may change: only its own tenant's. With visibility `shared`, another
   * tenant's published client is a 403 (visible, but not the caller's to change), else a 404.
   */
  owned(identity: Identity, clientId: string, visibility: Visibility = 'own'): StoredClient {
    const client = this.get(identity, clientId, visibility);
    if (client.tenantId !== identity.tenantId) {
      throw forbidden(`OAuth client "${clientId}" was published by another tenant; only its own tenant can change it.`);
    }
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

  /**
   * Applies a JSON Patch, all or nothing. A patch that makes a web client authenticate with
   * `client_secret` when it did not, and that holds no secret, generates one, returned once.
   * Secrets kept while `client_secret` was off work again instead: a PATCH has no 409 to give.
   */
  async patch(identity: Identity, clientId: string, operations: readonly PatchOperation[], visibility: Visibility = 'own'): Promise<{ secret?: string }> {
    const client = this.owned(identity, clientId, visibility);
    const now = this.clock.next();
    let next = applyPatch(client, operations, now);
    let secret: string | undefined;
    if (canHaveSecrets(next) && !canHaveSecrets(client) && next.secrets.length === 0) {
      const issued = issueSecret(next, { entropy: this.entropy, now, by: identity });
      next = { ...next, secrets: [...next.secrets, issued.record] };
      secret = issued.plaintext;
    }
    this.store.put(next);
    await this.store.flush();
    return { secret };
  }

  /**
   * Deletes a client. Other tenants' configs for a published client stay readable, marked
   * `deletedByOwner` (docs/FACTS-v1.md); the others go with it.
   */
  async delete(identity: Identity, clientId: string, visibility: Visibility = 'own'): Promise<void> {
    const client = this.owned(identity, clientId, visibility);
    this.store.delete(identity.tenantId, clientId);
    for (const config of this.store.configsOf(clientId)) {
      if (client.publishedAt !== undefined && config.tenantId !== client.tenantId && !config.deleted) this.store.putConfig({ ...config, deletedByOwner: true });
      else this.store.deleteConfig(clientId, config.tenantId);
    }
    await this.store.flush();
  }

  async createSecret(identity: Identity, clientId: string, visibility: Visibility = 'own'): Promise<CreatedSecret> {
    const client = this.owned(identity, clientId, visibility);
    const issued = issueSecret(client, { entropy: this.entropy, now: this.clock.next(), by: identity });
    this.store.put({ ...client, secrets: [...client.secrets, issued.record] });
    await this.store.flush();
    return { clientId, record: issued.record, plaintext: issued.plaintext };
  }

  async deleteSecret(identity: Identity, clientId: string, hint: string, visibility: Visibility = 'own'): Promise<void> {
    this.store.put(withoutSecret(this.owned(identity, clientId, visibility), hint));
    await this.store.flush();
  }

  /** Shares a client with every tenant (v1): 400 for an app type that cannot be, or one already published. */
  async publish(identity: Identity, clientId: string): Promise<string> {
    const client = this.owned(identity, clientId, 'shared');
    const reason = publishable(client);
    if (reason) throw invalid(reason);
    const now = this.clock.next();
    this.store.put({ ...client, publishedAt: now, updatedAt: now });
    await this.store.flush();
    return now;
  }

  /**
   * The calling tenant's connection config for a client (`/connection-configs/me`). The owning
   * tenant's is implicit; another tenant's is made on its first read (chosen, docs/FACTS-v1.md).
   * A config deleted by its tenant is 404 until patched; after the owner deleted a published
   * client, other tenants still read theirs, marked `deletedByOwner`.
   */
  async readConfig(identity: Identity, clientId: string, visibility: Visibility = 'shared'): Promise<ConnectionConfigView> {
    const stored = this.store.config(clientId, identity.tenantId);
    const client = this.visibleForConfig(identity, clientId, stored, visibility);
    if (stored?.deleted) throw notFound(`The tenant has no connection config for OAuth client "${clientId}"; it was deleted (a PATCH makes a new one).`);
    if (stored) return storedConfigView(stored);
    if (client!.tenantId === identity.tenantId) return ownerConfigView(client!);
    const made: StoredConnectionConfig = { clientId, tenantId: identity.tenantId, consentMethod: 'required' };
    this.store.putConfig(made);
    await this.store.flush();
    return storedConfigView(made);
  }

  /** Sets the calling tenant's consent method: the owner's is the client's own; another tenant's config is approved by it. */
  async patchConfig(identity: Identity, clientId: string, consentMethod: ConsentMethod): Promise<void> {
    const client = this.get(identity, clientId, 'shared');
    if (client.tenantId === identity.tenantId) {
      this.store.deleteConfig(clientId, identity.tenantId);
      if (client.connectionConfig.consentMethod !== consentMethod) {
        this.store.put({ ...client, connectionConfig: { consentMethod }, updatedAt: this.clock.next() });
      }
    } else {
      this.store.putConfig({ clientId, tenantId: identity.tenantId, consentMethod, status: 'approved' });
    }
    await this.store.flush();
  }

  /** Deletes the calling tenant's config (it stops using the client): 404 when there is none. */
  async deleteConfig(identity: Identity, clientId: string): Promise<void> {
    const stored = this.store.config(clientId, identity.tenantId);
    const client = this.visibleForConfig(identity, clientId, stored, 'shared');
    if (stored?.deleted || (!stored && client!.tenantId !== identity.tenantId)) {
      throw notFound(`The tenant has no connection config for OAuth client "${clientId}".`);
    }
    // A config of a deleted client simply goes; otherwise a marker keeps reads at 404 until a patch.
    if (!client) this.store.deleteConfig(clientId, identity.tenantId);
    else this.store.putConfig({ clientId, tenantId: identity.tenantId, consentMethod: stored?.consentMethod ?? client.connectionConfig.consentMethod, deleted: true });
    await this.store.flush();
  }

  /** The client a config belongs to; undefined only for a config its owner's deletion left behind. */
  private visibleForConfig(identity: Identity, clientId: string, stored: StoredConnectionConfig | undefined, visibility: Visibility): StoredClient | undefined {
    if (stored?.deletedByOwner) return undefined;
    return this.get(identity, clientId, visibility);
  }
}
