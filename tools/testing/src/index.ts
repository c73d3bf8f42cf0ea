export * from './test-tokens.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { findFreePort } from './find-free-port.js';
export { driveParticipant, type ParticipantDriver, type ParticipantHandler } from './participant-driver.js';
export { testMessageSecurity, testMessageSecurityEnv, testPublicKeys, testSigningKeyOf, TEST_OPERATOR_TOKEN } from './test-message-keys.js';
export { configProblemsOf } from './config-problems.js';
export { pushMessage, type TestMessageSigner } from './message-push.js';
export { describeMessageSecurityConfig, type MessageSecurityConfigSubject } from './message-security-config-cases.js';
export { CRAFTED_CURSORS, cursorHolding } from '@ordering/test-data';
