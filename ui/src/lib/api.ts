// Calls into Rust go through here: a command's error becomes an exception carrying the
// stable code the screens branch on.
import type { AppError, ErrorCode, ErrorDetails } from "./types";

export type Result<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

export class CommandError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | null;
  constructor(error: AppError) {
    super(error.message);
    this.code = error.code;
    this.details = error.details;
  }
}

/** Called when a command finds the session ended (the screen locked itself). */
let whenSignedOut: () => void = () => {};
export function onSignedOut(handler: () => void): void {
  whenSignedOut = handler;
}

export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (result.status === "ok") return result.data;
  if (result.error.code === "signed_out") whenSignedOut();
  throw new CommandError(result.error);
}

/** A message for any failure, fit to show to staff. */
export function messageOf(e: unknown): string {
  if (e instanceof CommandError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
