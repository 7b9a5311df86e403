// How sync is told to staff: one line for the header, and what needs their attention.
// Weeks offline are normal in the field, so "cannot reach the hub" is said calmly.
import type { SyncStatus_Serialize } from "../bindings";
import { plural } from "./format";

export type SyncStatus = SyncStatus_Serialize;

/** A laptop clock this far from the hub's (seconds) is pointed out. */
export const CLOCK_WARNING_SECONDS = 120;

export type SyncSummary = {
  /** The header's line. */
  text: string;
  /** "quiet": all is as expected; "attention": something staff should act on. */
  tone: "quiet" | "attention";
  /** Things to put right, each in plain words. */
  notices: string[];
};

const LONDON = "Europe/London";

function londonDay(at: Date): string {
  return at.toLocaleDateString("en-GB", { timeZone: LONDON, day: "2-digit", month: "2-digit", year: "numeric" });
}

function londonTime(at: Date): string {
  return at.toLocaleTimeString("en-GB", { timeZone: LONDON, hour: "2-digit", minute: "2-digit" });
}

/** "14:05" today, "21/07/2027 14:05" another day (Europe/London). */
export function whenSynced(iso: string, now: Date): string {
  const at = new Date(iso);
  return londonDay(at) === londonDay(now) ? londonTime(at) : `${londonDay(at)} ${londonTime(at)}`;
}

export function clockNotice(offsetSeconds: number | null): string | null {
  if (offsetSeconds === null || Math.abs(offsetSeconds) <= CLOCK_WARNING_SECONDS) return null;
  const minutes = Math.round(Math.abs(offsetSeconds) / 60);
  const way = offsetSeconds > 0 ? "fast" : "slow";
  return `This laptop's clock is ${plural(minutes, "minute")} ${way}: set it right so hours and changes are in order.`;
}

export function summarise(status: SyncStatus, now: Date = new Date()): SyncSummary {
  const waiting = status.pending === 0 ? "nothing waiting" : `${plural(status.pending, "change")} waiting`;
  if (!status.hub) {
    return { text: `Saved on this laptop · ${plural(status.pending, "change")} waiting to sync`, tone: "quiet", notices: [] };
  }
  const notices: string[] = [];
  const clock = clockNotice(status.clock_offset_seconds);
  if (clock) notices.push(clock);
  if (status.refused > 0) notices.push(`The hub refused ${plural(status.refused, "change")} from this laptop: see why under Sync.`);
  if (status.clamped > 0) {
    notices.push(
      `${plural(status.clamped, "change")} from other laptops ${status.clamped === 1 ? "was" : "were"} dated more than a day ahead of this laptop's clock: merged, but a laptop's clock is wrong. Ask your coordinator.`,
    );
  }
  const since = status.last_synced ? `last synced ${whenSynced(status.last_synced, now)}` : "not synced yet";
  if (status.problem && status.problem_code === "hub_unreachable") {
    return { text: `Offline · ${since} · ${waiting}`, tone: notices.length ? "attention" : "quiet", notices };
  }
  if (status.problem_code === "device_revoked") {
    notices.unshift(
      "Your organisation's administrator revoked this laptop at the hub. Everything stays saved here: ask them for a new code and link this laptop again under Sync.",
    );
    return { text: `Revoked at the hub · ${waiting}`, tone: "attention", notices };
  }
  if (status.problem) {
    notices.unshift(status.problem);
    return { text: `Sync needs attention · ${waiting}`, tone: "attention", notices };
  }
  const text = status.last_synced ? `Synced ${whenSynced(status.last_synced, now)} · ${waiting}` : `Not synced yet · ${waiting}`;
  return { text, tone: notices.length ? "attention" : "quiet", notices };
}
