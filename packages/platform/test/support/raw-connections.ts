import { connect, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createHttpServer, createLogger, createMetrics, type HttpServer, type ServerTimeouts } from '../../src/index.js';

/** A quiet service kit listening on a free port, and raw sockets to it; `closeAll` ends both after a test. */
export const createRawConnections = () => {
  let app: HttpServer | undefined;
  const sockets: Socket[] = [];

  const startServer = async (
    timeouts: Partial<ServerTimeouts>,
    addRoutes: (server: HttpServer) => void = () => undefined,
  ): Promise<number> => {
    const logger = createLogger({ service: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
    app = await createHttpServer({ service: 'test', logger, metrics: createMetrics('test'), readiness: [], timeouts });
    addRoutes(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    return (app.server.address() as AddressInfo).port;
  };

  /** A raw client socket: what it received, and whether the server closed it. */
  const openSocket = async (port: number) => {
    const socket = connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    const state = { received: '', closed: false };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (state.received += chunk));
    socket.on('error', () => undefined); // a write racing the server's close; the close is what is asserted
    socket.on('close', () => (state.closed = true));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    return { socket, state };
  };

  const closeAll = async (): Promise<void> => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await app?.close();
    app = undefined;
  };

  return { startServer, openSocket, closeAll };
};
