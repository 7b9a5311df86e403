// Small, readable records for the UI tests.
import type { Permission, SessionStatus_Serialize, StaffRole } from "../bindings";
import type { Participant, Programme, Wave } from "../lib/types";
import type { SyncStatus } from "../lib/sync";

export const programme: Programme = { id: "p1", organisation_id: "o1", name: "NCS Summer 2027", archived: false };

export const wave: Wave = {
  id: "w1",
  programme_id: "p1",
  name: "Wave 1 – Peak District",
  site: "Castleton Youth Centre",
  starts_on: "2027-07-19",
  ends_on: "2027-08-13",
  archived: false,
};

export function person(id: string, first: string, last: string, gender: string, school: string, friends: string[] = []): Participant {
  return {
    id: `uuid-${id}`,
    wave_id: wave.id,
    record: {
      external_id: id,
      first_name: first,
      last_name: last,
      date_of_birth: "2010-02-21",
      gender,
      ethnicity: "White",
      faith: "No religion",
      school,
      postcode: "S1 2AB",
      fsm: false,
      additional_needs: false,
      custom: { "Sports club": gender === "Female" ? "Netball" : "" },
    },
    friends,
    keep_apart: [],
    keep_together: [],
  };
}

/** A laptop not linked to a hub yet, with four changes waiting. */
export const unlinkedSync: SyncStatus = {
  device: "d1",
  pending: 4,
  last_synced: null,
  hub: null,
  organisation: null,
  problem: null,
  problem_code: null,
  last_attempt: null,
  clock_offset_seconds: null,
  refused: 0,
  clamped: 0,
};

/** The session of someone signed in as `role` (or, with no role, a laptop without accounts). */
export function sessionAs(role: StaffRole | null): SessionStatus_Serialize {
  const everything: Permission[] = [
    "view_wave", "see_special_category", "edit_participants", "set_up_programmes", "run_sessions", "log_hours",
    "approve_hours", "issue_certificates", "export_reports", "handle_rights", "manage_staff", "manage_device", "sync", "read_audit",
  ];
  const byRole: Record<StaffRole, Permission[]> = {
    field_staff: ["view_wave", "run_sessions", "log_hours", "sync"],
    coordinator: everything.filter((p) => p !== "manage_staff" && p !== "read_audit"),
    safeguarding_lead: ["view_wave", "see_special_category", "edit_participants", "handle_rights", "sync", "read_audit"],
    administrator: ["view_wave", "set_up_programmes", "manage_staff", "manage_device", "sync", "read_audit"],
  };
  return {
    required: role !== null,
    signed_in: role ? { id: "s1", name: "Sam Field", role } : null,
    permissions: role ? byRole[role] : everything,
    accounts: role ? [{ id: "s1", name: "Sam Field", role }] : [],
    lock_after_minutes: 10,
  };
}
