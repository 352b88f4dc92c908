import type { ControlClientView } from '../domain/views.js';
import type { FaultRuleView } from '../faults/engine.js';
import type { FaultRuleInput } from '../faults/rules.js';
import type { JournalEntry, JournalFilter } from '../journal/journal.js';
import type { SessionInfo } from '../runtime/sessions.js';
import type { ChangeVersions } from '../runtime/world.js';
import type { Snapshot } from '../store/types.js';

export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`control API answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'ControlError';
  }
}

export interface ClientsQuery {
  filter?: string;
  sort?: string;
  limit?: number;
  next?: string;
  prev?: string;
  totalResults?: boolean;
}

export interface ClientsPage {
  clients: ControlClientView[];
  next?: string;
  prev?: string;
  totalResults?: number;
}

/** `?name=value&…` of the given values, '' when there are none. */
function queryString(values: object): string {
  const query = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  return query.size ? `?${query}` : '';
}

/**
 * The control API (`/__mock`) as typed methods, for tests that run the mock in-process
 * (`startMock().control`) or against a container (`new ControlClient('http://localhost:8080')`).
 */
export class ControlClient {
  constructor(
    readonly baseUrl: string,
    private readonly options: { controlToken?: string; session?: string } = {},
  ) {}

  /** The same control API, acting on one session: every call carries `x-mock-session: <name>`. */
  session(name: string): ControlClient {
    return new ControlClient(this.baseUrl, { ...this.options, session: name });
  }

  private headers(json: boolean): Record<string, string> {
    const headers: Record<string, string> = {};
    if (json) headers['content-type'] = 'application/json';
    if (this.options.controlToken) headers.authorization = `Bearer ${this.options.controlToken}`;
    if (this.options.session !== undefined) headers['x-mock-session'] = this.options.session;
    return headers;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers = this.headers(body !== undefined);
    const response = await fetch(`${this.baseUrl}/__mock${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ControlError(response.status, parsed);
    return parsed as T;
  }

  health = () => this.call<{ status: string; clients: number }>('GET', '/health');
  /** State, faults and journal back to how the mock started. */
  reset = () => this.call<{ status: string; clients: number }>('POST', '/reset');
  getState = () => this.call<Snapshot>('GET', '/state');
  setState = (snapshot: Snapshot) => this.call<{ clients: number }>('PUT', '/state', snapshot);

  /** The stored clients of every tenant (filtered, sorted and paged as the API lists), secrets as hints only. */
  clients = (query: ClientsQuery = {}) => this.call<ClientsPage>('GET', `/clients${queryString(query)}`);

  addFault = (rule: FaultRuleInput) => this.call<FaultRuleView>('POST', '/faults', rule);
  listFaults = async () => (await this.call<{ faults: FaultRuleView[] }>('GET', '/faults')).faults;
  removeFault = (id: string) => this.call<void>('DELETE', `/faults/${encodeURIComponent(id)}`);
  clearFaults = () => this.call<void>('DELETE', '/faults');

  listScenarios = async () => (await this.call<{ scenarios: { name: string; description?: string }[] }>('GET', '/scenarios')).scenarios;
  applyScenario = (name: string) => this.call<{ scenario: string; clients: number; faults: string[] }>('POST', `/scenarios/${encodeURIComponent(name)}`);

  requests = async (filter: JournalFilter = {}) => (await this.call<{ requests: JournalEntry[] }>('GET', `/requests${queryString(filter)}`)).requests;
  /** One journal entry by id (404 when the journal no longer holds it). */
  request = (id: number) => this.call<JournalEntry>('GET', `/requests/${id}`);
  clearRequests = () => this.call<void>('DELETE', '/requests');

  /** Every operation a fault rule may name, with its method, path and API. */
  operations = async () => (await this.call<{ operations: { operationId: string; method: string; path: string; api: 'core' | 'v1' | 'mock' }[] }>('GET', '/operations')).operations;

  /**
   * The change feed (GET /__mock/events): the versions at once, then whenever the session's data,
   * journal or fault rules change or a session is made or ends. Ends when the loop breaks or `signal` aborts.
   */
  async *changes(signal?: AbortSignal): AsyncGenerator<ChangeVersions> {
    const response = await fetch(`${this.baseUrl}/__mock/events`, { headers: this.headers(false), signal });
    if (!response.ok || !response.body) {
      const text = await response.text();
      throw new ControlError(response.status, text ? JSON.parse(text) : undefined);
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = /^data: (.*)$/m.exec(buffer.slice(0, end));
          const change = /^event: change$/m.test(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (change && data) yield JSON.parse(data[1]) as ChangeVersions;
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  /** The default session and every named one. */
  listSessions = async () => (await this.call<{ sessions: SessionInfo[] }>('GET', '/sessions')).sessions;
  /** Makes a session now (from the mock's starting data, or a scenario); sessions are also made on first use. */
  createSession = (name: string, scenario?: string) => this.call<{ name: string; scenario: string | null; clients: number }>('POST', '/sessions', { name, scenario });
  deleteSession = (name: string) => this.call<void>('DELETE', `/sessions/${encodeURIComponent(name)}`);

  /** Pact-style provider state; resolves with the ids it created. */
  providerState = (state: string, params: Record<string, unknown> = {}, action: 'setup' | 'teardown' = 'setup') =>
    this.call<Record<string, unknown>>('POST', '/provider-states', { state, params, action });
}
