import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Envelope } from '@ordering/contracts';
import { createMessageVerifier, type MessageAuthentication } from '@ordering/messaging';
import { testPublicKeys, useStarted } from '@ordering/testing';

/**
 * A stand-in for the account service's `POST /internal/messages`: it records every delivery (and whose signature it bears) and
 * acknowledges it.
 */
export interface RecordingPeer {
  url: string;
  received: { path: string | undefined; contentType: string | undefined; authentication: MessageAuthentication; envelope: Envelope }[];
  close(): Promise<void>;
}

export const startRecordingPeer = async (): Promise<RecordingPeer> => {
  const received: RecordingPeer['received'] = [];
  const verifier = createMessageVerifier({ publicKeys: testPublicKeys() });
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const header = (name: string): string | undefined => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      const authentication = verifier.verify(header, body);
      received.push({
        path: request.url,
        contentType: request.headers['content-type'],
        authentication,
        envelope: JSON.parse(body) as Envelope,
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"outcome":"processed"}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
};

/** A recording peer for the enclosing suite, closed after it. */
export const useRecordingPeer = (): RecordingPeer => useStarted(startRecordingPeer, (peer) => peer.close());
