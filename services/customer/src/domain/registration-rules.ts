/**
 * What a registration must satisfy. The HTTP schemas enforce these limits; the database enforces uniqueness of the
 * email's comparison key, so two registrations racing each other cannot both win.
 */
export const NAME_LENGTH = { min: 1, max: 100 } as const;
// RFC 5321 caps a forward path at 256 octets including the angle brackets.
export const EMAIL_MAX_LENGTH = 254;
export const PASSWORD_LENGTH = { min: 8, max: 200 } as const;

export const ADMIN_NAME = 'Administrator';

export interface Registration {
  name: string;
  /** Stored and returned exactly as given; only comparisons ignore case. */
  email: string;
  password: string;
}

/**
 * Emails are compared case-insensitively. Registration admits ASCII addresses only (the email format), so ASCII case
 * folding is exact, agrees with the database's lower() index on them, and maps no exotic letter (such as the Kelvin
 * sign) onto an ASCII one. The original spelling is kept for display.
 */
export const emailComparisonKey = (email: string): string => email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
