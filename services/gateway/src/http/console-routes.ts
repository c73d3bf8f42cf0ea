import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import { AppError, notFound } from '@ordering/platform';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const CONSOLE_PREFIX = '/console/';

/**
 * The console is static files that fetch from this origin only, so the policy can forbid everything else: no inline
 * script or style, no framing (clickjacking a repair button), no foreign form targets or base URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Vite names every asset by its content hash, so a URL never changes meaning; index.html must always be revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const notBuilt = (): AppError => new AppError('SERVICE_UNAVAILABLE', 503, { detail: 'the console is not built: run npm run build' });

/** The file under `root` the request names, or undefined when it is absent or would leave the root. */
const existingFile = async (root: string, relative: string): Promise<string | undefined> => {
  const path = resolve(root, relative);
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  const found = await stat(path).catch(() => undefined);
  return found?.isFile() ? relative : undefined;
};

const sendIndex = async (reply: FastifyReply, root: string): Promise<FastifyReply> => {
  if (!(await existingFile(root, 'index.html'))) throw notBuilt();
  return reply.header('cache-control', REVALIDATE).sendFile('index.html', root);
};

/**
 * `/console/` serves the built console (services/gateway/console/dist). Any other `/console/*` GET that names no
 * file gets index.html, so the console's history routes survive a reload; a missing `/console/assets/*` file is a
 * real 404 (a stale bundle must fail loudly, not load HTML as script). The directory is looked at per request: a
 * gateway started before the console was built serves it once it is, and answers 503 until then.
 * The HTML holds no data (the API calls carry the admin's token), so these routes are public.
 */
export const registerConsoleRoutes = async (scope: FastifyInstance, consoleDir: string): Promise<void> => {
  const root = resolve(consoleDir);
  await scope.register(async (files) => {
    await files.register(fastifyStatic, { serve: false, cacheControl: false, dotfiles: 'deny' });
    files.addHook('onRequest', async (_request, reply) => {
      reply.headers(SECURITY_HEADERS);
    });

    // The server ignores trailing slashes, so this one route is both `/console` and `/console/`.
    files.get('/console', async (request, reply) =>
      request.url.startsWith(CONSOLE_PREFIX) ? sendIndex(reply, root) : reply.redirect(CONSOLE_PREFIX, 301),
    );
    files.get<{ Params: { '*': string } }>(`${CONSOLE_PREFIX}*`, async (request, reply) => {
      const relative = request.params['*'];
      const file = await existingFile(root, relative);
      if (file && file !== 'index.html')
        return reply.header('cache-control', relative.startsWith('assets/') ? IMMUTABLE : REVALIDATE).sendFile(file, root);
      if (relative.startsWith('assets/')) throw notFound(`No console asset ${relative}`);
      return sendIndex(reply, root);
    });
  });
};
