import { authenticate, principalOf, type HttpServer, type TokenVerifier } from '@ordering/platform';
import type { RunInTransaction } from '@ordering/messaging';
import type { CustomerDatabase, CustomerTx } from '../db/customer-database.js';
import type { PasswordHasher } from '../security/password-hashing.js';
import { findOwnProfile } from '../use-cases/find-own-profile.js';
import { registerCustomer } from '../use-cases/register-customer.js';
import { CustomerResponse, presentCustomer, RegistrationBody } from './customer-schemas.js';

export interface CustomerRouteDeps {
  database: CustomerDatabase;
  passwordHasher: PasswordHasher;
  verifier: TokenVerifier;
  /** Messaging's transaction: a registration's CustomerRegistered leaves right after its commit. */
  messaging: { transaction: RunInTransaction<CustomerTx> };
}

export const registerCustomerRoutes = (app: HttpServer, deps: CustomerRouteDeps): void => {
  app.post(
    '/api/customers',
    {
      schema: {
        tags: ['customers'],
        summary: 'Register a customer',
        description: 'Emails are unique regardless of case; the email is stored and returned exactly as given.',
        body: RegistrationBody,
        response: { 201: CustomerResponse },
      },
    },
    async (request, reply) => {
      const customer = await registerCustomer(deps.messaging.transaction, deps.passwordHasher, request.body);
      return reply.status(201).header('location', '/api/customers/me').send(presentCustomer(customer));
    },
  );

  app.get(
    '/api/customers/me',
    {
      onRequest: authenticate(deps.verifier, ['customer', 'admin']),
      schema: {
        tags: ['customers'],
        summary: 'The calling customer',
        security: [{ bearerAuth: [] }],
        response: { 200: CustomerResponse },
      },
    },
    async (request) => presentCustomer(await findOwnProfile(deps.database, principalOf(request).customerId)),
  );
};
