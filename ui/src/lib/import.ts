// Wording for the import preview.
import type { Problem, RowChange } from "./types";

/** "Line 4, column 3 (date_of_birth)" — the same place the CLI names. */
export function describeLocation(p: Problem): string {
  const parts: string[] = [];
  if (p.line !== null) parts.push(`Line ${p.line}`);
  if (p.column !== null) parts.push(`column ${p.column}`);
  let text = parts.join(", ");
  if (p.field) text += ` (${p.field})`;
  return text;
}

export function problemsByLine(problems: Problem[]): Map<number, Problem[]> {
  const map = new Map<number, Problem[]>();
  for (const p of problems) {
    if (p.line === null) continue;
    map.set(p.line, [...(map.get(p.line) ?? []), p]);
  }
  return map;
}

export function statusLabel(change: RowChange): string {
  switch (change.status) {
    case "new":
      return "New";
    case "updated":
      return `Updated: ${change.changed_fields.join(", ")}`;
    case "unchanged":
      return "Unchanged";
    case "invalid":
      return "Error";
  }
}
