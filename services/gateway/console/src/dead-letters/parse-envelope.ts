/**
 * The page's own check of an edited envelope before anything is sent: it must be JSON and a JSON object. Whether it
 * is a valid envelope for the service is the service's call (a 400 with the reasons), so it is not guessed here.
 */
export type ParsedEnvelope = { ok: true; message: Record<string, unknown> } | { ok: false; error: string };

export const parseEnvelope = (text: string): ParsedEnvelope => {
  if (text.trim() === '') return { ok: false, error: 'The repaired envelope is empty.' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, error: `The repaired envelope is not valid JSON: ${why}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'The repaired envelope must be a JSON object (an envelope with id, type, payload, ...).' };
  }
  return { ok: true, message: value as Record<string, unknown> };
};

/** The text the editor starts with: the original message, indented the way it is shown. */
export const formatEnvelope = (message: unknown): string => JSON.stringify(message, null, 2) ?? 'null';
