import { EDGE_KEEP_ALIVE_MS, SERVER_TIMEOUTS } from '@ordering/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  aCheckoutRequest,
  aDepositRequest,
  aMalformedJsonBody,
  aOneMebibyteBody,
  aTraceparent,
  aCustomerRegistration,
} from './builders.js';
import { bearer } from './support/gateway-harness.js';
import { useGateway } from './support/use-gateway.js';
import type { EchoBody } from './support/upstream-server.js';

const gateway = useGateway();
let token: string;

beforeAll(async () => {
  token = await gateway.tokens.issue();
});

const lastReceived = () => {
  const received = gateway.allReceived();
  expect(received).toHaveLength(1);
  return received[0]!;
};

describe('request bodies', () => {
  it('when a JSON body is posted, then the service receives the same bytes and content type', async () => {
    const payload = JSON.stringify(aCustomerRegistration({ name: 'Zoë 🍣' }));

    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload,
    });

    expect(response.statusCode).toBe(200);
    const received = lastReceived();
    expect(received.body?.equals(Buffer.from(payload, 'utf8'))).toBe(true);
    expect(received.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(received.headers['content-length']).toBe(String(Buffer.byteLength(payload)));
  });

  it('when the body is malformed JSON, then it is forwarded untouched for the service to answer', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/accounts/me/deposits',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: aMalformedJsonBody(),
    });

    expect(response.statusCode).toBe(200);
    expect(lastReceived().body?.toString('utf8')).toBe(aMalformedJsonBody());
  });

  it('when the body is not JSON, then it is forwarded with its own content type for the service to answer 415', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: { 'content-type': 'text/plain' },
      payload: 'email=a@b.c&password=x',
    });

    expect(response.statusCode).toBe(200);
    const received = lastReceived();
    expect(received.headers['content-type']).toBe('text/plain');
    expect(received.body?.toString('utf8')).toBe('email=a@b.c&password=x');
  });

  it('when a body comes without a content type, then it is forwarded without one for the service to answer 415', async () => {
    await gateway.app.inject({ method: 'POST', url: '/api/customers', payload: Buffer.from('hello') });

    const received = lastReceived();
    expect(received.headers['content-type']).toBeUndefined();
    expect(received.body?.toString('utf8')).toBe('hello');
  });

  it('when bytes that are not valid UTF-8 are posted, then they arrive byte for byte', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x22, 0x7d]);

    await gateway.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: { ...bearer(token), 'content-type': 'application/octet-stream' },
      payload: bytes,
    });

    expect(lastReceived().body?.equals(bytes)).toBe(true);
  });

  it('when a POST has no body (a cancel), then the service receives no body and no invented content type', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/orders/0b5c1a52-6f0e-4e8f-9a47-3c7f2f3b9d11/cancel',
      headers: bearer(token),
    });

    expect(response.statusCode).toBe(200);
    const received = lastReceived();
    expect(received.body ?? Buffer.alloc(0)).toHaveLength(0);
    expect(received.headers['content-type']).toBeUndefined();
  });

  it('when a body of 1 MiB is posted, then the gateway answers 413 PAYLOAD_TOO_LARGE and no service is reached', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: { 'content-type': 'application/json' },
      payload: aOneMebibyteBody(),
    });

    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(response.headers['x-request-id']).toBeTruthy();
    expect(gateway.allReceived()).toHaveLength(0);
  });

  it('when an authenticated client posts 1 MiB, then 413 as well', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: aOneMebibyteBody(),
    });

    expect(response.statusCode).toBe(413);
    expect(gateway.allReceived()).toHaveLength(0);
  });
});

