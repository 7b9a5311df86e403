// Searching, filtering and sorting a wave's participants, as the Participants screen does.
import type { Participant } from "./types";

/** The value of an attribute as shown, counted and filtered (mirrors ParticipantRecord::attribute). */
export function attributeValue(p: Participant, name: string): string {
  const r = p.record;
  switch (name) {
    case "id":
      return r.external_id;
    case "first_name":
      return r.first_name;
    case "last_name":
      return r.last_name;
    case "date_of_birth":
      return r.date_of_birth ?? "";
    case "gender":
      return r.gender;
    case "ethnicity":
      return r.ethnicity;
    case "faith":
      return r.faith;
    case "school":
      return r.school;
    case "postcode":
      return r.postcode;
    case "fsm":
      return r.fsm === null ? "" : r.fsm ? "Yes" : "No";
    case "additional_needs":
      return r.additional_needs === null ? "" : r.additional_needs ? "Yes" : "No";
    default:
      return r.custom[name] ?? "";
  }
}

export interface ListQuery {
  search: string;
  /** attribute → the value it must have */
  filters: Record<string, string>;
  sortBy: string;
  descending: boolean;
}

export const emptyQuery = (): ListQuery => ({ search: "", filters: {}, sortBy: "last_name", descending: false });

function matchesSearch(p: Participant, words: string[]): boolean {
  const r = p.record;
  const haystack = `${r.first_name} ${r.last_name} ${r.external_id} ${r.school} ${r.postcode}`.toLocaleLowerCase("en-GB");
  return words.every((w) => haystack.includes(w));
}

export function applyQuery(participants: Participant[], q: ListQuery): Participant[] {
  const words = q.search.toLocaleLowerCase("en-GB").split(/\s+/).filter(Boolean);
  const filters = Object.entries(q.filters);
  const collator = new Intl.Collator("en-GB", { numeric: true, sensitivity: "base" });
  const rows = participants.filter(
    (p) => matchesSearch(p, words) && filters.every(([name, value]) => attributeValue(p, name) === value),
  );
  const tieBreak = (a: Participant, b: Participant) =>
    collator.compare(a.record.last_name, b.record.last_name) ||
    collator.compare(a.record.first_name, b.record.first_name) ||
    collator.compare(a.record.external_id, b.record.external_id);
  rows.sort((a, b) => {
    const c = collator.compare(attributeValue(a, q.sortBy), attributeValue(b, q.sortBy));
    return (q.descending ? -c : c) || tieBreak(a, b);
  });
  return rows;
}
