import { describe, expect, it } from "vitest";
import { nextDue } from "../../src/domain/recurrence.ts";
import { canonicalTimeZone } from "../../src/domain/time-zone.ts";
import { parseDue } from "../../src/domain/validation/durations.ts";

const iso = (date: Date | null) => date?.toISOString() ?? null;
// A Wednesday, 10:00 in Berlin (CET, UTC+1).
const NOW = new Date("2030-02-27T09:00:00.000Z");

describe("typed due dates, read in the server's time zone", () => {
  it("a Berlin server's 2030-03-01 17:00 is 16:00 UTC (17:00 in summer is 15:00 UTC)", () => {
    expect(iso(parseDue("2030-03-01 17:00", NOW, "Europe/Berlin"))).toBe("2030-03-01T16:00:00.000Z");
    expect(iso(parseDue("2030-07-01T17:00", NOW, "Europe/Berlin"))).toBe("2030-07-01T15:00:00.000Z");
    expect(iso(parseDue("2030-03-01 17:00", NOW, "UTC"))).toBe("2030-03-01T17:00:00.000Z");
    expect(iso(parseDue("2030-03-01 17:00", NOW))).toBe("2030-03-01T17:00:00.000Z");
  });

  it("an explicit offset or Z wins over the server's zone", () => {
    expect(iso(parseDue("2030-03-01T17:00Z", NOW, "Europe/Berlin"))).toBe("2030-03-01T17:00:00.000Z");
    expect(iso(parseDue("2030-03-01T17:00+05:30", NOW, "Europe/Berlin"))).toBe("2030-03-01T11:30:00.000Z");
  });

  it("a date alone is the end of that day there", () => {
    expect(iso(parseDue("2030-03-01", NOW, "Europe/Berlin"))).toBe("2030-03-01T22:59:59.999Z");
  });

  it("tomorrow 9:00, today 17:30, friday, fri 5pm — in the zone, a weekday being the next one", () => {
    expect(iso(parseDue("tomorrow 9:00", NOW, "Europe/Berlin"))).toBe("2030-02-28T08:00:00.000Z");
    expect(iso(parseDue("today 17:30", NOW, "Europe/Berlin"))).toBe("2030-02-27T16:30:00.000Z");
    expect(iso(parseDue("friday", NOW, "Europe/Berlin"))).toBe("2030-03-01T22:59:59.999Z");
    expect(iso(parseDue("fri 5pm", NOW, "Europe/Berlin"))).toBe("2030-03-01T16:00:00.000Z");
    // Today is a Wednesday: "wednesday" is next week's.
    expect(iso(parseDue("Wednesday at 9:00", NOW, "Europe/Berlin"))).toBe("2030-03-06T08:00:00.000Z");
    // In New York it is still Wednesday 04:00: tomorrow is Thursday there too.
    expect(iso(parseDue("tomorrow 9:00", NOW, "America/New_York"))).toBe("2030-02-28T14:00:00.000Z");
  });

  it("relative durations are from now, whatever the zone", () => {
    expect(iso(parseDue("3d", NOW, "Europe/Berlin"))).toBe("2030-03-02T09:00:00.000Z");
  });

  it("refuses what is not a date", () => {
    for (const text of ["frog", "tomorrow 25:00", "2030-02-30 10:00", "friday 13", "next week", "13pm"]) {
      expect(parseDue(text, NOW, "Europe/Berlin")).toBeNull();
    }
  });

  it("a time skipped by the spring DST jump is read with the offset before it", () => {
    // 2030-03-31 02:30 does not exist in Berlin (02:00 -> 03:00).
    expect(iso(parseDue("2030-03-31 02:30", NOW, "Europe/Berlin"))).toBe("2030-03-31T01:30:00.000Z");
    expect(iso(parseDue("2030-03-31 03:30", NOW, "Europe/Berlin"))).toBe("2030-03-31T01:30:00.000Z");
  });
});

describe("time zone names", () => {
  it("accepts IANA names in any case, refuses the rest", () => {
    expect(canonicalTimeZone("europe/berlin")).toBe("Europe/Berlin");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("Mars/Olympus")).toBeNull();
    expect(canonicalTimeZone("+01:00")).toBeNull();
    expect(canonicalTimeZone("")).toBeNull();
  });
});

describe("the next occurrence of a recurring task", () => {
  const berlin = "Europe/Berlin";
  it("weekly: a week after the previous due date", () => {
    const due = new Date("2030-03-04T08:00:00.000Z"); // Monday 09:00 Berlin
    expect(iso(nextDue(due, "weekly", berlin, due))).toBe("2030-03-11T08:00:00.000Z");
  });

  it("daily keeps the wall clock across a DST change (09:00 stays 09:00)", () => {
    const due = new Date("2030-03-30T08:00:00.000Z"); // Saturday 09:00 CET
    expect(iso(nextDue(due, "daily", berlin, due))).toBe("2030-03-31T07:00:00.000Z"); // 09:00 CEST
  });

  it("weekdays skips the weekend", () => {
    const friday = new Date("2030-03-01T16:00:00.000Z");
    expect(iso(nextDue(friday, "weekdays", berlin, friday))).toBe("2030-03-04T16:00:00.000Z");
  });

  it("monthly: the same day next month, or the month's last day", () => {
    const jan31 = new Date("2030-01-31T12:00:00.000Z");
    expect(iso(nextDue(jan31, "monthly", "UTC", jan31))).toBe("2030-02-28T12:00:00.000Z");
    const dec15 = new Date("2030-12-15T12:00:00.000Z");
    expect(iso(nextDue(dec15, "monthly", "UTC", dec15))).toBe("2031-01-15T12:00:00.000Z");
  });

  it("a task closed late does not start its next occurrence overdue", () => {
    const due = new Date("2030-03-01T09:00:00.000Z");
    const now = new Date("2030-03-03T12:00:00.000Z");
    expect(iso(nextDue(due, "daily", "UTC", now))).toBe("2030-03-04T09:00:00.000Z");
  });
});
