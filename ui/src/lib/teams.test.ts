import { describe, expect, it } from "vitest";
import { membersByTeam, mix, moved } from "./teams";
import { person } from "../test/fixtures";

const people = [person("A1", "Amara", "Okafor", "Female", "Oak"), person("B2", "Jack", "Smith", "Male", "Park"), person("C3", "Priya", "Patel", "Female", "Park")];
const byId = new Map(people.map((p) => [p.id, p]));
const placements = [
  { participant_id: "uuid-A1", team: 1, pinned: false },
  { participant_id: "uuid-B2", team: 0, pinned: false },
  { participant_id: "uuid-C3", team: 1, pinned: true },
];

describe("teams", () => {
  it("groups people by team, in name order", () => {
    const teams = membersByTeam(placements, byId, 2);
    expect(teams.map((t) => t.map((p) => p.record.external_id))).toEqual([["B2"], ["A1", "C3"]]);
  });

  it("counts a team's mix of an attribute in the order asked", () => {
    const [, second] = membersByTeam(placements, byId, 2);
    expect(mix(second!, "gender", ["Male", "Female"])).toEqual([0, 2]);
  });

  it("moves one person and keeps everyone else where they were", () => {
    const after = moved(placements, "uuid-A1", 0);
    expect(after.map((p) => p.team)).toEqual([0, 0, 1]);
    expect(after[2]!.pinned).toBe(true);
  });
});
