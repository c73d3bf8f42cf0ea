import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

export interface UpstreamRequest {
  method: string;
  /** Path and query exactly as the client sent them. */
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer | undefined;
}

export interface UpstreamAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The whole body when it is small and announced (every JSON answer of ours), otherwise a stream of it. */
  body: Buffer | Readable;
}

/** Bodies up to this size with a content length are collected and sent on with one write; bigger ones stream. */
const WHOLE_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * A body without a content type goes on as a stream too: given bytes, Fastify would add `application/octet-stream`.
 * HEAD answers have no body but keep the service's content length, which Fastify only leaves alone for a stream.
 */
const collectsWholeBody = (method: string, headers: IncomingHttpHeaders): boolean => {
  const length = headers['content-length'];
  return method !== 'HEAD' && headers['content-type'] !== undefined && length !== undefined && Number(length) <= WHOLE_BODY_LIMIT_BYTES;
};

/**
 * One request to one replica through undici's dispatcher, without the Readable that `request()` wraps every body in:
 * a JSON answer arrives in one or two chunks, so collecting them costs less than piping a stream into the response.
 * Rejects only when no answer started (the caller maps the error); a failure after a streamed answer started
 * destroys that stream, as a proxy that already sent the status line can do nothing else.
 */
export const exchange = (dispatcher: Dispatcher, request: UpstreamRequest): Promise<UpstreamAnswer> =>
  new Promise((resolve, reject) => {
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    let chunks: Buffer[] = [];
    let stream: PassThrough | undefined;
    let ended = false;

    const startStreaming = (controller: Dispatcher.DispatchController): PassThrough => {
      const body = new PassThrough();
      body.on('drain', () => controller.resume());
      // The client went away before the end: free the upstream connection instead of reading on for nobody.
      body.on('close', () => {
        if (!ended) controller.abort(new Error('the client stopped reading the relayed body'));
      });
      return body;
    };

    dispatcher.dispatch(
      { method: request.method as Dispatcher.HttpMethod, path: request.path, headers: request.headers, body: request.body ?? null },
      {
        // undici tells this handler interface from its older one by this method, so it must exist.
        onRequestStart() {},
        onResponseStart(controller, status, responseHeaders) {
          // 1xx interim answers are not relayed (the client's `expect` was never forwarded).
          if (status < 200) return;
          statusCode = status;
          headers = responseHeaders;
          if (collectsWholeBody(request.method, headers)) return;
          stream = startStreaming(controller);
          resolve({ statusCode, headers, body: stream });
        },
        onResponseData(controller, chunk) {
          if (!stream) chunks.push(chunk);
          else if (!stream.write(chunk)) controller.pause();
        },
        onResponseEnd() {
          ended = true;
          if (stream) {
            stream.end();
            return;
          }
          const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
          chunks = [];
          resolve({ statusCode, headers, body });
        },
        onResponseError(_controller, error) {
          ended = true;
          if (stream) stream.destroy(error);
          else reject(error);
        },
      },
    );
  });
