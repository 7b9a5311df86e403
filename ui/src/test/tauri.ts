// The one edge the UI tests replace: Tauri's IPC. Each test says what each command
// returns; calls are recorded so a test can check what reached Rust.
import { vi } from "vitest";

type Handler = (args: Record<string, unknown>) => unknown;

export const calls: { command: string; args: Record<string, unknown> }[] = [];
const handlers = new Map<string, Handler>();

export function onCommand(command: string, handler: Handler): void {
  handlers.set(command, handler);
}

export function resetCommands(): void {
  calls.length = 0;
  handlers.clear();
}

/** A command error as Rust sends it. */
export function commandError(code: string, message: string, details: unknown = null) {
  return { __error: { code, message, details } };
}

export async function invoke(command: string, args: Record<string, unknown> = {}): Promise<unknown> {
  calls.push({ command, args });
  const handler = handlers.get(command);
  if (!handler) throw new Error(`no test handler for ${command}`);
  const result = await handler(args);
  if (result && typeof result === "object" && "__error" in result) throw (result as { __error: unknown }).__error;
  return result;
}

vi.mock("@tauri-apps/api/core", () => ({ invoke }));
