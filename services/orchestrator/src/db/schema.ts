// Checkout requests honour Idempotency-Key; saga tables arrive with the sagas.
export { idempotencyKeys } from '@ordering/platform';
