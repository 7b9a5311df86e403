import "../test/tauri";
import { beforeEach, describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import ImportWizard from "./ImportWizard.svelte";
import { calls, commandError, onCommand, resetCommands } from "../test/tauri";
import { wave } from "../test/fixtures";
import type { ImportPreview, Problem } from "../lib/types";

const columns = ["id", "first_name", "last_name", "date_of_birth"].map((header) => ({ header, field: header as never }));

function row(line: number, cells: string[]) {
  return {
    line,
    cells,
    friends: [],
    record: {
      external_id: cells[0]!,
      first_name: cells[1]!,
      last_name: cells[2]!,
      date_of_birth: null,
      gender: "",
      ethnicity: "",
      faith: "",
      school: "",
      postcode: "",
      fsm: null,
      additional_needs: null,
      custom: {},
    },
  };
}

function preview(problems: Problem[]): ImportPreview {
  const invalid = new Set(problems.filter((p) => p.severity === "error").map((p) => p.line));
  const rows = [row(2, ["A1", "Amara", "Okafor", "2010-03-04"]), row(3, ["A2", "Jack", "Smith", "31/02/2010"])];
  return {
    roster: { format: "csv_utf8", columns, rows, problems },
    changes: rows.map((r) => ({ line: r.line, status: invalid.has(r.line) ? "invalid" : "new", changed_fields: [] })),
    new: rows.length - invalid.size,
    updated: 0,
    unchanged: 0,
    not_in_file: 0,
    new_friendships: 0,
  };
}

const badDate: Problem = {
  severity: "error",
  code: "unreadable_date",
  line: 3,
  column: 4,
  field: "date_of_birth",
  message: '"31/02/2010" is not a real date',
};

async function chooseFile(user: ReturnType<typeof userEvent.setup>, text: string) {
  const file = new File([text], "roster.csv", { type: "text/csv" });
  await user.upload(screen.getByTestId("roster-file"), file);
}

beforeEach(() => resetCommands());

describe("the import wizard", () => {
  it("shows every problem with its place, marks the bad cell, and cannot import", async () => {
    onCommand("preview_import", () => preview([badDate]));
    const user = userEvent.setup();
    render(ImportWizard, { wave, ondone: () => {} });
    await chooseFile(user, "id,first_name\n");

    expect((await screen.findByTestId("import-blocked")).textContent).toMatch(/1 problem must be fixed/);
    const problem = screen.getByTestId("problem-error");
    expect(problem.textContent).toMatch(/Line 3, column 4 \(date_of_birth\)/);
    const [, bad] = screen.getAllByTestId("preview-row");
    expect(bad!.className).toMatch(/has-error/);
    expect(within(bad!).getByText("31/02/2010").className).toMatch(/bad/);
    expect((screen.getByTestId("confirm-import") as HTMLButtonElement).disabled).toBe(true);
    expect(calls.map((c) => c.command)).toEqual(["preview_import"]);
  });

  it("sends the file's bytes as read, imports on confirmation, and reports what changed", async () => {
    onCommand("preview_import", () => preview([]));
    onCommand("import_roster", () => ({ added: 2, updated: [], unchanged: 0, not_in_file: 0, friendships_added: 1, warnings: [] }));
    onCommand("app_status", () => ({ pending_changes: 3, database_path: "", version: "" }));
    let done = false;
    const user = userEvent.setup();
    render(ImportWizard, { wave, ondone: () => (done = true) });
    await chooseFile(user, "id\r\nA1\r\n");

    expect((await screen.findByTestId("import-ready")).textContent).toMatch(/Ready to import 2 participants: 2 new/);
    expect(calls[0]!.args).toEqual({ waveId: wave.id, bytes: [...new TextEncoder().encode("id\r\nA1\r\n")] });
    await user.click(screen.getByTestId("confirm-import"));
    expect((await screen.findByTestId("import-done")).textContent).toMatch(/2 added, 0 updated, 0 unchanged, 1 friendship recorded/);
    await user.click(screen.getByTestId("see-participants"));
    expect(done).toBe(true);
  });

  it("shows the reason when the import is refused, and keeps the preview", async () => {
    onCommand("preview_import", () => preview([]));
    onCommand("import_roster", () => commandError("disk_full", "The disk is full; nothing was saved."));
    const user = userEvent.setup();
    render(ImportWizard, { wave, ondone: () => {} });
    await chooseFile(user, "id\nA1\n");
    await user.click(await screen.findByTestId("confirm-import"));
    expect((await screen.findByRole("alert")).textContent).toMatch(/The disk is full; nothing was saved/);
    expect(screen.getByTestId("import-preview")).toBeTruthy();
  });
});
