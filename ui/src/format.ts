/**
 * Dates, times and counts as the reader's browser reads them (navigator.language): an Australian
 * firm reads 7/12/2026 for the 7th of December, an American one 12/7/2026. Every page formats
 * through here, so no page falls back to another locale's order. The browser's own time zone holds.
 */
const locale = (): string => navigator.language;

const asDate = (at: string | Date) => (typeof at === 'string' ? new Date(at) : at);

/** "7/12/2026" (en-AU), "12/7/2026" (en-US). */
export const formatDate = (at: string | Date): string => asDate(at).toLocaleDateString(locale(), { day: 'numeric', month: 'numeric', year: 'numeric' });

/** "14:05", on a 24-hour clock everywhere: a sync log reads best without am/pm. */
export const formatTime = (at: string | Date): string => asDate(at).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "7/12/2026, 14:05:09": when something synced, to the second, as a sync log reads. */
export const formatDateTime = (at: string | Date): string =>
  asDate(at).toLocaleString(locale(), { day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** A calendar day (YYYY-MM-DD, no time zone) as "7 Dec" (en-AU) or "Dec 7" (en-US). */
export const formatDayMonth = (day: string): string => new Date(`${day}T00:00:00Z`).toLocaleDateString(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "1,234" (en-AU), "1.234" (de-DE). */
export const formatCount = (n: number): string => n.toLocaleString(locale());
