// How values are shown: British dates (21/07/2027), readable attribute names.

const LABELS: Record<string, string> = {
  id: "ID",
  first_name: "First name",
  last_name: "Last name",
  date_of_birth: "Date of birth",
  gender: "Gender",
  ethnicity: "Ethnicity",
  faith: "Faith",
  school: "School",
  postcode: "Postcode",
  fsm: "Free school meals",
  additional_needs: "Additional needs",
  friends: "Friends",
};

export function attributeLabel(name: string): string {
  return LABELS[name] ?? name;
}

/** "2027-07-21" → "21/07/2027"; empty for no date. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/**
 * Reads a date as staff type it: 21/07/2027, 21-7-2027, 21.07.2027 or 2027-07-21.
 * Returns the ISO date, null for an empty field, or an error message.
 */
export function parseDate(text: string): { ok: true; value: string | null } | { ok: false; error: string } {
  const t = text.trim();
  if (t === "") return { ok: true, value: null };
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
    if (!match) return { ok: false, error: `“${t}” is not a date: write it as 21/07/2027` };
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { ok: false, error: `${t} is not a real date` };
  }
  const pad = (n: number) => String(n).padStart(2, "0");
  return { ok: true, value: `${y}-${pad(m)}-${pad(d)}` };
}

export function yesNo(value: boolean | null): string {
  return value === null ? "" : value ? "Yes" : "No";
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A blank attribute value is shown as "Not stated" rather than as nothing. */
export function valueLabel(value: string): string {
  return value === "" ? "Not stated" : value;
}

/** A wave's dates as staff read them: "19/07/2027 – 13/08/2027", "from 19/07/2027", or "". */
export function dateRange(starts: string | null, ends: string | null): string {
  if (starts && ends) return `${formatDate(starts)} – ${formatDate(ends)}`;
  if (starts) return `from ${formatDate(starts)}`;
  if (ends) return `until ${formatDate(ends)}`;
  return "";
}

/** One line about a wave: what leads it (such as the programme), its site and its dates. */
export function waveFacts(wave: { site: string; starts_on: string | null; ends_on: string | null }, lead: string | null): string {
  return [lead, wave.site, dateRange(wave.starts_on, wave.ends_on)].filter((part) => part).join(" · ");
}

/** A measure with one decimal; "–" when Rust had no finite number to send. */
export function decimal(value: number | null, digits = 1): string {
  return value === null || !Number.isFinite(value) ? "–" : value.toFixed(digits);
}

/** A difference with its sign: "+0.33", "-0.17", and "0.00" for what rounds to nothing
 * (never "-0.00", which reads as behind). */
export function signedDecimal(value: number | null, digits = 1): string {
  const shown = decimal(value, digits);
  if (value === null || !Number.isFinite(value)) return shown;
  if (Number(shown) === 0) return (0).toFixed(digits);
  return value > 0 ? `+${shown}` : shown;
}
