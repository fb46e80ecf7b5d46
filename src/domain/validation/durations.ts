const UNIT_MINUTES = { m: 1, h: 60, d: 24 * 60, w: 7 * 24 * 60 } as const;
type Unit = keyof typeof UNIT_MINUTES;

const DURATION = /^(?:\d+\s*[mhdw]\s*)+$/i;
const PART = /(\d+)\s*([mhdw])/gi;

/** "90m", "2h", "1d", "1h30m" -> minutes; null when it isn't a duration. */
export function parseDurationMinutes(text: string): number | null {
  const compact = text.trim().toLowerCase();
  if (!DURATION.test(compact)) return null;
  let minutes = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) {
    minutes += Number(amount) * UNIT_MINUTES[unit as Unit];
  }
  return minutes;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A due date: relative ("3d", "2h", "1w") from now, an ISO date (the end of that day, UTC) or an
 * ISO date-time (UTC unless it says otherwise). null when it is none of these.
 */
export function parseDue(text: string, now: Date): Date | null {
  const value = text.trim();
  const minutes = parseDurationMinutes(value);
  if (minutes !== null) {
    const date = new Date(now.getTime() + minutes * 60_000);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  if (ISO_DATE.test(value)) return validDate(`${value}T23:59:59.999Z`, value);
  if (ISO_DATE_TIME.test(value)) {
    const normalized = value.replace(" ", "T");
    const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(normalized) ? normalized : `${normalized}Z`;
    return validDate(zoned, value.slice(0, 10));
  }
  return null;
}

/** Rejects dates JavaScript "repairs" (2025-02-30 -> March 2nd). */
function validDate(iso: string, datePart: string): Date | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const [year, month, day] = datePart.split("-").map(Number);
  const calendar = new Date(Date.UTC(year!, month! - 1, day!));
  return calendar.getUTCDate() === day && calendar.getUTCMonth() === month! - 1 ? date : null;
}
