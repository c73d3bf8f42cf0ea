import { createServer } from 'node:net';

/**
 * A port the OS reports free right now on 127.0.0.1. Another process may still take it before the caller binds, so
 * use it at once; it is good enough for test servers and child processes started immediately after.
 */
export const findFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('the OS did not report the port it assigned'));
      });
    });
  });
