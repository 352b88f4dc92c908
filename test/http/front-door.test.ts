import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/index.js';

describe('the front door: GET /', () => {
  it('tells a browser what this is and where everything is, in a small HTML page', async () => {
    const app = createApp();
    const response = await app.request('http://localhost:8080/', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    for (const text of [
      'http://localhost:8080/api/v1/oauth-clients',
      'http://localhost:8080/api/core/oauth-clients',
      "curl -H &#39;Authorization: Bearer any-token&#39; &#39;http://localhost:8080/api/v1/oauth-clients?limit=2&#39;",
      'href="http://localhost:8080/__mock/openapi.v1.json"',
      'href="http://localhost:8080/__mock/openapi.json"',
      'href="http://localhost:8080/__mock/control.openapi.json"',
      'href="http://localhost:8080/__mock/health"',
      'href="http://localhost:8080/__mock/ui"',
      '<code>secret-limit-reached</code>',
    ]) {
      expect(html).toContain(text);
    }
  });

  it('answers the same as JSON to anything that does not ask for HTML; it is not an API request', async () => {
    const app = createApp({ publicBaseUrl: 'https://mock.example.com' });
    const body = (await (await app.request('/', { headers: { accept: 'application/json' } })).json()) as any;
    expect(body).toMatchObject({
      name: 'qlik-oauth-clients-mock',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      api: { v1: 'https://mock.example.com/api/v1/oauth-clients', core: 'https://mock.example.com/api/core/oauth-clients' },
      documents: { control: 'https://mock.example.com/__mock/control.openapi.json' },
      dashboard: 'https://mock.example.com/__mock/ui',
    });
    expect(body.scenarios).toContain('empty');
    expect((await app.request('/')).headers.get('content-type')).toMatch(/json/);
    expect(((await (await app.request('/__mock/requests')).json()) as any).requests).toEqual([]);
  });

  it('chooses by the weights of Accept, and says that it varies by it', async () => {
    const app = createApp();
    const typeFor = async (accept: string) => (await app.request('/', { headers: { accept } })).headers.get('content-type') ?? '';
    for (const browser of ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html', 'TEXT/HTML;q=0.5, application/json;q=0.4']) expect(await typeFor(browser), browser).toMatch(/^text\/html/);
    for (const other of ['*/*', 'application/json;q=0.5, text/html;q=0.1', 'text/html;q=0', 'text/html;q=abc', 'application/*']) expect(await typeFor(other), other).toMatch(/^application\/json/);
    for (const accept of ['text/html', 'application/json']) expect((await app.request('/', { headers: { accept } })).headers.get('vary')).toMatch(/^Accept, Origin/);
  });

  it('is GET and HEAD only: another method is a 405 with Allow, logged once', async () => {
    const lines: string[] = [];
    const app = createApp({ logLevel: 'info', logSink: (line) => lines.push(line) });
    const response = await app.request('/', { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(((await response.json()) as any).errors[0].code).toBe('HTTP-405');
    expect(lines).toHaveLength(1);
  });
});
