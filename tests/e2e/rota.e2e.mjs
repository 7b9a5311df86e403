// The leadership rota of the demo wave: plan it from a saved team set, mark the first
// session's leader away and see the plan change (someone else leads, they catch up next
// session), set a turn by hand and get the warning, and print the rota sheets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { byTestId, formDemoTeams, freshDataHome, textWhen, withApp } from "./harness.mjs";

/** The names holding a role in each team card of the today view, team by team. */
async function holdersByTeam(browser) {
  const teams = [];
  for (const card of await browser.$$('[data-testid="rota-team"]')) {
    const names = [];
    for (const holder of await card.$$('[data-testid="rota-holder"]')) names.push(await holder.getText());
    teams.push(names);
  }
  return teams;
}

test("plan the demo wave's rota, mark the leader away, set a turn by hand and print the sheets", async (t) => {
  const home = freshDataHome();
  await withApp(t, home, async (browser) => {
    // A rota needs saved teams.
    await formDemoTeams(browser);
    await (await byTestId(browser, "team-set-name")).setValue("Day 1 teams");
    await (await byTestId(browser, "save-team-set")).click();
    await (await byTestId(browser, "next-activity")).waitForDisplayed();

    await (await byTestId(browser, "tab-rota")).click();
    const plan = await byTestId(browser, "plan-rota");
    await plan.waitForEnabled();
    await plan.click();
    await (await byTestId(browser, "rota-today")).waitForDisplayed();
    assert.equal((await browser.$$('[data-testid="rota-team"]')).length, 10);
    await textWhen(await byTestId(browser, "equal-status"), (s) => s.includes("Free school meals"), "turns by background are shown");
    const firstRow = [];
    for (const cell of await browser.$$('[data-testid="equal-status"] tbody tr:first-child td')) firstRow.push(await cell.getText());
    assert.equal(firstRow[0], "Gender");
    assert.match(firstRow.slice(2).join(" "), /^\d+ \d\.\d\d ([+-]\d\.\d\d|0\.00)$/);
    const before = await holdersByTeam(browser);
    assert.equal(before[0].length, 5, "five roles filled in team 1");
    const leader = before[0][0];

    // The Team Leader of team 1 is away this session: someone else leads, and they are
    // listed as away.
    const team1 = (await browser.$$('[data-testid="rota-team"]'))[0];
    await (await team1.$('[data-testid="turn-away"]')).click();
    const away = await team1.$('[data-testid="rota-away"]');
    await textWhen(away, (s) => s.includes(leader), "the leader is listed as away");
    const after = await holdersByTeam(browser);
    assert.notEqual(after[0][0], leader, "someone else leads");
    assert.ok(!after[0].includes(leader), "nobody away holds a role");
    assert.equal(after[0].length, 5);

    // The next session was planned again: they catch up with a turn at once.
    await browser.$('[aria-label="Next session"]').click();
    await textWhen(await byTestId(browser, "rota-session"), (s) => s.length > 0, "the session picker shows");
    const nextSession = await holdersByTeam(browser);
    assert.ok(nextSession[0].includes(leader), `${leader} has a role next session: ${nextSession[0]}`);

    // By hand: whoever leads team 1 in the first session leads the second too. It is kept,
    // and staff are told which rule it breaks.
    await (await byTestId(browser, "rota-grid-tab")).click();
    await (await byTestId(browser, "rota-grid")).waitForDisplayed();
    const cells = await browser.$$('[data-testid="rota-cell"]');
    const firstLeader = after[0][0];
    // Cells run session by session, role by role: the second session's Team Leader comes
    // after the first session's five roles.
    await cells[5].selectByVisibleText(firstLeader);
    const warnings = await textWhen(await byTestId(browser, "edit-warnings"), (s) => s.length > 0, "the hand edit is checked");
    assert.match(warnings, new RegExp(`${firstLeader} leads again in team 1`));

    // Sheets to pin on the wall, one team to a sheet.
    await (await byTestId(browser, "print-rota")).click();
    const pdf = (await textWhen(await byTestId(browser, "rota-printed"), (s) => s.endsWith(".pdf"), "the sheets are saved")).slice(
      "Saved to ".length,
    );
    assert.ok(pdf.startsWith(home), pdf);
    const printed = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    for (let team = 1; team <= 10; team++) assert.match(printed, new RegExp(`Team ${team}: leadership rota, Wave 1 – Peak District`));
    assert.match(printed, /Session\s+Team Leader\s+Timekeeper\s+Scribe\s+Spokesperson\s+Wellbeing Champion/);
    assert.match(printed, /Day 4 afternoon/);
    assert.ok(printed.includes(`away: ${leader}`), "the absence is on the sheet");
  });
});
