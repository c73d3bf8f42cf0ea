/** Times in the operator's locale, to the second (sagas move in seconds), with the date when not today. */
export const formatTime = (iso: string | null | undefined): string => {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const sameDay = at.toDateString() === new Date().toDateString();
  return sameDay ? at.toLocaleTimeString() : at.toLocaleString();
};
