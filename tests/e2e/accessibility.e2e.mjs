// Every main screen against WCAG 2.2 AA, checked by axe-core in the real app's web view:
// any violation fails with the rule and the elements that break it.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  accessibilityViolations,
  byTestId,
  createProgrammeAndWave,
  formDemoTeams,
  freshDataHome,
  openHoursDemo,
  withApp,
} from "./harness.mjs";

async function assertAccessible(browser, screen) {
  const violations = await accessibilityViolations(browser);
  assert.deepEqual(violations, [], `${screen} breaks WCAG 2.2 AA:\n${violations.join("\n")}`);
}

test("the programmes, participants, import and participant screens meet WCAG 2.2 AA", async (t) => {
  await withApp(t, freshDataHome(), async (b) => {
    await (await byTestId(b, "open-demo")).waitForDisplayed();
    await assertAccessible(b, "the empty programmes screen");
    await createProgrammeAndWave(b, "NCS Summer 2027", "Wave 1 – Peak District");
    await assertAccessible(b, "an empty wave (import roster)");
    await (await byTestId(b, "crumb-programmes")).click();
    await (await byTestId(b, "open-wave")).waitForDisplayed();
    await assertAccessible(b, "the programmes screen with a programme open");
  });
});

test("the teams and rota screens of the demo meet WCAG 2.2 AA", async (t) => {
  await withApp(t, freshDataHome(), async (b) => {
    await formDemoTeams(b);
    await assertAccessible(b, "the teams screen with teams formed");
    await (await byTestId(b, "team-set-name")).setValue("Day 1 teams");
    await (await byTestId(b, "save-team-set")).click();
    await (await byTestId(b, "next-activity")).waitForDisplayed();
    await (await byTestId(b, "tab-participants")).click();
    await (await byTestId(b, "open-participant")).waitForDisplayed();
    await assertAccessible(b, "the participants screen");
    await (await byTestId(b, "open-participant")).click();
    await (await byTestId(b, "save-participant")).waitForDisplayed();
    await assertAccessible(b, "the participant dialog");
    await b.keys("Escape");
    await (await byTestId(b, "tab-rota")).click();
    const plan = await byTestId(b, "plan-rota");
    await plan.waitForEnabled();
    await plan.click();
    await (await byTestId(b, "rota-today")).waitForDisplayed();
    await assertAccessible(b, "the rota's today view");
    await (await byTestId(b, "rota-grid-tab")).click();
    await (await byTestId(b, "rota-grid")).waitForDisplayed();
    await assertAccessible(b, "the whole rota by team");
  });
});

test("the hours screens of the HeadStart demo meet WCAG 2.2 AA", async (t) => {
  await withApp(t, freshDataHome(), async (b) => {
    await openHoursDemo(b);
    await (await byTestId(b, "log-who")).waitForDisplayed();
    await assertAccessible(b, "logging hours");
    await (await byTestId(b, "log-mode-team")).click();
    await (await byTestId(b, "log-came")).waitForDisplayed();
    await assertAccessible(b, "logging a team's session");
    await (await byTestId(b, "log-mode-sheet")).click();
    await (await byTestId(b, "log-sheet")).waitForDisplayed();
    await assertAccessible(b, "a sign-in sheet");
    await (await byTestId(b, "hours-board-tab")).click();
    await (await byTestId(b, "board-table")).waitForDisplayed();
    await assertAccessible(b, "the progress board");
    await (await byTestId(b, "board-open")).click();
    await (await byTestId(b, "timeline-entry")).waitForDisplayed();
    await assertAccessible(b, "a participant's timeline");
    await (await byTestId(b, "hours-queue-tab")).click();
    await (await byTestId(b, "queue-row")).waitForDisplayed();
    await assertAccessible(b, "the verification queue");
    await (await byTestId(b, "hours-organisations-tab")).click();
    await (await byTestId(b, "organisation-row")).waitForDisplayed();
    await assertAccessible(b, "the organisations");
  });
});
