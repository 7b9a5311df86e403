import { describe, expect, it } from "vitest";
import { formatDate, parseDate, plural, signedDecimal, valueLabel, waveFacts } from "./format";

describe("dates", () => {
  it("shows ISO dates the British way", () => {
    expect(formatDate("2027-07-21")).toBe("21/07/2027");
    expect(formatDate(null)).toBe("");
  });

  it("reads dates as staff type them", () => {
    expect(parseDate("21/07/2027")).toEqual({ ok: true, value: "2027-07-21" });
    expect(parseDate("1-7-2027")).toEqual({ ok: true, value: "2027-07-01" });
    expect(parseDate("2027-07-21")).toEqual({ ok: true, value: "2027-07-21" });
    expect(parseDate("  ")).toEqual({ ok: true, value: null });
  });

  it("refuses dates that do not exist or are not dates", () => {
    expect(parseDate("31/02/2027").ok).toBe(false);
    expect(parseDate("07/21/2027").ok).toBe(false);
    expect(parseDate("next Tuesday").ok).toBe(false);
  });
});

describe("words", () => {
  it("pluralises and names blanks", () => {
    expect(plural(1, "participant")).toBe("1 participant");
    expect(plural(3, "participant")).toBe("3 participants");
    expect(valueLabel("")).toBe("Not stated");
  });
});

describe("waveFacts", () => {
  const wave = { site: "Castleton Youth Centre", starts_on: "2027-07-19", ends_on: "2027-08-13" };
  it("joins what is known with a separator and British dates", () => {
    expect(waveFacts(wave, "NCS Summer 2027")).toBe("NCS Summer 2027 · Castleton Youth Centre · 19/07/2027 – 13/08/2027");
  });
  it("leaves out what is missing instead of showing empty separators", () => {
    expect(waveFacts({ site: "", starts_on: null, ends_on: "2027-08-13" }, null)).toBe("until 13/08/2027");
    expect(waveFacts({ site: "", starts_on: null, ends_on: null }, "No site set")).toBe("No site set");
  });
});

describe("signedDecimal", () => {
  it("signs differences and never shows a negative zero", () => {
    expect(signedDecimal(0.333, 2)).toBe("+0.33");
    expect(signedDecimal(-0.1666, 2)).toBe("-0.17");
    expect(signedDecimal(-0.001, 2)).toBe("0.00");
    expect(signedDecimal(0.004, 2)).toBe("0.00");
    expect(signedDecimal(null, 2)).toBe("–");
  });
});
