// The database on disk is encrypted. With the keychain (the session's gnome-keyring) the
// app opens straight onto the programmes and the CLI reads the same key; on a computer
// with no keychain, staff choose a passphrase the first time and type it after that.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { ROOT, byTestId, freshDataHome, textWhen, typeInto, withApp } from "./harness.mjs";

const CLI = path.join(ROOT, "target/debug/mixwell");
const PASSPHRASE = "otter kettle lamp";
/** Sessions with no bus at all, as on a computer with no keychain. */
const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/mixwell-e2e-bus" };

function database(home) {
  return path.join(home, "mixwell", "mixwell.sqlite");
}

/** No file the app wrote holds the demo's first participant's name as plain text. */
function assertNoPlainName(home, name) {
  const folder = path.dirname(database(home));
  for (const file of readdirSync(folder)) {
    const bytes = readFileSync(path.join(folder, file));
    assert.equal(bytes.includes(Buffer.from(name)), false, `${file} holds ${name} in plain text`);
    assert.equal(bytes.includes(Buffer.from("SQLite format 3")), false, `${file} is a plain database`);
  }
}

async function seedDemo(browser) {
  const demo = await byTestId(browser, "open-demo");
  await demo.waitForDisplayed();
  await demo.click();
  await (await byTestId(browser, "crumb-wave")).waitForDisplayed();
}

test("with the keychain the app opens at once, and the CLI opens the same encrypted database", async (t) => {
  const home = freshDataHome();
  await withApp(t, home, async (browser) => {
    await seedDemo(browser);
  });
  const env = { ...process.env, XDG_DATA_HOME: home, HOME: home };
  const keyinfo = JSON.parse(readFileSync(`${database(home)}.keyinfo`, "utf8"));
  assert.equal(keyinfo.keeper, "keychain");
  const people = execFileSync(CLI, ["participants", "list", "--wave", "Wave 1 – Peak District", "--json"], { env, encoding: "utf8" });
  const first = JSON.parse(people)[0];
  assert.ok(first.record.first_name.length > 1);
  assertNoPlainName(home, `${first.record.first_name},${first.record.last_name}`);
  assertNoPlainName(home, first.record.last_name);
});

test("without a keychain a passphrase is chosen once, then typed to unlock; a wrong one is refused", async (t) => {
  const home = freshDataHome();
  await withApp(
    t,
    home,
    async (browser) => {
      await textWhen(await byTestId(browser, "unlock"), (s) => s.includes("Choose a passphrase"), "asked to choose a passphrase");
      await typeInto(browser, "unlock-passphrase", "kettle");
      assert.equal(await (await byTestId(browser, "unlock-submit")).isEnabled(), false);
      await typeInto(browser, "unlock-passphrase", PASSPHRASE);
      await typeInto(browser, "unlock-again", PASSPHRASE);
      await (await byTestId(browser, "unlock-submit")).click();
      await seedDemo(browser);
    },
    NO_KEYCHAIN,
  );
  const keyinfo = JSON.parse(readFileSync(`${database(home)}.keyinfo`, "utf8"));
  assert.equal(keyinfo.keeper, "passphrase");

  await withApp(
    t,
    home,
    async (browser) => {
      await textWhen(await byTestId(browser, "unlock"), (s) => s.includes("Mixwell is locked"), "asked for the passphrase");
      assert.equal(await (await byTestId(browser, "sync-status")).isExisting(), false, "nothing else shows while locked");
      await typeInto(browser, "unlock-passphrase", "otter kettle lump");
      await browser.keys("Enter");
      await textWhen(await byTestId(browser, "unlock-problem"), (s) => s.includes("does not open"), "a wrong passphrase is refused");
      await typeInto(browser, "unlock-passphrase", PASSPHRASE);
      await browser.keys("Enter");
      await textWhen(await browser.$("main"), (s) => s.includes("Demo: NCS Summer 2027"), "the programmes show once unlocked");
    },
    NO_KEYCHAIN,
  );

  // Scripts give the passphrase in the environment; without it the CLI says how.
  const env = { ...process.env, ...NO_KEYCHAIN, XDG_DATA_HOME: home, HOME: home };
  const listed = execFileSync(CLI, ["programme", "list"], { env: { ...env, MIXWELL_PASSPHRASE: PASSPHRASE }, encoding: "utf8" });
  assert.match(listed, /Demo: NCS Summer 2027/);
  assert.throws(
    () => execFileSync(CLI, ["programme", "list"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    (e) => /MIXWELL_PASSPHRASE/.test(e.stderr) && /passphrase_needed/.test(e.stderr),
  );
});
