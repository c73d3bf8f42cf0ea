import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { EnvelopeSchema, MESSAGE_CATALOG, MessageTypes, maySend, sendersTo } from '../src/index.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false }));

describe('message catalog', () => {
  it('when a command is listed, then its reply is listed too and every type name is versioned', () => {
    for (const contract of Object.values(MESSAGE_CATALOG)) {
      expect(contract.type).toMatch(/^[a-z]+\.[A-Z][A-Za-z]+\.v\d+$/);
      if (contract.kind === 'command') expect(MESSAGE_CATALOG[contract.replyType ?? '']).toBeDefined();
    }
    expect(Object.values(MessageTypes).sort()).toEqual(Object.keys(MESSAGE_CATALOG).sort());
  });

  it('when a message is sent, then only its stated senders may send it: commands come from the orchestrator, replies and events from their owner', () => {
    expect(maySend('orchestrator', MessageTypes.RefundAccount)).toBe(true);
    expect(maySend('order', MessageTypes.RefundAccount)).toBe(false);
    expect(maySend('account', MessageTypes.DebitAccountReply)).toBe(true);
    expect(maySend('order', MessageTypes.DebitAccountReply)).toBe(false);
    expect(maySend('customer', MessageTypes.CustomerRegistered)).toBe(true);
    expect(maySend('orchestrator', MessageTypes.CustomerRegistered)).toBe(false);
    expect(maySend('orchestrator', 'account.MintMoney.v1')).toBe(false);
    for (const contract of Object.values(MESSAGE_CATALOG)) expect(contract.senders.length).toBeGreaterThan(0);
  });

  it('when a service receives messages, then the senders it must know are derived from the catalog', () => {
    expect(sendersTo('account')).toEqual(['customer', 'orchestrator']);
    expect(sendersTo('order')).toEqual(['orchestrator']);
    expect(sendersTo('orchestrator')).toEqual(['account', 'order']);
    expect(sendersTo('customer')).toEqual([]);
  });

  it('when a debit has a fractional or negative amount or an extra field, then its schema refuses it', () => {
    const validate = ajv.compile(MESSAGE_CATALOG[MessageTypes.DebitAccount]!.schema);
    const base = { customerId: '4b1e3d5c-2a8f-4c1e-9b7d-1f2e3d4c5b6a', orderId: '0f9e8d7c-6b5a-4c3d-8e1f-2a3b4c5d6e7f' };
    expect(validate({ ...base, amount: 1200 })).toBe(true);
    expect(validate({ ...base, amount: 12.5 })).toBe(false);
    expect(validate({ ...base, amount: -1 })).toBe(false);
    expect(validate({ ...base, amount: 1200, extra: true })).toBe(false);
  });

  it('when an envelope lacks its correlation id or has a bad type name, then the envelope schema refuses it', () => {
    const validate = ajv.compile(EnvelopeSchema);
    const envelope = {
      id: '4b1e3d5c-2a8f-4c1e-9b7d-1f2e3d4c5b6a',
      type: MessageTypes.ApproveOrder,
      source: 'orchestrator',
      destination: 'order',
      correlationId: '0f9e8d7c-6b5a-4c3d-8e1f-2a3b4c5d6e7f',
      causationId: null,
      occurredAt: '2026-11-26T10:00:00.000Z',
      headers: {},
      payload: {},
    };
    expect(validate(envelope)).toBe(true);
    expect(validate({ ...envelope, correlationId: undefined })).toBe(false);
    expect(validate({ ...envelope, type: 'ApproveOrder' })).toBe(false);
  });
});
