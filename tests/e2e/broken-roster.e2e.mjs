// A roster with mistakes is refused whole: every problem is shown with its line and
// column, and nothing reaches the database.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  allByTestId,
  byTestId,
  chooseRosterFile,
  createProgrammeAndWave,
  freshDataHome,
  textWhen,
  textsByTestId,
  withApp,
  writeTemp,
} from "./harness.mjs";

const HEADER = "id,first_name,last_name,date_of_birth,gender,ethnicity,faith,school,postcode,fsm,additional_needs,friends";
const BROKEN = [
  HEADER,
  "A1,Amara,Okafor,2010-03-04,Female,Black or Black British,Christian,Oak College,S1 2AB,No,No,A2",
  "A2,Jack,Smith,31/02/2010,Male,White,No religion,Park Academy,S2 3CD,Yes,No,",
  ",Priya,Patel,2010-05-06,Female,Asian or Asian British,Hindu,Oak College,S3 4EF,No,No,",
  "A1,Kofi,Mensah,2010-07-08,Male,Black or Black British,Christian,Oak College,S1 5GH,No,Yes,ZZ9",
].join("\n");

async function pendingChanges(browser) {
  const text = await (await byTestId(browser, "sync-status")).getText();
  const m = /(\d+) changes?/.exec(text);
  assert.ok(m, `sync status shows a count: ${text}`);
  return Number(m[1]);
}

test("a broken roster shows every problem with its place and saves nothing", async (t) => {
  await withApp(t, freshDataHome(), async (browser) => {
    await createProgrammeAndWave(browser, "NCS Autumn 2027", "Wave 2 – Sheffield");
    const before = await pendingChanges(browser);

    await chooseRosterFile(browser, writeTemp("roster.csv", BROKEN));
    const blocked = await byTestId(browser, "import-blocked");
    await blocked.waitForDisplayed();
    assert.match(await blocked.getText(), /3 problems must be fixed before anything can be imported/);

    const errors = await textsByTestId(browser, "problem-error");
    assert.equal(errors.length, 3, errors.join("\n"));
    assert.ok(errors.some((e) => /line 3, column 4 \(date_of_birth\).*not a real date/i.test(e)), errors.join("\n"));
    assert.ok(errors.some((e) => /line 4, column 1 \(id\)/i.test(e)), errors.join("\n"));
    assert.ok(errors.some((e) => /line 5, column 1 \(id\).*line 2/i.test(e)), errors.join("\n"));
    const warnings = await textsByTestId(browser, "problem-warning");
    assert.ok(warnings.some((w) => w.includes("ZZ9")), warnings.join("\n"));

    const rows = await allByTestId(browser, "preview-row");
    assert.equal(rows.length, 4);
    assert.match(await rows[1].getAttribute("class"), /has-error/);
    assert.equal(await (await byTestId(browser, "confirm-import")).isEnabled(), false);

    await (await byTestId(browser, "tab-participants")).click();
    await (await byTestId(browser, "no-participants")).waitForDisplayed();
    assert.equal(await pendingChanges(browser), before, "nothing was written");
  });
});

test("a file that is not a roster at all is refused with a clear message", async (t) => {
  await withApp(t, freshDataHome(), async (browser) => {
    await createProgrammeAndWave(browser, "NCS Spring 2028", "Wave 1");
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");
    await chooseRosterFile(browser, writeTemp("photo.csv", png));
    const blocked = await byTestId(browser, "import-blocked");
    await blocked.waitForDisplayed();
    const errors = await textsByTestId(browser, "problem-error");
    assert.equal(errors.length, 1, errors.join("\n"));
    assert.match(errors[0], /not a CSV|not .*roster|CSV or .*xlsx/i);
    await textWhen(await byTestId(browser, "confirm-import"), (s) => s.startsWith("Import"), "the import button is shown");
    assert.equal(await (await byTestId(browser, "confirm-import")).isEnabled(), false);
  });
});
