import type { HttpServer } from '@ordering/platform';
import { expect } from 'vitest';
import { TEST_OPERATOR_TOKEN } from './test-message-keys.js';

/** `GET /internal/dead-letters` as the operator asks it (messaging's `operatorAuthorization`, by shape). */
export const listDeadLetters = (app: HttpServer, query = '') =>
  app.inject({ method: 'GET', url: `/internal/dead-letters${query}`, headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` } });

/** The body 'not json' pushed to `consumer` was parked (202) and the operator's list shows it with its error. */
export const expectParkedAsNotJson = async (
  app: HttpServer,
  response: { statusCode: number; json(): unknown },
  consumer: string,
): Promise<void> => {
  expect(response.statusCode).toBe(202);
  expect(response.json()).toEqual({ outcome: 'dead-lettered' });
  const listed = await listDeadLetters(app);
  expect(listed.statusCode).toBe(200);
  expect(listed.json().items).toContainEqual(
    expect.objectContaining({
      consumer,
      messageId: null,
      message: { raw: 'not json' },
      error: expect.stringMatching(/not valid JSON/),
      attempts: 1,
    }),
  );
};
