// Checkout requests honour Idempotency-Key; sagas persist every instance and step; messaging owns the outbox and inbox.
export { idempotencyKeys } from '@ordering/platform';
export { sagas, sagaSteps, sagaCommands } from '@ordering/saga';
export { outboxMessages, inboxMessages, messageAttempts, deadLetters } from '@ordering/messaging';
