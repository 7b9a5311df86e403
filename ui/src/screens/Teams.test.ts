import "../test/tauri";
import { beforeEach, describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import Teams from "./Teams.svelte";
import { calls, commandError, onCommand, resetCommands } from "../test/tauri";
import { person, wave } from "../test/fixtures";
import type { TeamCheck } from "../lib/types";

const people = [
  person("A1", "Amara", "Okafor", "Female", "Oak", ["B2"]),
  person("B2", "Jack", "Smith", "Male", "Park", ["A1"]),
  person("C3", "Priya", "Patel", "Female", "Park"),
  person("D4", "Kofi", "Mensah", "Male", "Oak"),
];

const allMet: TeamCheck = { breaches: [], balance: 2, bound: 1.5, simple_bound: 1.5, gap: 0.25, repeats: 0, same_school_pairs: 0 };

beforeEach(() => {
  resetCommands();
  onCommand("list_participants", () => people);
  onCommand("attribute_counts", () => [
    { attribute: "gender", values: [{ value: "Female", count: 2 }, { value: "Male", count: 2 }] },
    { attribute: "school", values: [{ value: "Oak", count: 2 }, { value: "Park", count: 2 }] },
  ]);
  onCommand("list_team_sets", () => []);
  onCommand("forming_progress", () => ({ running: false, elapsed_ms: 0, limit_ms: 0, best_broken: null, best_balance: null }));
  onCommand("form_teams", () => ({
    teams: 2,
    placements: [
      { participant_id: "uuid-A1", team: 0, pinned: false },
      { participant_id: "uuid-B2", team: 1, pinned: false },
      { participant_id: "uuid-C3", team: 1, pinned: false },
      { participant_id: "uuid-D4", team: 0, pinned: false },
    ],
    check: allMet,
  }));
});

async function formTeams(user: ReturnType<typeof userEvent.setup>) {
  const button = await screen.findByTestId("form-teams");
  await expect.poll(() => (button as HTMLButtonElement).disabled).toBe(false);
  await user.click(button);
  await screen.findByTestId("rules-met");
}

describe("the Teams screen", () => {
  it("forms teams with the chosen options and shows them side by side with the gap to the bound", async () => {
    const user = userEvent.setup();
    render(Teams, { wave });
    await formTeams(user);
    const request = calls.find((c) => c.command === "form_teams")!.args.request as { sizes: unknown; balance: { name: string }[] };
    expect(request.sizes).toEqual({ kind: "target_size", size: 12 });
    expect(request.balance.map((b) => b.name)).toContain("gender");
    const teams = screen.getAllByTestId("team");
    expect(teams).toHaveLength(2);
    expect(within(teams[0]!).getAllByTestId("team-member").map((m) => m.textContent)).toEqual([
      expect.stringContaining("Kofi Mensah"),
      expect.stringContaining("Amara Okafor"),
    ]);
    expect(screen.getByTestId("balance").textContent).toMatch(/within 25.0% of the best possible/);
  });

  it("moving someone by keyboard checks the teams again and shows the broken rule", async () => {
    const user = userEvent.setup();
    render(Teams, { wave });
    await formTeams(user);
    onCommand("check_teams", ({ placements }) => {
      const a = (placements as { participant_id: string; team: number }[]).find((p) => p.participant_id === "uuid-A1")!;
      return a.team === 1
        ? { ...allMet, breaches: [{ rule: "apart", message: "Amara Okafor and Jack Smith (friends) are both in team 2", participants: ["uuid-A1", "uuid-B2"] }] }
        : allMet;
    });
    const amara = screen.getByRole("combobox", { name: "Move Amara Okafor to another team" });
    await user.selectOptions(amara, "1");
    expect((await screen.findByTestId("rule-warnings")).textContent).toMatch(/Amara Okafor and Jack Smith \(friends\)/);
    const second = screen.getAllByTestId("team")[1]!;
    expect(within(second).getAllByTestId("team-member").some((m) => m.className.includes("flagged"))).toBe(true);
  });

  it("says why teams cannot be formed as asked", async () => {
    onCommand("form_teams", () => commandError("invalid_teams", "100 teams need at least 100 people; the wave has 4"));
    const user = userEvent.setup();
    render(Teams, { wave });
    const button = await screen.findByTestId("form-teams");
    await expect.poll(() => (button as HTMLButtonElement).disabled).toBe(false);
    await user.click(button);
    expect((await screen.findByTestId("teams-error")).textContent).toMatch(/100 teams need at least 100 people/);
  });

  it("new teams for the next activity mix people who were together in the saved sets, without the old pins", async () => {
    onCommand("list_team_sets", () => [
      {
        id: "set-1",
        wave_id: wave.id,
        name: "Day 1 – raft build",
        saved_at: "2027-07-21T09:00:00Z",
        settings: "{}",
        placements: [
          { participant_id: "uuid-A1", team: 0, pinned: true },
          { participant_id: "uuid-B2", team: 1, pinned: false },
          { participant_id: "uuid-C3", team: 1, pinned: false },
          { participant_id: "uuid-D4", team: 0, pinned: false },
        ],
      },
    ]);
    onCommand("form_teams", () => ({
      teams: 2,
      placements: [
        { participant_id: "uuid-A1", team: 0, pinned: false },
        { participant_id: "uuid-B2", team: 1, pinned: false },
        { participant_id: "uuid-C3", team: 0, pinned: false },
        { participant_id: "uuid-D4", team: 1, pinned: false },
      ],
      check: { ...allMet, repeats: 0 },
    }));
    onCommand("check_teams", () => allMet);
    const user = userEvent.setup();
    render(Teams, { wave });
    await user.click(await screen.findByTestId("saved-team-set"));
    const next = await screen.findByTestId("next-activity");
    await user.click(next);
    expect((await screen.findByTestId("repeats")).textContent).toMatch(/Nobody shares a team with someone they were with/);
    const formed = calls.filter((c) => c.command === "form_teams").at(-1)!;
    expect((formed.args.request as { avoid_repeats: boolean }).avoid_repeats).toBe(true);
    expect(formed.args.pinned).toEqual([]);
  });
});
