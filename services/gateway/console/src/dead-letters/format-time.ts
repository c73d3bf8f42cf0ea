/** A timestamp as the admin's local date and time; the API's null (unknown) as a dash. */
export const formatTime = (iso: string | null): string => {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};
