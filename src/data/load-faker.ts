import { createRequire } from 'node:module';
import type { Faker } from '@faker-js/faker';

/**
 * Faker with its English locale, loaded on first use only (it costs ~35 ms of startup);
 * require(esm) works on Node >= 20.19. The CommonJS build (dist/cjs/, built by
 * scripts/build.mjs) uses load-faker.cjs.ts instead.
 */
export const loadFakerModule = (): Faker => (createRequire(import.meta.url)('@faker-js/faker/locale/en') as { faker: Faker }).faker;