describe('request headers', () => {
  it('when idempotency and trace headers are sent, then the service receives them unchanged', async () => {
    const traceparent = aTraceparent();

    await gateway.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: {
        ...bearer(token),
        'content-type': 'application/json',
        'idempotency-key': 'checkout-42',
        traceparent,
        tracestate: 'vendor=opaque',
      },
      payload: JSON.stringify(aCheckoutRequest()),
    });

    const received = lastReceived();
    expect(received.headers['idempotency-key']).toBe('checkout-42');
    expect(received.headers['traceparent']).toBe(traceparent);
    expect(received.headers['tracestate']).toBe('vendor=opaque');
  });

  it('when the client sends hop-by-hop or expect headers, then they stay at the gateway and the request succeeds', async () => {
    const hopByHop = {
      'keep-alive': 'timeout=5',
      upgrade: 'websocket',
      expect: '100-continue',
      te: 'trailers',
      'proxy-authorization': 'Basic eA==',
    };

    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: { ...hopByHop, 'content-type': 'application/json' },
      payload: JSON.stringify(aCustomerRegistration()),
    });

    expect(response.statusCode).toBe(200);
    const received = lastReceived();
    for (const name of Object.keys(hopByHop)) expect(received.headers[name], name).toBeUndefined();
  });

  it('when a request is forwarded, then the service gets the gateway request id and the client address', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/api/menu', remoteAddress: '203.0.113.7' });

    const received = lastReceived();
    expect(received.headers['x-request-id']).toBe(response.headers['x-request-id']);
    expect(received.headers['x-forwarded-for']).toBe('203.0.113.7');
  });

  it('when the client already sent x-forwarded-for, then the client address is appended to it', async () => {
    await gateway.app.inject({
      method: 'GET',
      url: '/api/menu',
      remoteAddress: '203.0.113.7',
      headers: { 'x-forwarded-for': '198.51.100.1' },
    });

    expect(lastReceived().headers['x-forwarded-for']).toBe('198.51.100.1, 203.0.113.7');
  });

  it('when the client sends a safe x-request-id, then it is continued to the service and echoed once', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/api/menu', headers: { 'x-request-id': 'client-chosen-id-1' } });

    expect(response.headers['x-request-id']).toBe('client-chosen-id-1');
    expect(lastReceived().headers['x-request-id']).toBe('client-chosen-id-1');
  });

  it('when the client sends an unsafe x-request-id, then the gateway mints its own and the service gets that one', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/api/menu', headers: { 'x-request-id': 'bad id with spaces' } });

    const minted = response.headers['x-request-id'];
    expect(minted).toMatch(/^[0-9a-f-]{36}$/);
    expect(lastReceived().headers['x-request-id']).toBe(minted);
  });
});

describe('responses', () => {
  it('when the service answers 202 with a Location, then the client gets the same status, Location and body', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: { ...bearer(token), 'content-type': 'application/json', 'x-test-status': '202', 'x-test-location': '/api/checkout/abc' },
      payload: JSON.stringify(aCheckoutRequest()),
    });

    expect(response.statusCode).toBe(202);
    expect(response.headers['location']).toBe('/api/checkout/abc');
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json<EchoBody>().upstream).toBe('orchestrator');
  });

  it('when the service answers an error with Retry-After, then status, header and body are relayed unchanged', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/accounts/me/deposits',
      headers: { ...bearer(token), 'content-type': 'application/json', 'x-test-status': '409', 'x-test-retry-after': '2' },
      payload: JSON.stringify(aDepositRequest()),
    });

    expect(response.statusCode).toBe(409);
    expect(response.headers['retry-after']).toBe('2');
  });

  it('when the service fails with a 500 problem, then the client gets that 500 problem as is', async () => {
    gateway.upstreams.order.failing = true;
    try {
      const response = await gateway.app.inject({ method: 'GET', url: '/api/menu' });

      expect(response.statusCode).toBe(500);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'INTERNAL', detail: 'boom' });
    } finally {
      gateway.upstreams.order.failing = false;
    }
  });

  it('when any response is sent, then it carries exactly one x-request-id, the gateway one', async () => {
    const responses = [
      await gateway.app.inject({ method: 'GET', url: '/api/menu', headers: { 'x-request-id': 'one-and-only' } }),
      await gateway.app.inject({ method: 'GET', url: '/api/nope', headers: { 'x-request-id': 'one-and-only' } }),
      await gateway.app.inject({ method: 'GET', url: '/api/orders', headers: { 'x-request-id': 'one-and-only' } }),
      await gateway.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'one-and-only' } }),
    ];

    expect(responses.map((response) => response.statusCode)).toEqual([200, 404, 401, 200]);
    for (const response of responses) {
      // A duplicated header would surface here as an array or a comma-joined value.
      expect(response.headers['x-request-id']).toBe('one-and-only');
    }
  });

  it('when a HEAD request is sent for a GET route, then it is forwarded and answered without a body', async () => {
    const response = await gateway.app.inject({ method: 'HEAD', url: '/api/menu' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    expect(lastReceived().method).toBe('HEAD');
  });
});

describe('public listener timeouts', () => {
  it('when the gateway is built, then its idle connections outlast a load balancer (60 s), while headers and requests keep the platform limits', () => {
    const server = gateway.app.server;
    expect(server.keepAliveTimeout).toBe(EDGE_KEEP_ALIVE_MS);
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect([server.headersTimeout, server.requestTimeout, server.timeout]).toEqual([
      SERVER_TIMEOUTS.headersMs,
      SERVER_TIMEOUTS.requestMs,
      SERVER_TIMEOUTS.idleSocketMs,
    ]);
  });
});
