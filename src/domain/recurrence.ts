import type { Recurrence } from "./task-states.ts";
import { addDays, type WallTime, wallTimeIn, weekdayOf, zonedInstant } from "./time-zone.ts";

/** How a card and a list say it: "Repeats weekly", "Repeats on weekdays". */
export const RECURRENCE_WORDS: Record<Recurrence, string> = {
  daily: "daily",
  weekdays: "on weekdays",
  weekly: "weekly",
  monthly: "monthly",
};

/** One period after `wall`, on the wall clock (a daily 09:00 stays 09:00 across a DST change). */
function step(wall: WallTime, recurrence: Recurrence): WallTime {
  switch (recurrence) {
    case "daily":
      return addDays(wall, 1);
    case "weekly":
      return addDays(wall, 7);
    case "weekdays": {
      let next = addDays(wall, 1);
      while (weekdayOf(next) === 0 || weekdayOf(next) === 6) next = addDays(next, 1);
      return next;
    }
    case "monthly": {
      // The 31st of a month without one is its last day.
      const month = wall.month === 12 ? 1 : wall.month + 1;
      const year = wall.month === 12 ? wall.year + 1 : wall.year;
      const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
      return { ...wall, year, month, day: Math.min(wall.day, lastDay) };
    }
  }
}

/**
 * The next occurrence's due date: one period after `from` (the previous due date, or the completion
 * when there was none), read on the wall clock of `timeZone`; periods are added until it is after
 * `now`, so a task closed late does not start its next occurrence overdue.
 */
export function nextDue(from: Date, recurrence: Recurrence, timeZone: string, now: Date): Date {
  let wall = wallTimeIn(from, timeZone);
  let next = from;
  for (let i = 0; i < 5000 && next.getTime() <= Math.max(now.getTime(), from.getTime()); i += 1) {
    wall = step(wall, recurrence);
    next = zonedInstant(wall, timeZone);
  }
  return next;
}
