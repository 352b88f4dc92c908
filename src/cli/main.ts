#!/usr/bin/env node
import { startMock } from '../index.js';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '0.0.0.0';
const mock = await startMock({
  port,
  host,
  dataFile: process.env.DATA_FILE || undefined,
  seedCount: process.env.SEED_COUNT ? Number(process.env.SEED_COUNT) : undefined,
  fakerSeed: process.env.FAKER_SEED ? Number(process.env.FAKER_SEED) : undefined,
  publicBaseUrl: process.env.PUBLIC_BASE_URL || undefined,
});
console.log(`qlik-oauth-clients-mock listening on ${mock.url} (store: ${mock.runtime.store.location}, clients: ${mock.runtime.store.count()})`);
const stop = () => void mock.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
