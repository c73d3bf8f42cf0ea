import { findQueuedDeadLetter, listQueuedDeadLetters, replayQueuedDeadLetter, type QueuedDeadLetter } from '@ordering/messaging';
import { DlqFailure, type DeadLetterSource, type DeadLetterView } from './dead-letter-source.js';

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
    const reason = String((error as Error).message ?? error).split('\n')[0];
    throw new DlqFailure(`RabbitMQ at ${redactUrl(brokerUrl)}: ${reason}`);
  }
};

export const createBrokerDeadLetters = (brokerUrl: string, namespace?: string): DeadLetterSource => {
  const scope = namespace ? { namespace } : {};
  return {
    list: (request) =>
      explained(brokerUrl, async () =>
        (await listQueuedDeadLetters(brokerUrl, { ...scope, limit: request.limit, ...(request.service ? { service: request.service } : {}) })).map(toView),
      ),
    find: (id) => explained(brokerUrl, async () => {
      const letter = await findQueuedDeadLetter(brokerUrl, id, scope);
      return letter ? toView(letter) : undefined;
    }),
    replay: (id, message) =>
      explained(brokerUrl, async () => {
        const replayed = await replayQueuedDeadLetter(brokerUrl, id, { ...scope, ...(message ? { message } : {}) });
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
