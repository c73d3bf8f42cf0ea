import http from 'node:http';

/**
 * A small keep-alive HTTP/1.1 client on node:http. Under load the client shares two cores with the system it
 * measures, so it stays as cheap as possible: one pooled agent, no fetch/undici layer, JSON parsed only when asked.
 */

export interface HttpResponse {
  /** 0 when no response arrived (refused, reset, timed out); `error` then says why. */
  readonly status: number;
  readonly text: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly error?: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

export interface HttpClient {
  request(url: string, options?: RequestOptions): Promise<HttpResponse>;
  close(): void;
}

export const createHttpClient = (maxSockets = 256): HttpClient => {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const request = (url: string, options: RequestOptions = {}): Promise<HttpResponse> =>
    new Promise((resolve) => {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(payload));
      }
      const req = http.request(url, { method: options.method ?? 'GET', headers, agent, timeout: options.timeoutMs ?? 40_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', (error) => resolve({ status: 0, text: '', headers: {}, error: error.message }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, text: '', headers: {}, error: error.code ?? error.message }));
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
};

/** The body as JSON; throws with the status and the start of the body when it is not what the caller expected. */
export const jsonOf = <T>(response: HttpResponse, what: string, expected: readonly number[] = [200]): T => {
  if (!expected.includes(response.status)) {
    throw new Error(`${what}: expected ${expected.join('/')}, got ${response.status || response.error} ${response.text.slice(0, 300)}`);
  }
  return JSON.parse(response.text) as T;
};

/** Error buckets for the report: the HTTP status, or `network:<code>` when no answer came. */
export const errorKey = (response: HttpResponse): string =>
  response.status === 0 ? `network:${response.error ?? 'unknown'}` : String(response.status);
