import { isUuid } from '../dead-letters/dead-letter-store.js';

/** A message body as received: parsed JSON, or the text and why it could not be read. */
export type ParsedBody = { ok: true; value: unknown; text: string | undefined } | { ok: false; text: string; error: string };

export const parseBody = (raw: unknown): ParsedBody => {
  const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : undefined;
  if (text === undefined)
    return raw === undefined || raw === null ? { ok: false, text: '', error: 'The message body is empty' } : { ok: true, value: raw, text };
  if (text.trim() === '') return { ok: false, text, error: 'The message body is empty' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown, text };
  } catch (error) {
    return { ok: false, text, error: `The message body is not valid JSON: ${(error as Error).message}` };
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The body as text, for a dead letter whose JSON cannot be stored as such. */
export const rawTextOf = (parsed: ParsedBody): string => (parsed.ok ? (parsed.text ?? JSON.stringify(parsed.value)) : parsed.text);

/** What an operator sees: the parsed JSON when it is a JSON object or array, otherwise the text as received. */
export const storableBody = (parsed: ParsedBody): unknown => {
  if (parsed.ok && typeof parsed.value === 'object' && parsed.value !== null) return parsed.value;
  return { raw: rawTextOf(parsed) };
};

export const identityOf = (value: unknown): { messageId: string | null; messageType: string | null } => {
  if (!isRecord(value)) return { messageId: null, messageType: null };
  return { messageId: isUuid(value['id']) ? value['id'] : null, messageType: typeof value['type'] === 'string' ? value['type'] : null };
};
