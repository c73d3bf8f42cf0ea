import { declareErrorCodes } from '@ordering/contracts';

/** The business errors the customer service raises (the generic ones are the platform's). */
export const CustomerErrors = declareErrorCodes({
  EMAIL_TAKEN: 'Email already registered',
  INVALID_CREDENTIALS: 'Invalid credentials',
});
