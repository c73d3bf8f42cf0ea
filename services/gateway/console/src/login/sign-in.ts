import { ApiProblem, createApiClient, type Problem } from '../api/api-client.js';

export class NotAnAdminError extends Error {
  constructor() {
    super('This account is not an admin.');
    this.name = 'NotAnAdminError';
  }
}

interface TokenAnswer {
  accessToken: string;
}

/**
 * Signs in with the public token route, then asks for one saga to learn whether the token is an admin's: the
 * console stores nothing, so a customer's token is dropped right here.
 */
export const signIn = async (email: string, password: string): Promise<string> => {
  const response = await fetch('/api/auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as Partial<Problem>;
    throw new ApiProblem({ ...body, status: response.status, title: body.title ?? response.statusText });
  }
  const { accessToken } = (await response.json()) as TokenAnswer;
  try {
    await createApiClient(accessToken, () => undefined).get('/api/admin/sagas', { limit: 1 });
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 403) throw new NotAnAdminError();
    throw error;
  }
  return accessToken;
};
