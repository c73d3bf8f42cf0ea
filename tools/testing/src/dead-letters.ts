import type { HttpServer } from '@ordering/platform';
import { TEST_OPERATOR_TOKEN } from './test-message-keys.js';

/** `GET /internal/dead-letters` as the operator asks it (messaging's `operatorAuthorization`, by shape). */
export const listDeadLetters = (app: HttpServer, query = '') =>
  app.inject({ method: 'GET', url: `/internal/dead-letters${query}`, headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` } });
