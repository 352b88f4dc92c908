import { createApp } from '../../src/index.js';
import type { MockOptions } from '../../src/index.js';
import { apiClient } from '../support/api.js';

/** A fresh in-memory mock and a validating client over `app.request` (no socket). */
export async function freshMock(options: MockOptions = {}) {
  const app = createApp(options);
  const api = await apiClient((url, init) => app.request(url, init));
  return { app, api };
}

export const webClient = (extra: Record<string, unknown> = {}) => ({ appType: 'web', clientName: 'Test web app', ...extra });
export const spaClient = (extra: Record<string, unknown> = {}) => ({
  appType: 'spa',
  clientName: 'Test SPA',
  allowedOrigins: ['https://spa.example.com'],
  redirectUris: ['https://spa.example.com/callback'],
  ...extra,
});
export const EMPTY = { data: { version: 1 as const, clients: [] } };
