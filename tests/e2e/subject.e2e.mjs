// Subject access from the app: open a young person, save their data as a PDF, and find
// their name in it and the export on the audit trail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { ROOT, byTestId, freshDataHome, textWhen, withApp } from "./harness.mjs";

const CLI = path.join(ROOT, "target/debug/mixwell");

test("a young person's data is saved as a readable PDF from their record, and the copy is on the audit trail", async (t) => {
  const home = freshDataHome();
  let saved = "";
  let name = "";
  await withApp(t, home, async (browser) => {
    const demo = await byTestId(browser, "open-demo");
    await demo.waitForDisplayed();
    await demo.click();
    const open = await byTestId(browser, "open-participant");
    await open.waitForDisplayed();
    await open.click();
    name = await (await browser.$("#participant-title")).getText();
    await (await byTestId(browser, "subject-pdf")).click();
    const text = await textWhen(await byTestId(browser, "subject-saved"), (s) => s.startsWith("Saved to "), "the copy is saved");
    saved = text.slice("Saved to ".length).trim();
  });
  const pdf = execFileSync("pdftotext", [saved, "-"], { encoding: "utf8" });
  assert.match(pdf, new RegExp(`Name: ${name}`));
  assert.match(pdf, /Volunteering hours/);
  const env = { ...process.env, XDG_DATA_HOME: home, HOME: home };
  const trail = JSON.parse(execFileSync(CLI, ["audit", "list", "--last", "1", "--json"], { env, encoding: "utf8" }));
  assert.equal(trail[0].action, "export");
  assert.equal(trail[0].entity, "participant");
  const verified = JSON.parse(execFileSync(CLI, ["audit", "verify", "--json"], { env, encoding: "utf8" }));
  assert.equal(verified.intact, true);
});
