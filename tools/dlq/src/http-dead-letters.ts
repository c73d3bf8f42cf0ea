import { operatorAuthorization, isUuid, type DeadLetterResource, type ReplayResource } from '@ordering/messaging';
import { errorCode } from '@ordering/platform';
import { DlqFailure, newestFirst, type DeadLetterSource, type DeadLetterView, type ReplayOutcome } from './dead-letter-source.js';

/** The routes' page size limit. */
const PAGE_LIMIT = 100;
const REQUEST_TIMEOUT_MS = 10_000;

const reasonOf = (error: unknown): string => {
  const code = errorCode(error);
  if (code) return code;
  const cause = (error as { cause?: { message?: unknown } }).cause;
  if ((error as Error).name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return String(cause?.message ?? (error as Error).message).split('\n')[0] ?? 'unknown error';
};

interface Answer {
  status: number;
  body: unknown;
}

/** The services' OPERATOR_TOKEN, and where it was found (for the line that says it was refused). */
export interface OperatorToken {
  value: string;
  from: string;
}

type Call = (service: string, baseUrl: string, pathAndQuery: string, init?: RequestInit) => Promise<Answer>;

const tokenRefused = (service: string, baseUrl: string, token: OperatorToken | undefined): DlqFailure =>
  new DlqFailure(
    token
      ? `the ${service} service at ${baseUrl} refused the operator token from ${token.from}: set OPERATOR_TOKEN to the token the services run with`
      : `the ${service} service at ${baseUrl} requires the operator token: set OPERATOR_TOKEN, or --data-dir/DATA_DIR to the npm start data directory that keeps it (operator-token)`,
  );

/** JSON when it is JSON; otherwise the text (a proxy's error page), for the error line. */
const bodyOf = async (response: Response): Promise<unknown> => {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/**
 * One request to one service, with the operator token when there is one; anything but an HTTP answer, and a
 * refused token, becomes a one-line failure naming the service.
 */
const caller =
  (token: OperatorToken | undefined): Call =>
  async (service, baseUrl, pathAndQuery, init = {}) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', operatorAuthorization(token.value));
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${pathAndQuery}`, { ...init, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      throw new DlqFailure(`the ${service} service at ${baseUrl} does not answer (${reasonOf(error)})`);
    }
    const body = await bodyOf(response);
    if (response.status === 401) throw tokenRefused(service, baseUrl, token);
    return { status: response.status, body };
  };

const unexpected = (service: string, baseUrl: string, what: string, answer: Answer): DlqFailure => {
  const problem = answer.body as { detail?: unknown; title?: unknown; errors?: Array<{ message?: unknown }> } | undefined;
  const detail = problem?.detail ?? problem?.title ?? '';
  // A refused repair says why in its field problem: the one thing the operator has to fix.
  const reason = problem?.errors?.[0]?.message;
  return new DlqFailure(
    `the ${service} service at ${baseUrl} answered ${what} with ${answer.status}${detail ? `: ${String(detail)}` : ''}${reason ? ` (${String(reason)})` : ''}`,
  );
};

const toView = (service: string, url: string, letter: DeadLetterResource): DeadLetterView => ({
  id: letter.id,
  service,
  url,
  messageId: letter.messageId,
  messageType: letter.messageType,
  error: letter.error,
  attempts: letter.attempts,
  deadAt: letter.deadAt,
  replayedAt: letter.replayedAt,
  message: letter.message,
});

/** Follows the cursor until `limit` items or the last page. */
const listService = async (call: Call, service: string, url: string, limit: number): Promise<DeadLetterView[]> => {
  const views: DeadLetterView[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(Math.min(PAGE_LIMIT, limit - views.length)), ...(cursor ? { cursor } : {}) });
    const answer = await call(service, url, `/internal/dead-letters?${query}`);
    if (answer.status !== 200) throw unexpected(service, url, 'the dead-letter list', answer);
    const page = answer.body as { items: DeadLetterResource[]; nextCursor: string | null };
    views.push(...page.items.map((letter) => toView(service, url, letter)));
    cursor = page.nextCursor;
  } while (cursor && views.length < limit);
  return views;
};

const findAt = async (call: Call, service: string, url: string, id: string): Promise<DeadLetterView | undefined> => {
  const answer = await call(service, url, `/internal/dead-letters/${id}`);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw unexpected(service, url, `dead letter ${id}`, answer);
  return toView(service, url, answer.body as DeadLetterResource);
};

const SUCCEEDED = new Set(['processed', 'duplicate']);

const describeReplay = (service: string, result: ReplayResource): ReplayOutcome => {
  const message = result.messageId ? ` message ${result.messageId}` : '';
  const error = result.error ? `: ${result.error}` : '';
  return {
    id: result.deadLetterId,
    service,
    succeeded: SUCCEEDED.has(result.outcome),
    summary: `replayed ${result.deadLetterId} at ${service}:${message} ${result.outcome}${error}`,
  };
};

/**
 * The services' operator routes. Every service holds only its own dead letters, so a list asks all of them (in
 * parallel) and merges newest first; show and replay first find the service that holds the id.
 */
export const createHttpDeadLetters = (urls: Record<string, string>, token?: OperatorToken): DeadLetterSource => {
  const services = Object.entries(urls);
  const call = caller(token);

  const find = async (id: string): Promise<DeadLetterView | undefined> => {
    // The routes take uuids only (400 otherwise): anything else cannot be a dead letter.
    if (!isUuid(id)) return undefined;
    const answers = await Promise.allSettled(services.map(([service, url]) => findAt(call, service, url, id)));
    const found = answers.find((answer) => answer.status === 'fulfilled' && answer.value !== undefined);
    if (found?.status === 'fulfilled') return found.value;
    // Not found anywhere we could ask: a service that did not answer might hold it, so say so.
    const failed = answers.find((answer) => answer.status === 'rejected');
    if (failed?.status === 'rejected') throw failed.reason;
    return undefined;
  };

  return {
    async list(request) {
      const chosen = services.filter(([service]) => request.service === undefined || service === request.service);
      if (chosen.length === 0)
        throw new DlqFailure(
          `no URL for the ${request.service} service: set ${String(request.service).toUpperCase()}_URL or start it with npm start`,
        );
      const perService = await Promise.all(chosen.map(([service, url]) => listService(call, service, url, request.limit)));
      return perService.flat().sort(newestFirst).slice(0, request.limit);
    },
    find,
    async replay(id, message) {
      const letter = await find(id);
      if (!letter?.url) return undefined;
      const init: RequestInit = message
        ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) }
        : { method: 'POST' };
      const answer = await call(letter.service, letter.url, `/internal/dead-letters/${id}/replay`, init);
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw unexpected(letter.service, letter.url, `the replay of ${id}`, answer);
      return describeReplay(letter.service, answer.body as ReplayResource);
    },
  };
};
