export * from './test-tokens.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { findFreePort } from './find-free-port.js';
