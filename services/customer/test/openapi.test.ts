import { describe, expect, it } from 'vitest';
import { useCustomerApp } from './support/use-customer-app.js';

describe('GET /docs/json', () => {
  const service = useCustomerApp();

  it('when the API document is read, then every public route is described and only /me and the admin routes ask for a bearer token', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/docs/json' });

    expect(response.statusCode).toBe(200);
    const { paths } = response.json();
    expect(
      Object.keys(paths)
        .filter((path) => path.startsWith('/api/'))
        .sort(),
    ).toEqual([
      '/api/admin/customer/dead-letters',
      '/api/admin/customer/dead-letters/{transport}/{id}',
      '/api/admin/customer/dead-letters/{transport}/{id}/replay',
      '/api/auth/token',
      '/api/customers',
      '/api/customers/me',
    ]);
    expect(paths['/api/customers'].post).toMatchObject({ tags: ['customers'], summary: expect.any(String) });
    expect(paths['/api/customers'].post.responses).toHaveProperty('201');
    expect(paths['/api/auth/token'].post).toMatchObject({ tags: ['auth'], summary: expect.any(String) });
    expect(paths['/api/auth/token'].post.security).toBeUndefined();
    expect(paths['/api/customers/me'].get).toMatchObject({ security: [{ bearerAuth: [] }] });
    expect(paths['/api/admin/customer/dead-letters'].get).toMatchObject({ tags: ['admin'], security: [{ bearerAuth: [] }] });
  });

  it('when the API document is read, then the messaging operator routes are tagged internal and the message intake is hidden', async () => {
    const { paths } = (await service.app.inject({ method: 'GET', url: '/docs/json' })).json();

    const internal = Object.keys(paths).filter((path) => !path.startsWith('/api/'));
    expect(internal).toEqual(expect.arrayContaining(['/internal/dead-letters', '/internal/outbox/dead']));
    expect(internal).not.toContain('/internal/messages');
    for (const path of internal) {
      for (const operation of Object.values(paths[path]) as { tags: string[] }[]) expect(operation.tags).toEqual(['internal']);
    }
  });
});
