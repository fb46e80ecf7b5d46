import {
  addDays,
  DEFAULT_TIME_ZONE,
  type WallTime,
  wallTimeIn,
  weekdayOf,
  zonedInstant,
} from "../time-zone.ts";

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

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const DAY_WORDS = /^(today|tomorrow|sun|mon|tue|wed|thu|fri|sat)[a-z]*(?:\s+(?:at\s+)?(.+))?$/i;
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const FULL_WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const CLOCK = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i;

/**
 * A due date: relative ("3d", "2h", "1w") from now; an ISO date (the end of that day) or date-time
 * (`2030-03-01 17:00`), read in `timeZone` unless it carries Z or an offset; or a day word with an
 * optional time (`tomorrow 9:00`, `friday`, `fri 5pm`, `today 17:30`), also in `timeZone` — a day
 * without a time means its end. A weekday is the next one after today. null when it is none of these.
 */
export function parseDue(text: string, now: Date, timeZone: string = DEFAULT_TIME_ZONE): Date | null {
  const value = text.trim();
  const minutes = parseDurationMinutes(value);
  if (minutes !== null) {
    const date = new Date(now.getTime() + minutes * 60_000);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const date = ISO_DATE.exec(value);
  if (date) {
    const day = calendarDay(date);
    return day && zonedInstant({ ...day, ...END_OF_DAY }, timeZone);
  }
  const dateTime = ISO_DATE_TIME.exec(value);
  if (dateTime) return readDateTime(dateTime, timeZone);
  return readDayWords(value, now, timeZone);
}

const END_OF_DAY = { hour: 23, minute: 59, second: 59, millisecond: 999 };

function readDateTime(match: RegExpExecArray, timeZone: string): Date | null {
  const day = calendarDay(match);
  const [hour, minute, second, fraction, offset] = [match[4], match[5], match[6], match[7], match[8]];
  const clock = {
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? 0),
    millisecond: Number((fraction ?? "0").padEnd(3, "0")),
  };
  if (!day || clock.hour > 23 || clock.minute > 59 || clock.second > 59) return null;
  if (!offset) return zonedInstant({ ...day, ...clock }, timeZone);
  const iso = `${match[1]}-${match[2]}-${match[3]}T${hour}:${minute}:${second ?? "00"}.${String(clock.millisecond).padStart(3, "0")}`;
  const zoned = new Date(
    `${iso}${offset.toUpperCase() === "Z" ? "Z" : offset.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")}`,
  );
  return Number.isNaN(zoned.getTime()) ? null : zoned;
}

function readDayWords(value: string, now: Date, timeZone: string): Date | null {
  const match = DAY_WORDS.exec(value);
  if (!match) return null;
  const word = value.split(/\s+/)[0]!.toLowerCase();
  const today = wallTimeIn(now, timeZone);
  let day: WallTime;
  if (word === "today") day = today;
  else if (word === "tomorrow") day = addDays(today, 1);
  else {
    const weekday = WEEKDAYS.indexOf(match[1]!.toLowerCase());
    // "fri", "friday" — not "frog".
    if (word !== WEEKDAYS[weekday] && word !== FULL_WEEKDAYS[weekday]) return null;
    const ahead = (weekday - weekdayOf(today) + 7) % 7 || 7;
    day = addDays(today, ahead);
  }
  if (match[2] === undefined) return zonedInstant({ ...day, ...END_OF_DAY }, timeZone);
  const clock = CLOCK.exec(match[2].trim());
  if (!clock) return null;
  let hour = Number(clock[1]);
  const minute = Number(clock[2] ?? 0);
  const half = clock[3]?.toLowerCase();
  if (half) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (half === "pm" ? 12 : 0);
  } else if (clock[2] === undefined) return null;
  if (hour > 23 || minute > 59) return null;
  return zonedInstant({ ...day, hour, minute, second: 0, millisecond: 0 }, timeZone);
}

/** The match's year, month, day; null for dates JavaScript would "repair" (2025-02-30 -> March 2nd). */
function calendarDay(match: RegExpExecArray): Pick<WallTime, "year" | "month" | "day"> | null {
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return calendar.getUTCDate() === day &&
    calendar.getUTCMonth() === month - 1 &&
    calendar.getUTCFullYear() === year
    ? { year, month, day }
    : null;
}
