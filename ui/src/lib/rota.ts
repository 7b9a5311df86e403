// Reading a wave's rota as the screens show it: who holds what, who is away, who leads.
import type { ProgrammeRole, ProgrammeSession, Rota, RotaWarning, Turn } from "./types";

export function turnAt(rota: Rota, sessionId: string, team: number, roleId: string): Turn | undefined {
  return rota.turns.find((t) => t.session_id === sessionId && t.team === team && t.role_id === roleId);
}

/** The turn a person holds in a session, if any. */
export function turnOf(rota: Rota, sessionId: string, participantId: string): Turn | undefined {
  return rota.turns.find((t) => t.session_id === sessionId && t.participant_id === participantId);
}

export function isAway(rota: Rota, sessionId: string, participantId: string): boolean {
  return rota.absences.some((a) => a.session_id === sessionId && a.participant_id === participantId);
}

/** The roles a session uses, in the order they are filled. */
export function sessionRoles(rota: Rota, session: ProgrammeSession): ProgrammeRole[] {
  return session.roles
    .map((id) => rota.roles.find((r) => r.id === id))
    .filter((r): r is ProgrammeRole => r !== undefined);
}

/** The roles a team's grid needs: those any session uses, then removed ones it still holds turns of. */
export function gridRoles(rota: Rota, team: number): ProgrammeRole[] {
  return rota.roles.filter(
    (r) => rota.sessions.some((s) => s.roles.includes(r.id)) || rota.turns.some((t) => t.team === team && t.role_id === r.id),
  );
}

/** Leading turns per person over the whole rota. */
export function leadingTurns(rota: Rota): Map<string, number> {
  const leading = new Set(rota.roles.filter((r) => r.leading).map((r) => r.id));
  const count = new Map<string, number>();
  for (const t of rota.turns) {
    if (leading.has(t.role_id)) count.set(t.participant_id, (count.get(t.participant_id) ?? 0) + 1);
  }
  return count;
}

/** Warnings about one session and team (or about the whole rota when neither is given). */
export function warningsAbout(rota: Rota, sessionId?: string, team?: number): RotaWarning[] {
  return rota.fairness.warnings.filter(
    (w) => (sessionId === undefined || w.session_id === sessionId) && (team === undefined || w.team === team),
  );
}
