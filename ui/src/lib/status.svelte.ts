// The app-wide status line: offline state and how many changes wait to sync.
import { commands } from "../bindings";
import { call } from "./api";

export const status = $state({ pendingChanges: 0, online: typeof navigator === "undefined" ? false : navigator.onLine });

export async function refreshStatus(): Promise<void> {
  try {
    const s = await call(commands.appStatus());
    status.pendingChanges = s.pending_changes;
  } catch {
    // The database error itself is shown by the screen that failed.
  }
}

if (typeof window !== "undefined") {
  window.addEventListener("online", () => (status.online = true));
  window.addEventListener("offline", () => (status.online = false));
}
