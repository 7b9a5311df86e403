// The Teams screen's own logic: default options, grouping placements into teams, each
// team's mix of an attribute, and moving someone by hand.
import type { Participant, Placement, TeamRequest } from "./types";
import { attributeValue } from "./participants";

export const BALANCED_BY_DEFAULT = ["gender", "ethnicity", "faith", "school", "fsm"];
export const PROTECTED_BY_DEFAULT = ["gender", "ethnicity", "faith"];

export function defaultRequest(): TeamRequest {
  return {
    sizes: { kind: "target_size", size: 12 },
    balance: BALANCED_BY_DEFAULT.map((name) => ({ name, weight: 1 })),
    no_isolation: [...PROTECTED_BY_DEFAULT],
    avoid_repeats: true,
    seed: 1,
    seconds: 5,
  };
}

/** Team number → its members, in name order; teams numbered from 0. */
export function membersByTeam(placements: Placement[], people: Map<string, Participant>, teams: number): Participant[][] {
  const out: Participant[][] = Array.from({ length: teams }, () => []);
  for (const p of placements) {
    const person = people.get(p.participant_id);
    if (person && p.team < teams) out[p.team]!.push(person);
  }
  const byName = (a: Participant, b: Participant) =>
    `${a.record.last_name} ${a.record.first_name}`.localeCompare(`${b.record.last_name} ${b.record.first_name}`, "en-GB");
  for (const team of out) team.sort(byName);
  return out;
}

/** A team's people per value of an attribute, in the order of `values`. */
export function mix(members: Participant[], attribute: string, values: string[]): number[] {
  return values.map((v) => members.filter((m) => attributeValue(m, attribute) === v).length);
}

/** The placements with one person moved to another team (and unpinned there unless asked). */
export function moved(placements: Placement[], participantId: string, team: number, pinned?: boolean): Placement[] {
  return placements.map((p) => (p.participant_id === participantId ? { ...p, team, pinned: pinned ?? p.pinned } : p));
}
