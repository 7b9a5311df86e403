import { describe, expect, it } from "vitest";
import { gridRoles, isAway, leadingTurns, sessionRoles, turnAt, warningsAbout } from "./rota";
import type { Rota } from "./types";

const role = (id: string, leading = false, removed = false) => ({ id, programme_id: "p", name: id, leading, position: 0, removed });
const turn = (id: string, session_id: string, team: number, role_id: string, participant_id: string) => ({
  id,
  wave_id: "w",
  session_id,
  team,
  role_id,
  participant_id,
  locked: false,
  done: false,
});

const rota: Rota = {
  wave_id: "w",
  team_set_id: "set",
  team_set_name: "Day 1",
  roles: [role("lead", true), role("scribe"), role("old", false, true)],
  sessions: [
    { id: "s1", programme_id: "p", name: "Day 1 morning", position: 0, roles: ["lead", "scribe"], all_roles: true },
    { id: "s2", programme_id: "p", name: "Day 1 afternoon", position: 1, roles: ["scribe", "lead"], all_roles: false },
  ],
  teams: [["a", "b"], ["c", "d"]],
  turns: [turn("1", "s1", 0, "lead", "a"), turn("2", "s1", 0, "old", "b"), turn("3", "s2", 0, "lead", "b"), turn("4", "s2", 1, "lead", "c")],
  absences: [{ session_id: "s2", participant_id: "a" }],
  current_session_id: "s1",
  fairness: {
    warnings: [{ rule: "leads_in_turn", message: "m", session_id: "s2", team: 1, participants: ["c"] }],
    not_led_yet: ["d"],
    spreads: [],
    equal_status: [],
  },
};

describe("rota", () => {
  it("finds the holder of a cell and who is away", () => {
    expect(turnAt(rota, "s2", 1, "lead")?.participant_id).toBe("c");
    expect(turnAt(rota, "s2", 0, "scribe")).toBeUndefined();
    expect(isAway(rota, "s2", "a")).toBe(true);
    expect(isAway(rota, "s1", "a")).toBe(false);
  });

  it("orders a session's roles as the session lists them and keeps removed roles a team still holds", () => {
    expect(sessionRoles(rota, rota.sessions[1]!).map((r) => r.id)).toEqual(["scribe", "lead"]);
    expect(gridRoles(rota, 0).map((r) => r.id)).toEqual(["lead", "scribe", "old"]);
    expect(gridRoles(rota, 1).map((r) => r.id)).toEqual(["lead", "scribe"]);
  });

  it("counts leading turns and picks warnings by session and team", () => {
    expect(leadingTurns(rota)).toEqual(new Map([["a", 1], ["b", 1], ["c", 1]]));
    expect(warningsAbout(rota, "s2", 1)).toHaveLength(1);
    expect(warningsAbout(rota, "s2", 0)).toHaveLength(0);
    expect(warningsAbout(rota)).toHaveLength(1);
  });
});
