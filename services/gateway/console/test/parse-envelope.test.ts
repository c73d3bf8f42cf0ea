import { describe, expect, it } from 'vitest';
import { formatEnvelope, parseEnvelope } from '../src/dead-letters/parse-envelope.js';

describe('parseEnvelope', () => {
  it('when the text is a JSON object, then it is the message to send', () => {
    const envelope = { id: 'a', type: 'order.ApproveOrder.v1', payload: { orderId: 'o' } };
    expect(parseEnvelope(JSON.stringify(envelope))).toEqual({ ok: true, message: envelope });
  });

  it('when the text is the formatted original, then it parses back to the original', () => {
    const original = { id: 'a', headers: {}, payload: { amount: 1250, lines: [1, 2] } };
    expect(parseEnvelope(formatEnvelope(original))).toEqual({ ok: true, message: original });
  });

  it('when the text is not JSON, then it is refused with the parser error', () => {
    const parsed = parseEnvelope('{ not json');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/^The repaired envelope is not valid JSON: /);
  });

  it('when the text is empty or blank, then it is refused', () => {
    expect(parseEnvelope('')).toEqual({ ok: false, error: 'The repaired envelope is empty.' });
    expect(parseEnvelope('  \n ')).toEqual({ ok: false, error: 'The repaired envelope is empty.' });
  });

  it.each(['[]', 'null', '42', '"text"', 'true'])('when the JSON is %s (not an object), then it is refused', (text) => {
    const parsed = parseEnvelope(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/must be a JSON object/);
  });
});
