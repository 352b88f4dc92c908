import { expect } from 'vitest';
import type { MockOptions } from '../../src/index.js';
import { freshMock } from './helpers.js';

export interface ControlReply {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
}

type App = Awaited<ReturnType<typeof freshMock>>['app'];

/** The control API over `app.request`: JSON in, JSON out. */
export function controlClient(app: App) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ControlReply> => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await app.request(`/__mock${path}`, init);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: parsed, text };
  };
  return {
    call,
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body, headers),
    put: (path: string, body?: unknown) => call('PUT', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}

export type ControlClient = ReturnType<typeof controlClient>;

/** A fresh in-memory mock with the validating API client and the control client. */
export async function controlMock(options: MockOptions = {}) {
  const mock = await freshMock(options);
  return { ...mock, control: controlClient(mock.app) };
}

/** The API's error shape, with this status. */
export function expectError(reply: { status: number; body: any }, status: number, detail?: RegExp | string): void {
  expect(reply.status).toBe(status);
  expect(reply.body.errors[0]).toMatchObject({ code: `HTTP-${status}`, status: String(status) });
  expect(typeof reply.body.errors[0].title).toBe('string');
  expect(reply.body.traceId).toMatch(/^[0-9a-f]{32}$/);
  if (detail !== undefined) expect(reply.body.errors[0].detail).toMatch(detail);
}
