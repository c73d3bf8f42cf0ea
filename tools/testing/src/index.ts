export * from './test-tokens.js';
export { createTestDatabase, useTestDatabase, useTestDatabasePerTest, type TestDatabase } from './test-database.js';
export { findFreePort } from './find-free-port.js';
export {
  driveParticipant,
  driveParticipantOn,
  type ParticipantDatabase,
  type ParticipantDriver,
  type ParticipantHandler,
} from './participant-driver.js';
export { testMessageSecurity, testMessageSecurityEnv, testPublicKeys, testSigningKeyOf, TEST_OPERATOR_TOKEN } from './test-message-keys.js';
export { configProblemsOf } from './config-problems.js';
export { pushMessage, type TestMessageSigner } from './message-push.js';
export {
  describeServiceMigrations,
  migrationsBeforePackages,
  packageTableRows,
  sqlOf,
  type ServiceMigrationsSubject,
} from './migration-checks.js';
export { describeMessageSecurityConfig, type MessageSecurityConfigSubject } from './message-security-config-cases.js';
export { CRAFTED_CURSORS, cursorHolding } from '@ordering/test-data';
export { stoppedAfterEachTest, useStarted, useStartedPerTest, type StartedInTests } from './use-started.js';
export { countOf } from './count-of.js';
export { statementsPerStep } from './statements-per-step.js';
export { expectParkedAsNotJson, listDeadLetters } from './dead-letters.js';
export { startServiceTestParts, type ServiceDatabase, type ServiceTestParts, type ServiceTestPartsOptions } from './service-test-parts.js';
export { UNREACHABLE_PEER } from './unreachable-peer.js';
export { participantMessagingOptions } from './participant-messaging-options.js';
