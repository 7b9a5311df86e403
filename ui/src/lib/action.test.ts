import { describe, expect, it, vi } from "vitest";
import { Action } from "./action.svelte";
import { CommandError } from "./api";

vi.mock("./status.svelte", () => ({ refreshStatus: vi.fn(async () => {}) }));

describe("Action", () => {
  it("is busy while the work runs and clears the last error", async () => {
    const action = new Action();
    action.fail("earlier problem");
    let seenBusy = false;
    const ok = await action.run(async () => {
      seenBusy = action.busy;
    });
    expect(ok).toBe(true);
    expect(seenBusy).toBe(true);
    expect(action.busy).toBe(false);
    expect(action.error).toBeNull();
  });

  it("shows a command's message when the work fails and reports the failure", async () => {
    const action = new Action();
    const ok = await action.run(async () => {
      throw new CommandError({ code: "name_taken", message: "a programme called \"X\" already exists", details: null });
    });
    expect(ok).toBe(false);
    expect(action.busy).toBe(false);
    expect(action.error).toBe('a programme called "X" already exists');
  });

  it("lets a screen show a failure its own way", async () => {
    const action = new Action();
    let seen: unknown = null;
    const ok = await action.run(
      async () => {
        throw new Error("2 problems");
      },
      { explain: (e) => ((seen = e), null) },
    );
    expect(ok).toBe(false);
    expect((seen as Error).message).toBe("2 problems");
    expect(action.error).toBeNull();
  });
});
