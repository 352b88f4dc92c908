/**
 * A consumer's view of the mock for tests: every response any test receives passes through
 * the oracle, so a shape drift fails the suite wherever it shows.
 */
import { expect } from 'vitest';
import { judge, loadOracle } from './oracle.js';

export const API = '/api/core/oauth-clients';
export const OWNER = 'owner-token';
export const NON_ADMIN = 'non-admin-token';
export const OTHER_TENANT = 'other-tenant-admin-token';

export interface Fetcher {
  (input: string, init?: RequestInit): Promise<Response> | Response;
}

export interface CallOptions {
  body?: unknown;
  /** A raw body (string), sent as is. */
  raw?: string;
  headers?: Record<string, string>;
  /** Bearer token; `null` sends no Authorization header. Defaults to the owner. */
  token?: string | null;
}

export interface Reply<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
}

export async function apiClient(fetcher: Fetcher, base = 'http://mock.test') {
  await loadOracle();
  const call = async <T = any>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? OWNER : options.token;
    if (token !== null) headers.authorization ??= `Bearer ${token}`;
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const url = /^https?:/.test(path) ? path : base + path;
    const response = await fetcher(url, { method, headers, body });
    const text = await response.text();
    const responseHeaders = Object.fromEntries(response.headers.entries());
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const problems = judge({ method, path: new URL(url).pathname, status: response.status, headers: responseHeaders, body: parsed });
    expect(problems, `${method} ${path} → ${response.status} ${text.slice(0, 300)}`).toEqual([]);
    return { status: response.status, headers: responseHeaders, body: parsed as T, text };
  };
  return {
    call,
    get: <T = any>(path: string, o?: CallOptions) => call<T>('GET', path, o),
    post: <T = any>(path: string, o?: CallOptions) => call<T>('POST', path, o),
    patch: <T = any>(path: string, o?: CallOptions) => call<T>('PATCH', path, o),
    delete: <T = any>(path: string, o?: CallOptions) => call<T>('DELETE', path, o),
  };
}

export type ApiClient = Awaited<ReturnType<typeof apiClient>>;

/** Every page of a list, following `links.next` hrefs verbatim as the SDK does. */
export async function collectPages(api: ApiClient, firstUrl: string, token?: string): Promise<any[][]> {
  const pages: any[][] = [];
  let url: string | undefined = firstUrl;
  while (url) {
    const reply: Reply = await api.get(url, { token });
    expect(reply.status).toBe(200);
    pages.push(reply.body.data);
    url = reply.body.links.next?.href;
    if (pages.length > 1000) throw new Error('paging does not end');
  }
  return pages;
}
