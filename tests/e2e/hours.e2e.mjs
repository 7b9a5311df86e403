// Volunteering hours in the HeadStart demo wave: log a whole group's session in the app
// (start and end time, one person did not come), verify it from the coordinator's queue,
// and see the progress bars and the interview milestone change, on screen and in the
// database.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { ROOT, allByTestId, byTestId, freshDataHome, openHoursDemo, textWhen, typeInto, withApp } from "./harness.mjs";

const CLI = path.join(ROOT, "target/debug/mixwell");

/** participant_id → { verified, pending, milestones } as `mixwell hours summary --json` says. */
function summary(home) {
  const db = path.join(home, "mixwell", "mixwell.sqlite");
  const out = execFileSync(CLI, ["--db", db, "hours", "summary", "--wave", "Sheffield volunteers", "--json"], { encoding: "utf8" });
  return new Map(JSON.parse(out).map((r) => [r.participant_id, { verified: r.verified_minutes, pending: r.pending_minutes, milestones: r.milestones }]));
}

/** The board row of `name`: its verified figure and the interview bar's value and text. */
async function boardRow(browser, name) {
  await (await byTestId(browser, "hours-board-tab")).click();
  await (await byTestId(browser, "board-table")).waitForDisplayed();
  for (const row of await allByTestId(browser, "board-row")) {
    if ((await (await row.$('[data-testid="board-open"]')).getText()) !== name) continue;
    const bars = await row.$$('[role="progressbar"]');
    return {
      verified: await (await row.$('[data-testid="board-verified"]')).getText(),
      interview: Number(await bars[1].getAttribute("aria-valuenow")),
      figures: await (await row.$$('[data-testid="milestone-figures"]'))[1].getText(),
    };
  }
  throw new Error(`${name} is not on the board`);
}

const today = () => new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London" }).format(new Date());

test("log a group's session, verify it, and see the bars and the interview milestone change", async (t) => {
  const home = freshDataHome();
  await withApp(t, home, async (browser) => {
    await openHoursDemo(browser);
    const before = summary(home);
    const kai = await boardRow(browser, "Kai King");
    assert.match(kai.figures, /^12 h 30 min of 16 h by \d\d\/\d\d\/\d{4} \(\d+ days left\) · at risk$/);
    await textWhen(await byTestId(browser, "at-risk-list"), (s) => s.includes("Kai King"), "Kai King is at risk");

    // A food bank morning for group 1: 09:00 to 13:00, everyone but Nia Adeyemi came.
    await (await byTestId(browser, "hours-log-tab")).click();
    await (await byTestId(browser, "log-mode-team")).click();
    await (await byTestId(browser, "log-team")).waitForDisplayed();
    await typeInto(browser, "log-team-organisation", "Hope Food Bank");
    await typeInto(browser, "log-start", "09:00");
    await typeInto(browser, "log-end", "13:00");
    await typeInto(browser, "log-team-activity", "Food bank morning");
    const came = await allByTestId(browser, "log-came");
    assert.equal(came.length, 6, "six people in group 1");
    const nia = await browser.$("label=Nia Adeyemi");
    await (await nia.$("input")).click();
    const save = await byTestId(browser, "log-save");
    await textWhen(save, (s) => s === "Log 5 entries", "the button counts who came");
    await save.click();
    await textWhen(await byTestId(browser, "hours-notice"), (s) => s === "Logged 5 entries, 20 h in all.", "the session is logged");
    const logged = summary(home);
    assert.equal(logged.get("HS-0026").pending, before.get("HS-0026").pending + 240, "pending until verified");
    assert.equal(logged.get("HS-0026").verified, before.get("HS-0026").verified);
    assert.deepEqual(logged.get("HS-0005"), before.get("HS-0005"), "Nia did not come");

    // The coordinator verifies today's entries from the queue.
    await (await byTestId(browser, "hours-queue-tab")).click();
    await typeInto(browser, "queue-coordinator", "Priya Shah");
    let ticked = 0;
    for (const row of await allByTestId(browser, "queue-row")) {
      if ((await row.getText()).includes(today())) {
        await (await row.$('[data-testid="queue-tick"]')).click();
        ticked += 1;
      }
    }
    assert.equal(ticked, 5);
    await (await byTestId(browser, "queue-verify-ticked")).click();
    await textWhen(await byTestId(browser, "hours-notice"), (s) => s === "Verified 5 entries.", "the entries are verified");

    // Kai King now has 16 h 30 min verified: the interview is reached today and he is no
    // longer at risk.
    const after = await boardRow(browser, "Kai King");
    assert.equal(after.verified, "16 h 30 min");
    assert.equal(after.interview, 960, "the bar is full");
    assert.ok(after.interview > kai.interview);
    assert.equal(after.figures, `Reached ${today()}`);
    const risk = await byTestId(browser, "at-risk-list");
    await textWhen(risk, (s) => !s.includes("Kai King"), "Kai King is no longer at risk");
    const db = summary(home);
    assert.equal(db.get("HS-0026").verified, before.get("HS-0026").verified + 240);
    assert.ok(db.get("HS-0026").milestones.includes("Guaranteed interview"));
    assert.ok(!before.get("HS-0026").milestones.includes("Guaranteed interview"));

    // The timeline shows the entry with who verified it.
    await (await browser.$("button=Kai King")).click();
    const entry = await byTestId(browser, "timeline-entry");
    await textWhen(entry, (s) => s.includes("Hope Food Bank") && s.includes("Verified by Priya Shah"), "the newest entry heads the timeline");
  });
});
