// Running an action from a screen: busy while it runs, its error shown if it fails, and
// the app's status line refreshed after a change. One of these per screen (or per part of
// a screen that shows its own error) instead of a busy flag and a try/catch at every call.
import { messageOf } from "./api";
import { refreshStatus } from "./status.svelte";

export class Action {
  /** An action is running: buttons that start another are disabled. */
  busy = $state(false);
  /** What went wrong with the last action, fit to show to staff; null when it went well. */
  error = $state<string | null>(null);

  /**
   * Runs `work`, clearing the last error first. Returns true when it succeeded; on failure
   * shows its message and returns false. `changes: false` for reads, which leave the count
   * of changes waiting to sync alone. `explain` turns a failure into the message to show,
   * or null when the screen shows it another way (a refused batch's problems by row).
   */
  async run(
    work: () => Promise<unknown>,
    { changes = true, explain = messageOf }: { changes?: boolean; explain?: (e: unknown) => string | null } = {},
  ): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await work();
      if (changes) void refreshStatus();
      return true;
    } catch (e) {
      this.error = explain(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Shows a problem found before anything was run. */
  fail(message: string): void {
    this.error = message;
  }
}
