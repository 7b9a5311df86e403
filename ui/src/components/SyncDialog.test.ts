import "../test/tauri";
import { beforeEach, describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import SyncDialog from "./SyncDialog.svelte";
import { calls, commandError, onCommand, resetCommands } from "../test/tauri";
import { status } from "../lib/status.svelte";
import { unlinkedSync as unlinked } from "../test/fixtures";
import type { SyncStatus } from "../lib/sync";

const linked: SyncStatus = { ...unlinked, hub: "https://hub.example.org/", organisation: "Peak Youth Trust" };

beforeEach(() => {
  resetCommands();
  status.sync = unlinked;
});

describe("the sync dialog", () => {
  it("links the laptop with the address and code as typed, trimmed", async () => {
    onCommand("enrol_with_hub", () => linked);
    onCommand("sync_status", () => linked);
    const user = userEvent.setup();
    render(SyncDialog, { onclose: () => {} });
    await user.type(screen.getByTestId("sync-hub"), "  https://hub.example.org ");
    await user.type(screen.getByTestId("sync-code"), " 7K2M-Q9XD-4HVA-T0BE ");
    await user.click(screen.getByTestId("sync-enrol"));
    await waitFor(() => expect(screen.getByTestId("sync-organisation").textContent).toBe("Peak Youth Trust"));
    expect(calls.find((c) => c.command === "enrol_with_hub")?.args).toEqual({
      hub: "https://hub.example.org",
      code: "7K2M-Q9XD-4HVA-T0BE",
      ca: null,
    });
  });

  it("sends the hub's own certificate when one is chosen", async () => {
    onCommand("enrol_with_hub", () => linked);
    onCommand("sync_status", () => linked);
    const user = userEvent.setup();
    render(SyncDialog, { onclose: () => {} });
    await user.type(screen.getByTestId("sync-hub"), "https://hub.local:8443");
    await user.type(screen.getByTestId("sync-code"), "7K2M-Q9XD-4HVA-T0BE");
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    await user.upload(screen.getByTestId("sync-ca"), new File([pem], "hub.pem"));
    expect(await screen.findByText("Certificate: hub.pem")).toBeTruthy();
    await user.click(screen.getByTestId("sync-enrol"));
    await waitFor(() => expect(calls.find((c) => c.command === "enrol_with_hub")?.args.ca).toBe(pem));
  });

  it("says calmly that the hub cannot be reached, with no error", async () => {
    status.sync = linked;
    const offline = { ...linked, problem: "the hub could not be reached", problem_code: "hub_unreachable" };
    onCommand("sync_now", () => commandError("hub_unreachable", "the hub could not be reached (io: refused)"));
    onCommand("sync_status", () => offline);
    const user = userEvent.setup();
    render(SyncDialog, { onclose: () => {} });
    await user.click(screen.getByTestId("sync-now"));
    const calm = await screen.findByTestId("sync-offline");
    expect(calm.textContent).toContain("Tried just now");
    expect(screen.queryByTestId("sync-error")).toBeNull();
  });

  it("shows any other refusal as an error", async () => {
    status.sync = linked;
    onCommand("sync_now", () => commandError("hub_refused", "the hub refused: the message was malformed"));
    onCommand("sync_status", () => linked);
    const user = userEvent.setup();
    render(SyncDialog, { onclose: () => {} });
    await user.click(screen.getByTestId("sync-now"));
    expect((await screen.findByTestId("sync-error")).textContent).toContain("malformed");
  });

  it("offers a revoked laptop to link again to the same hub with a new code", async () => {
    status.sync = { ...linked, problem: "this laptop was revoked at the hub", problem_code: "device_revoked" };
    onCommand("enrol_with_hub", () => linked);
    onCommand("sync_status", () => linked);
    const user = userEvent.setup();
    render(SyncDialog, { onclose: () => {} });
    expect(screen.getByTestId("sync-revoked").textContent).toContain("Everything is still saved here");
    expect((screen.getByTestId("sync-hub") as HTMLInputElement).value).toBe("https://hub.example.org/");
    expect(screen.getByTestId("sync-enrol").textContent).toBe("Link this laptop again");
    expect(document.activeElement).toBe(screen.getByTestId("sync-code"));
    await user.type(screen.getByTestId("sync-code"), "7K2M-Q9XD-4HVA-T0BE");
    await user.click(screen.getByTestId("sync-enrol"));
    await waitFor(() => expect(screen.getByTestId("sync-organisation").textContent).toBe("Peak Youth Trust"));
    expect(calls.find((c) => c.command === "enrol_with_hub")?.args).toMatchObject({ hub: "https://hub.example.org/", code: "7K2M-Q9XD-4HVA-T0BE" });
  });
});
