/** Reads a JWT's header and claims without verifying it (the tests only look; the services verify). */
export const decodeJwt = (token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } => {
  const [header, claims] = token.split('.');
  const decode = (part: string | undefined): Record<string, unknown> =>
    JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: decode(header), claims: decode(claims) };
};

export const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
