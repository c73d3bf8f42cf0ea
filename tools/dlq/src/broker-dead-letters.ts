import {
  findQueuedDeadLetter,
  listQueuedDeadLetters,
  RepairedMessageRefusedError,
  replayQueuedDeadLetter,
  type QueuedDeadLetter,
} from '@ordering/messaging';
import { DlqFailure, type DeadLetterSource, type DeadLetterView } from './dead-letter-source.js';
import type { OperatorToken } from './http-dead-letters.js';

/** `amqp://guest:guest@host` -> `amqp://guest:***@host`: URLs end up in error lines and terminal scrollback. */
export const redactUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
};

const toView = (letter: QueuedDeadLetter): DeadLetterView => ({ ...letter });

/** Whatever went wrong talking to the broker (refused, unknown host, bad credentials) becomes one line naming it. */
const explained = async <T>(brokerUrl: string, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DlqFailure) throw error;
    if (error instanceof RepairedMessageRefusedError) throw new DlqFailure(error.message);
    const reason = String((error as Error).message ?? error).split('\n')[0];
    throw new DlqFailure(`RabbitMQ at ${redactUrl(brokerUrl)}: ${reason}`);
  }
};

/** A repaired message is signed with the operator token, which the consumers check: without one it cannot be sent. */
const repairSigning = (message: unknown, token: OperatorToken | undefined): { operatorToken?: string } => {
  if (message === undefined) return {};
  if (!token)
    throw new DlqFailure(
      'a repaired message is signed with the operator token: set OPERATOR_TOKEN, or --data-dir/DATA_DIR to the npm start data directory that keeps it (operator-token)',
    );
  return { operatorToken: token.value };
};

export const createBrokerDeadLetters = (brokerUrl: string, namespace?: string, token?: OperatorToken): DeadLetterSource => {
  const scope = namespace ? { namespace } : {};
  return {
    list: (request) =>
      explained(brokerUrl, async () =>
        (
          await listQueuedDeadLetters(brokerUrl, {
            ...scope,
            limit: request.limit,
            ...(request.service ? { service: request.service } : {}),
          })
        ).map(toView),
      ),
    find: (id) =>
      explained(brokerUrl, async () => {
        const letter = await findQueuedDeadLetter(brokerUrl, id, scope);
        return letter ? toView(letter) : undefined;
      }),
    replay: (id, message) =>
      explained(brokerUrl, async () => {
        const signing = repairSigning(message, token);
        const replayed = await replayQueuedDeadLetter(brokerUrl, id, { ...scope, ...signing, ...(message ? { message } : {}) });
        if (!replayed) return undefined;
        const what = message ? 'the repaired message' : 'the original message';
        return {
          id,
          service: replayed.service,
          succeeded: true,
          summary: `replayed ${id}: ${what}${replayed.messageId ? ` ${replayed.messageId}` : ''} is in queue ${replayed.queue} and left the dead-letter queue`,
        };
      }),
  };
};
