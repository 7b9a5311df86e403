// Staff accounts in the app: the first account (an administrator's) turns sign-in on; the
// screen locks by hand and by itself; a field-staff account never sees a young person's
// faith, ethnicity or needs, and cannot change their record.
import { test } from "node:test";
import assert from "node:assert/strict";
import { allByTestId, byTestId, freshDataHome, textWhen, textsByTestId, typeInto, withApp } from "./harness.mjs";

const FAITHS = ["No religion", "Christian", "Muslim", "Hindu", "Sikh", "Jewish", "Buddhist"];

async function addAccount(browser, name, role, pin) {
  await typeInto(browser, "staff-name", name);
  if (role) await (await byTestId(browser, "staff-role")).selectByAttribute("value", role);
  await typeInto(browser, "staff-secret", pin);
  await typeInto(browser, "staff-again", pin);
  await (await byTestId(browser, "staff-add")).click();
  // The first account turns sign-in on at once; later ones are confirmed in the dialog.
  if (role) await textWhen(await byTestId(browser, "staff-done"), (s) => s.includes(name), `${name}'s account is made`);
}

async function signIn(browser, name, pin) {
  const form = await byTestId(browser, "sign-in");
  await form.waitForDisplayed();
  const account = await browser.$(`//label[contains(@class, "account")][.//span[text()="${name}"]]`);
  await account.click();
  await typeInto(browser, "sign-in-secret", pin);
  await (await byTestId(browser, "sign-in-submit")).click();
}

test("the first account turns sign-in on; the screen locks by hand and by itself; field staff never see a child's faith", async (t) => {
  const home = freshDataHome();
  await withApp(
    t,
    home,
    async (browser) => {
      const demo = await byTestId(browser, "open-demo");
      await demo.waitForDisplayed();
      await demo.click();
      await (await byTestId(browser, "open-participant")).waitForDisplayed();

      // No accounts yet: whoever opened Mixwell may do everything, and is told so.
      await (await byTestId(browser, "staff-open")).click();
      await (await byTestId(browser, "staff-none")).waitForDisplayed();
      await addAccount(browser, "Ada Lovell", null, "204863");
      // From now on everyone signs in.
      await signIn(browser, "Ada Lovell", "204863");
      await textWhen(await byTestId(browser, "signed-in"), (s) => s.includes("Ada Lovell"), "Ada is signed in");
      await (await byTestId(browser, "staff-open")).click();
      await addAccount(browser, "Sam Field", "field_staff", "314159");
      await browser.keys("Escape");
      await (await byTestId(browser, "lock")).click();

      // A wrong PIN is refused and signs nobody in.
      await signIn(browser, "Sam Field", "111111");
      await textWhen(await byTestId(browser, "sign-in-problem"), (s) => s.includes("does not match"), "the wrong PIN is refused");
      await typeInto(browser, "sign-in-secret", "314159");
      await (await byTestId(browser, "sign-in-submit")).click();
      await textWhen(await byTestId(browser, "signed-in"), (s) => s.includes("Sam Field · Field staff"), "Sam is signed in");
      assert.equal(await (await byTestId(browser, "staff-open")).isExisting(), false, "field staff do not manage accounts");
      assert.equal(await (await byTestId(browser, "tab-import")).isExisting(), false, "field staff do not import rosters");

      // The wave's young people, with every optional column shown: no faith, ethnicity or needs.
      await (await byTestId(browser, "open-participant")).waitForDisplayed();
      await (await byTestId(browser, "show-sensitive")).click();
      const headers = await (await browser.$("table")).getText();
      assert.doesNotMatch(headers, /Ethnicity|Faith|Needs/);
      const rows = await textsByTestId(browser, "participant-row");
      assert.ok(rows.length > 20, `${rows.length} rows`);
      for (const row of rows) for (const faith of FAITHS) assert.ok(!row.includes(faith), `${faith} in ${row}`);

      // A young person's record: readable, not changeable, and without their faith.
      await (await allByTestId(browser, "open-participant"))[0].click();
      const dialog = await browser.$("dialog[open]");
      await dialog.waitForDisplayed();
      await (await byTestId(browser, "read-only")).waitForDisplayed();
      assert.equal(await (await byTestId(browser, "save-participant")).isExisting(), false);
      assert.equal(await (await byTestId(browser, "edit-faith")).isExisting(), false);
      assert.equal(await (await byTestId(browser, "subject-pdf")).isExisting(), false);
      const record = await dialog.getText();
      for (const faith of FAITHS) assert.ok(!record.includes(faith), `${faith} in the record`);
      await browser.keys("Escape");

      // Left alone, the screen locks itself (after six seconds in this test).
      await (await byTestId(browser, "sign-in")).waitForDisplayed({ timeout: 30_000, timeoutMsg: "the screen locks itself" });
      assert.equal(await (await byTestId(browser, "participant-row")).isExisting(), false, "nothing of the wave stays on show");
    },
    { MIXWELL_LOCK_AFTER_SECONDS: "6" },
  );
});
