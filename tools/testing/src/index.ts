export * from './test-tokens.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { findFreePort } from './find-free-port.js';
export { driveParticipant, type ParticipantDriver, type ParticipantHandler } from './participant-driver.js';
export { testMessageSecurity, testPublicKeys, testSigningKeyOf, TEST_OPERATOR_TOKEN } from './test-message-keys.js';
export { CRAFTED_CURSORS, cursorHolding } from './crafted-cursors.js';
