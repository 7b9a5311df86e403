// The app-wide sync status: changes waiting, when the laptop last synced, what needs
// attention. Refreshed after every change and every few seconds (sync runs in the
// background).
import { commands } from "../bindings";
import { call } from "./api";
import type { SyncStatus } from "./sync";

export const status = $state<{ pendingChanges: number; sync: SyncStatus | null }>({ pendingChanges: 0, sync: null });

export async function refreshStatus(): Promise<void> {
  try {
    const s = await call(commands.syncStatus());
    status.sync = s as SyncStatus;
    status.pendingChanges = s.pending;
  } catch {
    // The database error itself is shown by the screen that failed.
  }
}
