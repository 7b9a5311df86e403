import "../test/tauri";
import { beforeEach, describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import Programmes from "./Programmes.svelte";
import { calls, commandError, onCommand, resetCommands } from "../test/tauri";
import { programme, wave } from "../test/fixtures";
import type { Programme } from "../lib/types";

let programmes: Programme[];

beforeEach(() => {
  resetCommands();
  programmes = [];
  onCommand("list_programmes", () => programmes.filter((p) => !p.archived));
  onCommand("list_waves", () => []);
  onCommand("app_status", () => ({ pending_changes: 0, database_path: "", version: "" }));
});

function props(selected: Programme | null = null) {
  return { selected, onselect: () => {}, onopen: () => {} };
}

describe("the programmes screen", () => {
  it("welcomes an empty app with the demo offer and focuses the name box", async () => {
    render(Programmes, props());
    expect(await screen.findByTestId("open-demo")).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId("new-programme-name"));
  });

  it("creates a programme from the keyboard alone", async () => {
    onCommand("create_programme", ({ name }) => {
      const created = { ...programme, id: "p2", name: name as string };
      programmes.push(created);
      return created;
    });
    let chosen: Programme | null = null;
    const user = userEvent.setup();
    render(Programmes, { ...props(), onselect: (p: Programme | null) => (chosen = p) });
    await screen.findByTestId("open-demo");
    await user.keyboard("NCS Autumn 2027{Enter}");
    expect(calls.find((c) => c.command === "create_programme")?.args).toEqual({ name: "NCS Autumn 2027" });
    expect(chosen).toMatchObject({ name: "NCS Autumn 2027" });
  });

  it("shows why a name is refused and keeps what was typed", async () => {
    programmes = [programme];
    onCommand("create_programme", () => commandError("name_taken", "A programme called NCS Summer 2027 already exists"));
    const user = userEvent.setup();
    render(Programmes, props());
    await screen.findByText("NCS Summer 2027");
    await user.type(screen.getByTestId("new-programme-name"), "NCS Summer 2027{Enter}");
    expect((await screen.findByTestId("programmes-error")).textContent).toMatch(/already exists/);
    expect((screen.getByTestId("new-programme-name") as HTMLInputElement).value).toBe("NCS Summer 2027");
  });

  it("archives a programme with an undo that brings it back", async () => {
    programmes = [{ ...programme }];
    onCommand("set_programme_archived", ({ id, archived }) => {
      const p = programmes.find((x) => x.id === id)!;
      p.archived = archived as boolean;
      return p;
    });
    const user = userEvent.setup();
    render(Programmes, props());
    await user.click(await screen.findByRole("button", { name: "Archive NCS Summer 2027" }));
    expect(await screen.findByTestId("undo-bar")).toBeTruthy();
    expect(screen.queryByTestId("programme")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Undo" }));
    expect((await screen.findByTestId("programme")).textContent).toMatch(/NCS Summer 2027/);
    expect(programmes[0]!.archived).toBe(false);
  });

  it("lists the selected programme's waves with their site, dates and size", async () => {
    onCommand("list_waves", () => [{ wave, participants: 120 }]);
    programmes = [programme];
    render(Programmes, props(programme));
    expect((await screen.findByTestId("open-wave")).textContent).toMatch(/Wave 1 – Peak District/);
    expect(screen.getByText(/Castleton Youth Centre · 19\/07\/2027 – 13\/08\/2027 · 120 participants/)).toBeTruthy();
  });
});
