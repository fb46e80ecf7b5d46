/** Wall-clock time in a named zone, with Intl only (no time-zone package). */

export const DEFAULT_TIME_ZONE = "UTC";

/** A wall-clock reading: month 1–12, weekday 0 (Sunday) – 6. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The IANA name as Intl spells it ("europe/berlin" -> "Europe/Berlin"), or null when it is no zone. */
export function canonicalTimeZone(name: string): string | null {
  const trimmed = name.trim();
  // Offsets like "+01:00" are accepted by Intl but are not places: DST would be wrong half the year.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(trimmed)) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The wall clock in `timeZone` at `date`. */
export function wallTimeIn(date: Date, timeZone: string): WallTime {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(date)
      .filter((part) => part.type !== "literal")
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    millisecond: date.getUTCMilliseconds(),
  };
}

/** The zone's offset from UTC at `date`, in ms (Berlin in winter: +3 600 000). */
function offsetAt(date: Date, timeZone: string): number {
  const wall = wallTimeIn(date, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - (date.getTime() - date.getUTCMilliseconds());
}

/**
 * The instant the wall clock in `timeZone` reads `wall`. A time skipped by a DST jump is read with
 * the offset before it (02:30 on the spring-forward night is 03:30); a repeated one, as Intl finds it.
 */
export function zonedInstant(wall: WallTime, timeZone: string): Date {
  const asUtc = Date.UTC(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour,
    wall.minute,
    wall.second,
    wall.millisecond,
  );
  const first = offsetAt(new Date(asUtc), timeZone);
  const guess = asUtc - first;
  const second = offsetAt(new Date(guess), timeZone);
  if (second === first) return new Date(guess);
  const retry = asUtc - second;
  if (offsetAt(new Date(retry), timeZone) === second) return new Date(retry);
  // In a gap: read with the offset in force before the jump.
  return new Date(asUtc - offsetAt(new Date(asUtc - 86_400_000), timeZone));
}

/** The calendar day `days` after the wall time's day (month and year roll over). */
export function addDays(wall: WallTime, days: number): WallTime {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday, of the wall time's calendar day. */
export function weekdayOf(wall: WallTime): number {
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
}

/** The first instant of the day `date` falls on, in `timeZone`. */
export function startOfDay(date: Date, timeZone: string): Date {
  const wall = wallTimeIn(date, timeZone);
  return zonedInstant({ ...wall, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}
