import { describe, expect, it } from "vitest";
import { summarise, whenSynced, clockNotice, type SyncStatus } from "./sync";
import { unlinkedSync } from "../test/fixtures";

const base: SyncStatus = { ...unlinkedSync, pending: 3 };
const now = new Date("2027-07-21T13:30:00Z"); // 14:30 in London (BST)

describe("the header's sync line", () => {
  it("says changes are saved on the laptop before it is linked to a hub", () => {
    expect(summarise(base, now)).toEqual({ text: "Saved on this laptop · 3 changes waiting to sync", tone: "quiet", notices: [] });
  });

  it("shows when it last synced, in London time, and what waits", () => {
    const s = summarise({ ...base, hub: "https://hub", last_synced: "2027-07-21T13:05:00Z", pending: 0 }, now);
    expect(s.text).toBe("Synced 14:05 · nothing waiting");
    expect(s.tone).toBe("quiet");
    expect(whenSynced("2027-07-19T08:00:00Z", now)).toBe("19/07/2027 09:00");
  });

  it("treats an unreachable hub as normal, not as an error", () => {
    const s = summarise(
      { ...base, hub: "https://hub", last_synced: "2027-07-01T10:00:00Z", problem: "the hub could not be reached", problem_code: "hub_unreachable" },
      now,
    );
    expect(s.text).toBe("Offline · last synced 01/07/2027 11:00 · 3 changes waiting");
    expect(s.tone).toBe("quiet");
    expect(s.notices).toEqual([]);
  });

  it("puts a refusal, a wrong clock and refused changes in front of staff", () => {
    const s = summarise(
      { ...base, hub: "https://hub", problem: "the hub refused: the enrolment code is unknown", problem_code: "hub_refused", clock_offset_seconds: -600, refused: 2 },
      now,
    );
    expect(s.tone).toBe("attention");
    expect(s.text).toBe("Sync needs attention · 3 changes waiting");
    expect(s.notices[0]).toContain("enrolment code is unknown");
    expect(s.notices.some((n) => n.includes("10 minutes slow"))).toBe(true);
    expect(s.notices.some((n) => n.includes("refused 2 changes"))).toBe(true);
  });

  it("tells staff a revoked laptop keeps everything and how to link it again", () => {
    const s = summarise(
      { ...base, hub: "https://hub", problem: "the hub refused: this laptop was revoked at the hub", problem_code: "device_revoked" },
      now,
    );
    expect(s.tone).toBe("attention");
    expect(s.text).toBe("Revoked at the hub · 3 changes waiting");
    expect(s.notices[0]).toContain("Everything stays saved here");
    expect(s.notices[0]).toContain("new code");
  });

  it("points out changes dated far ahead by another laptop's clock", () => {
    const s = summarise({ ...base, hub: "https://hub", last_synced: "2027-07-21T13:05:00Z", clamped: 3 }, now);
    expect(s.tone).toBe("attention");
    expect(s.notices).toEqual([expect.stringContaining("3 changes from other laptops were dated more than a day ahead")]);
  });

  it("leaves a clock within two minutes alone", () => {
    expect(clockNotice(119)).toBeNull();
    expect(clockNotice(null)).toBeNull();
    expect(clockNotice(181)).toContain("3 minutes fast");
  });
});
