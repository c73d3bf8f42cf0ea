import type { DeadLetterItem } from '../api/admin-types.js';

/** A dead letter is unique by where it lives: the same id may exist on both transports or in two services. */
export const deadLetterKey = (item: Pick<DeadLetterItem, 'service' | 'transport' | 'id'>): string =>
  `${item.service}/${item.transport}/${item.id}`;

const timeOf = (item: DeadLetterItem): number => (item.deadAt ? Date.parse(item.deadAt) : Number.NEGATIVE_INFINITY);

/** Every service's letters in one list, newest first (letters without a time last), each letter once. */
export const mergeNewestFirst = (lists: readonly (readonly DeadLetterItem[])[]): DeadLetterItem[] => {
  const unique = new Map<string, DeadLetterItem>();
  for (const item of lists.flat()) if (!unique.has(deadLetterKey(item))) unique.set(deadLetterKey(item), item);
  return [...unique.values()].sort((a, b) => timeOf(b) - timeOf(a) || deadLetterKey(a).localeCompare(deadLetterKey(b)));
};
