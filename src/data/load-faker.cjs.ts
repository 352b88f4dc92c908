import type { Faker } from '@faker-js/faker';

/**
 * The CommonJS build's load-faker.ts (scripts/build.mjs swaps it in): faker is ESM-only,
 * which Jest's own `require` cannot load on Node 20, so the build bundles it, as CommonJS, into
 * dist/cjs/faker-en.js beside dist/cjs/index.js, loaded on first use as in the ESM build.
 */
export const loadFakerModule = (): Faker => (require('./faker-en.js') as { faker: Faker }).faker;
