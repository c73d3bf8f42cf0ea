import { UUID_PATTERN } from '@ordering/contracts';

const UUID = new RegExp(UUID_PATTERN);

/** True for exactly the strings PostgreSQL's uuid type accepts as we write them (no `urn:uuid:`, no braces). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
