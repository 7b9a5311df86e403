import "../test/tauri";
import { beforeEach, describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import Unlock from "./Unlock.svelte";
import { calls, commandError, onCommand, resetCommands } from "../test/tauri";

beforeEach(() => resetCommands());

describe("the unlock screen", () => {
  it("unlocks with the passphrase typed and Enter", async () => {
    onCommand("unlock_database", () => null);
    let unlocked = false;
    const user = userEvent.setup();
    render(Unlock, { choose: false, path: "/data/mixwell.sqlite", onunlocked: () => (unlocked = true) });
    expect(document.activeElement).toBe(screen.getByTestId("unlock-passphrase"));
    await user.keyboard("otter kettle lamp{Enter}");
    expect(calls.find((c) => c.command === "unlock_database")?.args).toEqual({ passphrase: "otter kettle lamp" });
    expect(unlocked).toBe(true);
  });

  it("says a wrong passphrase plainly, clears it and stays locked", async () => {
    onCommand("unlock_database", () => commandError("wrong_key", "cannot be opened with this key"));
    let unlocked = false;
    const user = userEvent.setup();
    render(Unlock, { choose: false, path: "/data/mixwell.sqlite", onunlocked: () => (unlocked = true) });
    await user.keyboard("otter kettle lump{Enter}");
    expect((await screen.findByTestId("unlock-problem")).textContent).toMatch(/does not open/);
    expect((screen.getByTestId("unlock-passphrase") as HTMLInputElement).value).toBe("");
    expect(unlocked).toBe(false);
  });

  it("asks for a new passphrase twice and keeps the button off until both agree and are long enough", async () => {
    onCommand("unlock_database", () => null);
    const user = userEvent.setup();
    render(Unlock, { choose: true, path: "/data/mixwell.sqlite", onunlocked: () => {} });
    const submit = screen.getByTestId("unlock-submit") as HTMLButtonElement;
    await user.type(screen.getByTestId("unlock-passphrase"), "kettle");
    expect(screen.getByText(/6 of at least 10 characters/)).toBeTruthy();
    expect(submit.disabled).toBe(true);
    await user.type(screen.getByTestId("unlock-passphrase"), " lamp otter");
    await user.type(screen.getByTestId("unlock-again"), "kettle lamp");
    expect(screen.getByText(/not the same yet/)).toBeTruthy();
    expect(submit.disabled).toBe(true);
    await user.type(screen.getByTestId("unlock-again"), " otter");
    expect(submit.disabled).toBe(false);
    await user.click(submit);
    expect(calls.find((c) => c.command === "unlock_database")?.args).toEqual({ passphrase: "kettle lamp otter" });
  });
});
