// A coordinator's first day: an empty app, a new programme and wave, the sign-up export
// imported through the wizard, one participant corrected, and everything still there
// after the app is closed and opened again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  FIXTURES,
  allByTestId,
  byTestId,
  chooseRosterFile,
  createProgrammeAndWave,
  freshDataHome,
  textWhen,
  typeInto,
  withApp,
} from "./harness.mjs";

const SAMPLE = path.join(FIXTURES, "sample_roster_120.csv");

/** The roster's own count of each gender, to compare with what the app shows. */
function genderCounts() {
  const [header, ...lines] = readFileSync(SAMPLE, "utf8").trim().split("\n");
  const column = header.split(",").indexOf("gender");
  const counts = new Map();
  for (const line of lines) {
    const gender = line.split(",")[column];
    counts.set(gender, (counts.get(gender) ?? 0) + 1);
  }
  return counts;
}

/** The counts panel's entries for one attribute, as label → number. */
async function shownCounts(browser, attribute) {
  const section = await byTestId(browser, `counts-${attribute}`);
  await section.waitForDisplayed();
  const shown = new Map();
  for (const button of await section.$$('[data-testid="count"]')) {
    const label = await button.$(".label").getText();
    const num = Number(await button.$(".num").getText());
    shown.set(label, num);
  }
  return shown;
}

/** The Friends column of the only row listed. */
async function friendsCell(browser) {
  const row = await byTestId(browser, "participant-row");
  return (await row.$("td:last-child").getText()) || "0";
}

test("import a roster through the wizard, edit a participant, and find it all after a restart", async (t) => {
  const home = freshDataHome();

  await withApp(t, home, async (browser) => {
    assert.equal(await browser.getTitle(), "Mixwell");
    await createProgrammeAndWave(browser, "NCS Summer 2027", "Wave 1 – Peak District");
    await (await byTestId(browser, "no-participants")).waitForDisplayed();

    await chooseRosterFile(browser, SAMPLE);
    const ready = await byTestId(browser, "import-ready");
    await ready.waitForDisplayed();
    assert.match(await ready.getText(), /Ready to import 120 participants: 120 new, 0 updated/);
    assert.equal((await allByTestId(browser, "preview-row")).length, 120);

    await (await byTestId(browser, "confirm-import")).click();
    const done = await byTestId(browser, "import-done");
    await done.waitForDisplayed();
    assert.match(await done.getText(), /120 added, 0 updated/);
    await (await byTestId(browser, "see-participants")).click();

    await textWhen(await byTestId(browser, "showing"), (s) => s === "Showing 120 of 120 participants", "all 120 listed");
    assert.deepEqual(await shownCounts(browser, "gender"), genderCounts());

    // Filtering by a count narrows the list to exactly that many people.
    const female = genderCounts().get("Female");
    const femaleButton = await (await byTestId(browser, "counts-gender")).$("button*=Female");
    await femaleButton.click();
    await textWhen(await byTestId(browser, "showing"), (s) => s === `Showing ${female} of 120 participants`, "filtered to girls");
    await femaleButton.click();

    await typeInto(browser, "search", "NCS27-010000");
    await textWhen(await byTestId(browser, "showing"), (s) => s.startsWith("Showing 1 of"), "search finds one");
    const friendsBefore = Number(await friendsCell(browser));
    await (await byTestId(browser, "open-participant")).click();
    await typeInto(browser, "edit-first-name", "Benedict");
    await (await byTestId(browser, "friends-choice")).selectByAttribute("value", "NCS27-010001");
    await textWhen(await byTestId(browser, "friends"), (s) => s.includes("NCS27-010001"), "the new friend is listed");
    await (await byTestId(browser, "save-participant")).click();
    await textWhen(await byTestId(browser, "open-participant"), (s) => s === "Quinn, Benedict", "the edit is shown");
    assert.equal(Number(await friendsCell(browser)), friendsBefore + 1);
  });

  // Closing and reopening the app brings staff back to the same wave, with the edit kept.
  await withApp(t, home, async (browser) => {
    await textWhen(await byTestId(browser, "crumb-wave"), (s) => s === "Wave 1 – Peak District", "the wave reopens");
    await textWhen(await byTestId(browser, "showing"), (s) => s === "Showing 120 of 120 participants", "all 120 kept");
    await typeInto(browser, "search", "Benedict");
    await textWhen(await byTestId(browser, "open-participant"), (s) => s === "Quinn, Benedict", "the edit was kept");
    assert.equal((await allByTestId(browser, "participant-row")).length, 1);
    await (await byTestId(browser, "open-participant")).click();
    await textWhen(await byTestId(browser, "friends"), (s) => s.includes("NCS27-010001"), "the friendship was kept");
  });
});
