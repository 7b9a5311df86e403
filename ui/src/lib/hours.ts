// Volunteering hours as staff read and type them: whole minutes shown as "1 h 30 min",
// times of day, today's date in Europe/London, and the problems of a refused batch.
import { commands } from "../bindings";
import type { Decision, HoursProblem } from "../bindings";
import { call, CommandError } from "./api";

/** 90 → "1 h 30 min", 960 → "16 h", 45 → "45 min" (as the CLI and reports write them). */
export function hoursAndMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/**
 * Reads a length of time as staff type it: "90" (minutes), "1:30", "1h30", "1 h 30 min",
 * "2h", "45m". Returns whole minutes or an error message.
 */
export function parseDuration(text: string): { ok: true; minutes: number } | { ok: false; error: string } {
  const t = text.trim().toLowerCase();
  let match = /^(\d+)$/.exec(t);
  if (match) return { ok: true, minutes: Number(match[1]) };
  match = /^(\d+):([0-5]\d)$/.exec(t);
  if (match) return { ok: true, minutes: Number(match[1]) * 60 + Number(match[2]) };
  match = /^(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*(m(?:in(?:ute)?s?)?)?)?$/.exec(t);
  // Bare minutes after the hours ("1h30") need no unit; on their own they were read above.
  if (t !== "" && match && (match[1] !== undefined || match[3] !== undefined)) {
    return { ok: true, minutes: Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0) };
  }
  return { ok: false, error: `“${text.trim()}” is not a length of time: write 90, 1:30 or 1h30` };
}

/** Minutes from a start to an end time of the same day ("09:30" to "12:15" → 165). */
export function minutesBetween(start: string, end: string): { ok: true; minutes: number } | { ok: false; error: string } {
  const read = (t: string) => {
    const m = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(t.trim());
    return m ? Number(m[1]) * 60 + Number(m[2]) : null;
  };
  const a = read(start);
  const b = read(end);
  if (a === null) return { ok: false, error: `Start “${start}” is not a time: write it as 09:30` };
  if (b === null) return { ok: false, error: `End “${end}” is not a time: write it as 12:15` };
  if (b <= a) return { ok: false, error: "The end time must be after the start time" };
  return { ok: true, minutes: b - a };
}

/** Today's date in Europe/London as YYYY-MM-DD, whatever the laptop's time zone. */
export function londonToday(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** The problems of a refused batch, or none when the error is something else. */
export function hoursProblems(e: unknown): HoursProblem[] {
  if (!(e instanceof CommandError) || e.code !== "hours_rejected") return [];
  return e.details?.kind === "hours_problems" ? e.details.problems : [];
}

/** Whether every problem is a likely duplicate, which staff may confirm. */
export function onlyDuplicates(problems: HoursProblem[]): boolean {
  return problems.length > 0 && problems.every((p) => p.code === "likely_duplicate");
}

/** How far along a milestone someone is, 0 to 100. */
export function percent(counted: number, needed: number): number {
  if (needed <= 0) return 100;
  return Math.min(100, Math.round((counted / needed) * 100));
}

/** How a participant is offered in a picker: "Amara Okafor (NCS27-010000)". */
export function participantLabel(p: { record: { first_name: string; last_name: string; external_id: string } }): string {
  return `${p.record.first_name} ${p.record.last_name} (${p.record.external_id})`.replace(/\s+/g, " ");
}

/**
 * The participant typed into a picker: their label, their roster id, or a name only one
 * person has (any case). Null when nobody or several people match.
 */
export function findParticipant<P extends { id: string; record: { first_name: string; last_name: string; external_id: string } }>(
  text: string,
  people: P[],
): P | null {
  const t = text.trim().toLowerCase();
  if (t === "") return null;
  const exact = people.find((p) => participantLabel(p).toLowerCase() === t || p.record.external_id.toLowerCase() === t);
  if (exact) return exact;
  const named = people.filter((p) => `${p.record.first_name} ${p.record.last_name}`.toLowerCase() === t);
  return named.length === 1 ? named[0]! : null;
}

/** When something was recorded, as staff in the UK read it: "21/07/2027 14:05". */
export function formatInstant(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("day")}/${part("month")}/${part("year")} ${part("hour")}:${part("minute")}`;
}

/** Why a coordinator cannot decide yet (no name written), or null: every decision records who made it. */
export function coordinatorMissing(coordinator: string): string | null {
  return coordinator.trim() === "" ? "Write your name first: every decision records who made it." : null;
}

/** Records a coordinator's decision on entries, made at the laptop (no signature): all of
 * them, or none when any cannot be decided. */
export function decideAsCoordinator(entryIds: string[], decision: Decision, coordinator: string): Promise<unknown> {
  return call(commands.decideManyHours(entryIds, decision, coordinator));
}

const TYPED = "typed:";

/** A signature typed from the keyboard (the name), kept beside drawn ones as `typed:NAME`;
 * empty when nothing is typed, so that it counts as not signed. */
export function typedSignature(name: string): string {
  return name.trim() === "" ? "" : `${TYPED}${name}`;
}

/** The name of a typed signature, or null for a drawn one (SVG path data). */
export function signatureTyped(signature: string): string | null {
  return signature.startsWith(TYPED) ? signature.slice(TYPED.length) : null;
}
