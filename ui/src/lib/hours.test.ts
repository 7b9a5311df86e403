import { describe, expect, it } from "vitest";
import { CommandError } from "./api";
import { findParticipant, formatInstant, hoursAndMinutes, hoursProblems, londonToday, minutesBetween, onlyDuplicates, parseDuration, participantLabel, percent, signatureTyped, typedSignature } from "./hours";

describe("hours as staff read and type them", () => {
  it("shows whole minutes as hours and minutes", () => {
    expect(hoursAndMinutes(45)).toBe("45 min");
    expect(hoursAndMinutes(960)).toBe("16 h");
    expect(hoursAndMinutes(90)).toBe("1 h 30 min");
  });

  it("reads every way of writing a length of time and refuses the rest", () => {
    for (const [text, minutes] of [["90", 90], ["1:30", 90], ["1h30", 90], ["1 h 30 min", 90], ["2h", 120], ["45m", 45], ["3 hours", 180]] as const) {
      expect(parseDuration(text)).toEqual({ ok: true, minutes });
    }
    for (const text of ["", "an hour", "1:75", "h"]) {
      expect(parseDuration(text).ok).toBe(false);
    }
  });

  it("counts the minutes between a start and an end time", () => {
    expect(minutesBetween("09:30", "12:15")).toEqual({ ok: true, minutes: 165 });
    expect(minutesBetween("9.00", "10.00")).toEqual({ ok: true, minutes: 60 });
    expect(minutesBetween("12:00", "09:00")).toEqual({ ok: false, error: "The end time must be after the start time" });
    expect(minutesBetween("25:00", "26:00").ok).toBe(false);
  });

  it("takes today's date from London, not the laptop's zone", () => {
    // 23:30 UTC on 21 July is already 22 July in London (BST); in January it is not.
    expect(londonToday(new Date(Date.UTC(2027, 6, 21, 23, 30)))).toBe("2027-07-22");
    expect(londonToday(new Date(Date.UTC(2027, 0, 21, 23, 30)))).toBe("2027-01-21");
  });

  it("finds the problems of a refused batch and whether staff may confirm them", () => {
    const duplicate = { row: 0, field: "organisation", code: "likely_duplicate" as const, message: "already logged" };
    const future = { row: 1, field: "date", code: "future_date" as const, message: "in the future" };
    const refused = (problems: unknown[]) =>
      new CommandError({ code: "hours_rejected", message: "x", details: { kind: "hours_problems", problems } as never });
    expect(hoursProblems(refused([duplicate]))).toEqual([duplicate]);
    expect(onlyDuplicates(hoursProblems(refused([duplicate])))).toBe(true);
    expect(onlyDuplicates(hoursProblems(refused([duplicate, future])))).toBe(false);
    expect(hoursProblems(new Error("other"))).toEqual([]);
  });

  it("shows when something was recorded in London time", () => {
    expect(formatInstant("2027-07-21T13:05:00.000Z")).toBe("21/07/2027 14:05");
    expect(formatInstant("2027-01-21T13:05:00Z")).toBe("21/01/2027 13:05");
  });

  it("caps progress at 100%", () => {
    expect(percent(480, 960)).toBe(50);
    expect(percent(2000, 960)).toBe(100);
  });
});

describe("picking a participant from the keyboard", () => {
  const person = (id: string, first: string, last: string, external: string) => ({ id, record: { first_name: first, last_name: last, external_id: external } });
  const people = [person("a", "Amara", "Okafor", "H1"), person("b", "Ben", "Quinn", "H2"), person("c", "Ben", "Quinn", "H3")];

  it("finds them by label, roster id or a name only one person has", () => {
    expect(findParticipant("Amara Okafor (H1)", people)?.id).toBe("a");
    expect(findParticipant("h2", people)?.id).toBe("b");
    expect(findParticipant("amara okafor", people)?.id).toBe("a");
  });

  it("finds nobody when the name is shared or unknown", () => {
    expect(findParticipant("Ben Quinn", people)).toBeNull();
    expect(findParticipant("Zed", people)).toBeNull();
    expect(participantLabel(people[1]!)).toBe("Ben Quinn (H2)");
  });
});

describe("typed signatures", () => {
  it("keeps a typed name apart from drawn path data, and nothing typed as not signed", () => {
    expect(typedSignature("Jo Bloggs")).toBe("typed:Jo Bloggs");
    expect(signatureTyped(typedSignature("Jo Bloggs"))).toBe("Jo Bloggs");
    expect(typedSignature("   ")).toBe("");
    expect(signatureTyped("M 10 20 L 30 40")).toBeNull();
  });
});
