// The app-wide status line: how many changes saved on this laptop wait to sync.
import { commands } from "../bindings";
import { call } from "./api";

export const status = $state({ pendingChanges: 0 });

export async function refreshStatus(): Promise<void> {
  try {
    const s = await call(commands.appStatus());
    status.pendingChanges = s.pending_changes;
  } catch {
    // The database error itself is shown by the screen that failed.
  }
}
