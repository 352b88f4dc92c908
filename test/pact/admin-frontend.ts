/**
 * The consumer under test: the API layer of a typical admin frontend for OAuth clients, as a
 * team would write it with fetch. The Pact test drives it against Pact's mock server.
 */
export interface ClientSummary {
  clientId: string;
  clientName: string;
  appType: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(`HTTP ${status}${code ? ` (${code})` : ''}`);
  }
}

export class AdminFrontendApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  async listClients(query: { filter?: string; limit?: number } = {}): Promise<{ clients: ClientSummary[]; self: string }> {
    const params = new URLSearchParams();
    if (query.filter) params.set('filter', query.filter);
    if (query.limit) params.set('limit', String(query.limit));
    const qs = params.toString();
    const body = await this.call('GET', `/api/core/oauth-clients${qs ? `?${qs}` : ''}`);
    return { clients: body.data, self: body.links.self.href };
  }

  getClient(id: string) {
    return this.call('GET', `/api/core/oauth-clients/${encodeURIComponent(id)}`);
  }

  createWebClient(clientName: string, redirectUri: string) {
    return this.call('POST', '/api/core/oauth-clients', { appType: 'web', clientName, redirectUris: [redirectUri], allowedScopes: ['user_default'] });
  }

  async renameClient(id: string, clientName: string): Promise<void> {
    await this.call('PATCH', `/api/core/oauth-clients/${encodeURIComponent(id)}`, [{ op: 'replace', path: '/clientName', value: clientName }]);
  }

  async deleteClient(id: string): Promise<void> {
    await this.call('DELETE', `/api/core/oauth-clients/${encodeURIComponent(id)}`, undefined, { 'qlik-confirm-delete': id });
  }

  createSecret(id: string) {
    return this.call('POST', `/api/core/oauth-clients/${encodeURIComponent(id)}/client-secrets`);
  }

  async deleteSecret(id: string, hint: string): Promise<void> {
    await this.call('DELETE', `/api/core/oauth-clients/${encodeURIComponent(id)}/client-secrets/${encodeURIComponent(hint)}`);
  }

  private async call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<any> {
    const headers: Record<string, string> = { ...extra };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiProblem(response.status, parsed?.errors?.[0]?.code);
    return parsed;
  }
}
