export * from './primitives.js';
export * from './envelope.js';
export * as OrderMessages from './order-messages.js';
export * as AccountMessages from './account-messages.js';
export * as CustomerMessages from './customer-messages.js';
export * from './message-catalog.js';
export * from './system-map.js';
export * from './error-codes.js';
export * from './result.js';
