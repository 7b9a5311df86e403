// Who is signed in and what they may do, as the Rust session says (it enforces it; the
// screens only hide what would be refused). Input keeps the session alive; after the lock
// time without any, the screen locks itself here too, so nothing stays on show.
import { commands } from "../bindings";
import type { Permission, SessionStatus_Serialize, StaffRole } from "../bindings";
import { call, onSignedOut } from "./api";

export const session = $state<{ status: SessionStatus_Serialize | null }>({ status: null });

/** Someone must sign in before anything else is shown. */
export function signInNeeded(): boolean {
  const s = session.status;
  return s !== null && s.required && s.signed_in === null;
}

export function can(permission: Permission): boolean {
  return session.status?.permissions.includes(permission) ?? false;
}

export const ROLE_LABELS: Record<StaffRole, string> = {
  field_staff: "Field staff",
  coordinator: "Coordinator",
  safeguarding_lead: "Safeguarding lead",
  administrator: "Administrator",
};

export async function refreshSession(): Promise<void> {
  session.status = await call(commands.sessionStatus());
}

export async function lock(): Promise<void> {
  session.status = await call(commands.lockScreen());
}

/** A command was refused because the session had ended: show the sign-in screen. */
export function signedOut(): void {
  if (session.status) session.status = { ...session.status, signed_in: null, permissions: [] };
  void refreshSession().catch(() => {});
}

onSignedOut(signedOut);

/** Tells Rust about input at most this often. */
const REPORT_EVERY_MS = 30_000;

/**
 * Watches input on `target`: reports it (so the Rust session stays alive) and locks the
 * screen after the session's lock time without any. Returns the function that stops.
 */
export function watchIdle(target: EventTarget, now: () => number = Date.now): () => void {
  let lastInput = now();
  let lastReport = 0;
  const onInput = () => {
    lastInput = now();
    const lockAfterMs = (session.status?.lock_after_minutes ?? 10) * 60_000;
    // Well within the lock time, however short it is set.
    if (session.status?.signed_in && lastInput - lastReport > Math.min(REPORT_EVERY_MS, lockAfterMs / 4)) {
      lastReport = lastInput;
      void call(commands.keepAlive()).catch(() => signedOut());
    }
  };
  const events = ["keydown", "pointerdown", "wheel", "touchstart"];
  for (const e of events) target.addEventListener(e, onInput, { passive: true });
  const timer = setInterval(() => {
    const s = session.status;
    if (!s?.signed_in) return;
    if (now() - lastInput > (s.lock_after_minutes ?? 10) * 60_000) void lock().catch(() => signedOut());
  }, 1000);
  return () => {
    clearInterval(timer);
    for (const e of events) target.removeEventListener(e, onInput);
  };
}
