import { Hono } from 'hono';
import type { MockRuntime } from '../runtime/mock-runtime.js';
import type { AppEnv } from './app.js';

/** The control API under /__mock: no bearer token, never faulted, rate limited or journaled. */
export function controlRoutes(runtime: MockRuntime): Hono<AppEnv> {
  const control = new Hono<AppEnv>();
  control.get('/openapi.json', (c) => c.body(runtime.contract.raw, 200, { 'content-type': 'application/json; charset=utf-8' }));
  control.get('/health', (c) => c.json({ status: 'ok', clients: runtime.store.count() }));
  return control;
}
