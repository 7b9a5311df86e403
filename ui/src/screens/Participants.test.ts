import "../test/tauri";
import { beforeEach, describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import Participants from "./Participants.svelte";
import { onCommand, resetCommands } from "../test/tauri";
import { person, sessionAs, wave } from "../test/fixtures";
import { session } from "../lib/session.svelte";

const people = [
  person("A1", "Amara", "Okafor", "Female", "Oak College", ["B2"]),
  person("B2", "Jack", "Smith", "Male", "Park Academy", ["A1"]),
  person("C3", "Priya", "Patel", "Female", "Park Academy"),
];

beforeEach(() => {
  resetCommands();
  session.status = sessionAs(null);
  onCommand("list_participants", () => people);
  onCommand("attribute_counts", () => [
    { attribute: "gender", values: [{ value: "Female", count: 2 }, { value: "Male", count: 1 }] },
    { attribute: "school", values: [{ value: "Park Academy", count: 2 }, { value: "Oak College", count: 1 }] },
    { attribute: "Sports club", values: [{ value: "Netball", count: 2 }, { value: "", count: 1 }] },
  ]);
});

async function shown() {
  return (await screen.findAllByTestId("participant-row")).map((row) => within(row).getByTestId("open-participant").textContent);
}

describe("the participants of a wave", () => {
  it("lists everyone sorted by name, with counts per attribute value", async () => {
    render(Participants, { wave, onimport: () => {} });
    expect(await shown()).toEqual(["Okafor, Amara", "Patel, Priya", "Smith, Jack"]);
    const gender = screen.getByTestId("counts-gender");
    expect(within(gender).getByRole("button", { name: /Female\s*2/ })).toBeTruthy();
    expect(within(screen.getByTestId("counts-Sports club")).getByRole("button", { name: /Not stated\s*1/ })).toBeTruthy();
  });

  it("filters by a count, including a custom attribute, and clears the filter again", async () => {
    const user = userEvent.setup();
    render(Participants, { wave, onimport: () => {} });
    await shown();
    await user.click(within(screen.getByTestId("counts-school")).getByRole("button", { name: /Park Academy/ }));
    expect(await shown()).toEqual(["Patel, Priya", "Smith, Jack"]);
    await user.click(within(screen.getByTestId("counts-Sports club")).getByRole("button", { name: /Netball/ }));
    expect(await shown()).toEqual(["Patel, Priya"]);
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(await shown()).toHaveLength(3);
  });

  it("jumps to the search box on / and searches names, ids and schools", async () => {
    const user = userEvent.setup();
    render(Participants, { wave, onimport: () => {} });
    await shown();
    await user.keyboard("/");
    expect(document.activeElement).toBe(screen.getByTestId("search"));
    await user.keyboard("oak");
    expect(await shown()).toEqual(["Okafor, Amara"]);
    expect(screen.getByTestId("showing").textContent).toBe("Showing 1 of 3 participants");
  });

  it("sorts by a column when its header is pressed, and reverses on a second press", async () => {
    const user = userEvent.setup();
    render(Participants, { wave, onimport: () => {} });
    await shown();
    await user.click(screen.getByRole("button", { name: "School" }));
    expect(await shown()).toEqual(["Okafor, Amara", "Patel, Priya", "Smith, Jack"]);
    await user.click(screen.getByRole("button", { name: /School/ }));
    expect(await shown()).toEqual(["Patel, Priya", "Smith, Jack", "Okafor, Amara"]);
  });

  it("keeps ethnicity, faith, FSM and needs out of sight until asked for", async () => {
    const user = userEvent.setup();
    render(Participants, { wave, onimport: () => {} });
    await shown();
    expect(screen.queryByRole("button", { name: "Ethnicity" })).toBeNull();
    await user.click(screen.getByTestId("show-sensitive"));
    expect(screen.getByRole("button", { name: "Ethnicity" })).toBeTruthy();
  });

  it("offers the import when the wave is empty", async () => {
    onCommand("list_participants", () => []);
    onCommand("attribute_counts", () => []);
    let asked = false;
    const user = userEvent.setup();
    render(Participants, { wave, onimport: () => (asked = true) });
    await user.click(await screen.findByRole("button", { name: "Import a roster" }));
    expect(asked).toBe(true);
  });

  it("shows field staff no ethnicity, faith or needs column, and no import", async () => {
    session.status = sessionAs("field_staff");
    const user = userEvent.setup();
    render(Participants, { wave, onimport: () => {} });
    await shown();
    await user.click(screen.getByTestId("show-sensitive"));
    expect(screen.getByRole("button", { name: "FSM" })).toBeTruthy();
    for (const hidden of ["Ethnicity", "Faith", "Needs"]) expect(screen.queryByRole("button", { name: hidden })).toBeNull();
  });

  it("asks field staff to have a coordinator import an empty wave's roster", async () => {
    session.status = sessionAs("field_staff");
    onCommand("list_participants", () => []);
    onCommand("attribute_counts", () => []);
    render(Participants, { wave, onimport: () => {} });
    expect(await screen.findByText("Ask a coordinator to import the wave's roster.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Import a roster" })).toBeNull();
  });
});
