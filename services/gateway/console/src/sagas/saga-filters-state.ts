import type { SagaCountsQuery, SagaStatus, SagaType } from '../api/admin-types.js';

export interface SagaFilters {
  status: SagaStatus | '';
  type: SagaType | '';
  reason: string;
  customerId: string;
  age: AgeChoice;
  search: string;
}

export const NO_FILTERS: SagaFilters = { status: '', type: '', reason: '', customerId: '', age: 'any', search: '' };

export type AgeChoice = 'any' | 'newer-1m' | 'newer-1h' | 'older-1m' | 'older-1h' | 'older-1d';

export const AGE_CHOICES: readonly {
  value: AgeChoice;
  label: string;
  query: Pick<SagaCountsQuery, 'olderThanSeconds' | 'newerThanSeconds'>;
}[] = [
  { value: 'any', label: 'any', query: {} },
  { value: 'newer-1m', label: '< 1 min', query: { newerThanSeconds: 60 } },
  { value: 'newer-1h', label: '< 1 h', query: { newerThanSeconds: 3600 } },
  { value: 'older-1m', label: '> 1 min', query: { olderThanSeconds: 60 } },
  { value: 'older-1h', label: '> 1 h', query: { olderThanSeconds: 3600 } },
  { value: 'older-1d', label: '> 1 day', query: { olderThanSeconds: 86_400 } },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (text: string): boolean => UUID.test(text.trim());

/** Ids that are not (yet) whole UUIDs are not sent: the API refuses them, and half-typed ids match nothing anyway. */
export const countsQueryOf = (filters: SagaFilters): SagaCountsQuery => ({
  ...(filters.type ? { type: filters.type } : {}),
  ...(filters.reason.trim() ? { reason: filters.reason.trim().toUpperCase() } : {}),
  ...(isUuid(filters.customerId) ? { customerId: filters.customerId.trim().toLowerCase() } : {}),
  ...(isUuid(filters.search) ? { q: filters.search.trim().toLowerCase() } : {}),
  ...(AGE_CHOICES.find((choice) => choice.value === filters.age)?.query ?? {}),
});

/** What the filters say that the API will not be asked about, for the page to tell the operator. */
export const unusableFilters = (filters: SagaFilters): string[] => [
  ...(filters.customerId.trim() && !isUuid(filters.customerId) ? ['Customer id must be a whole UUID.'] : []),
  ...(filters.search.trim() && !isUuid(filters.search) ? ['Search takes a whole saga, order or customer id (a UUID).'] : []),
];
