import "../test/tauri";
import { beforeEach, describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import HoursLog from "./HoursLog.svelte";
import { calls, commandError, onCommand, resetCommands } from "../test/tauri";
import { person, wave } from "../test/fixtures";
import { londonToday } from "../lib/hours";
import type { TeamSet } from "../lib/types";

const people = [
  person("A1", "Amara", "Okafor", "Female", "Oak"),
  person("B2", "Jack", "Smith", "Male", "Park"),
  person("C3", "Priya", "Patel", "Female", "Park"),
];
const sets: TeamSet[] = [
  {
    id: "s1",
    wave_id: wave.id,
    name: "Volunteering groups",
    saved_at: "2027-07-01T09:00:00Z",
    settings: "{}",
    placements: [
      { participant_id: "uuid-A1", team: 0, pinned: false },
      { participant_id: "uuid-B2", team: 0, pinned: false },
      { participant_id: "uuid-C3", team: 1, pinned: false },
    ],
  },
];

function entriesFor(rows: { minutes: number }[]) {
  return rows.map((r, i) => ({ id: `e${i}`, minutes: r.minutes }));
}

let logged: { count: number; minutes: number } | null = null;

beforeEach(() => {
  resetCommands();
  logged = null;
  onCommand("log_hours", (args) => entriesFor(args.rows as { minutes: number }[]));
  onCommand("list_placements", () => []);
});

function show() {
  render(HoursLog, {
    wave,
    people,
    organisations: [{ id: "o1", name: "Hope Food Bank", contact: "", address: "" }],
    sets,
    onlogged: (count: number, minutes: number) => (logged = { count, minutes }),
  });
}

const logCalls = () => calls.filter((c) => c.command === "log_hours");

describe("logging hours", () => {
  it("takes one entry from the keyboard alone", async () => {
    const user = userEvent.setup();
    show();
    await user.type(screen.getByTestId("log-who"), "Amara Okafor (A1)");
    await user.type(screen.getByTestId("log-organisation"), "Hope Food Bank");
    await user.type(screen.getByTestId("log-time"), "1h30{Enter}");
    await expect.poll(() => logCalls().length).toBe(1);
    const rows = logCalls()[0]!.args.rows as Record<string, unknown>[];
    expect(rows).toEqual([
      { participant: "uuid-A1", organisation: "Hope Food Bank", date: londonToday(), minutes: 90, activity: "", supervision: null },
    ]);
    expect(logCalls()[0]!.args.allowDuplicate).toBe(false);
    expect(logged).toEqual({ count: 1, minutes: 90 });
  });

  it("logs a team's session as one entry for each person who came, from the start and end", async () => {
    const user = userEvent.setup();
    show();
    await user.click(screen.getByTestId("log-mode-team"));
    await user.type(screen.getByTestId("log-team-organisation"), "Hope Food Bank");
    await user.type(screen.getByTestId("log-start"), "09:30");
    await user.type(screen.getByTestId("log-end"), "12:00");
    const came = screen.getAllByTestId("log-came");
    expect(came).toHaveLength(2);
    await user.click(came[1]!);
    expect(screen.getByTestId("log-save").textContent).toContain("Log 1 entry");
    await user.click(screen.getByTestId("log-save"));
    await expect.poll(() => logCalls().length).toBe(1);
    const rows = logCalls()[0]!.args.rows as { participant: string; minutes: number }[];
    expect(rows.map((r) => [r.participant, r.minutes])).toEqual([["uuid-A1", 150]]);
  });

  it("refuses an end before the start without calling Rust", async () => {
    const user = userEvent.setup();
    show();
    await user.click(screen.getByTestId("log-mode-team"));
    await user.type(screen.getByTestId("log-start"), "12:00");
    await user.type(screen.getByTestId("log-end"), "09:00");
    await user.click(screen.getByTestId("log-save"));
    expect((await screen.findByTestId("log-error")).textContent).toBe("The end time must be after the start time");
    expect(logCalls()).toHaveLength(0);
  });

  it("asks before logging a likely duplicate, and logs it when staff say it is separate", async () => {
    const user = userEvent.setup();
    onCommand("log_hours", (args) =>
      args.allowDuplicate
        ? entriesFor(args.rows as { minutes: number }[])
        : commandError("hours_rejected", "already logged; nothing was saved", {
            kind: "hours_problems",
            problems: [{ row: 0, field: "organisation", code: "likely_duplicate", message: "hours at Hope Food Bank on 21/07/2027 are already logged for this participant" }],
          }),
    );
    show();
    await user.type(screen.getByTestId("log-who"), "A1");
    await user.type(screen.getByTestId("log-organisation"), "Hope Food Bank");
    await user.type(screen.getByTestId("log-time"), "60{Enter}");
    const problems = await screen.findByTestId("log-problems");
    expect(problems.textContent).toContain("These look like hours already logged");
    expect(logged).toBeNull();
    await user.click(screen.getByTestId("log-anyway"));
    await expect.poll(() => logCalls().length).toBe(2);
    expect(logCalls()[1]!.args.allowDuplicate).toBe(true);
    expect(logged).toEqual({ count: 1, minutes: 60 });
  });

  it("shows every problem of a refused sheet against its row", async () => {
    const user = userEvent.setup();
    onCommand("log_hours", () =>
      commandError("hours_rejected", "2 problems with the hours; nothing was saved", {
        kind: "hours_problems",
        problems: [{ row: 1, field: "date", code: "future_date", message: "22/07/2027 is in the future (today is 21/07/2027)" }],
      }),
    );
    show();
    await user.click(screen.getByTestId("log-mode-sheet"));
    const who = screen.getAllByTestId("sheet-who");
    const time = screen.getAllByTestId("sheet-time");
    await user.type(who[0]!, "A1");
    await user.type(time[0]!, "60");
    // Row 2 is left empty; row 3 is the batch's second row.
    await user.type(who[2]!, "C3");
    await user.type(time[2]!, "30");
    await user.click(screen.getByTestId("log-save"));
    const problems = await screen.findByTestId("log-problems");
    expect(problems.textContent).toContain("Nothing was saved: 1 problem.");
    expect(problems.textContent).toContain("Row 3: 22/07/2027 is in the future");
    const sent = logCalls()[0]!.args.rows as { participant: string }[];
    expect(sent.map((r) => r.participant)).toEqual(["uuid-A1", "uuid-C3"]);
  });

  it("lets a supervisor sign from the keyboard by typing their name", async () => {
    const user = userEvent.setup();
    show();
    await user.type(screen.getByTestId("log-who"), "Amara Okafor (A1)");
    await user.type(screen.getByTestId("log-organisation"), "Hope Food Bank");
    await user.type(screen.getByTestId("log-time"), "45");
    await user.click(screen.getByTestId("log-supervised"));
    await user.type(screen.getByTestId("log-supervisor"), "Jo Bloggs");
    await user.click(screen.getByTestId("signature-mode"));
    await user.type(screen.getByTestId("signature-typed"), "Jo Bloggs{Enter}");
    await expect.poll(() => logCalls().length).toBe(1);
    const rows = logCalls()[0]!.args.rows as { supervision: unknown }[];
    expect(rows[0]!.supervision).toEqual({ by: "Jo Bloggs", signature: "typed:Jo Bloggs" });
  });
});
