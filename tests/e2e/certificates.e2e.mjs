// Certificates from the app, checked by the CLI: one young person's from their timeline,
// then the whole wave's as a ZIP with its progress, and one revoked with a reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { ROOT, allByTestId, byTestId, freshDataHome, openHoursDemo, textWhen, typeInto, withApp } from "./harness.mjs";

const CLI = path.join(ROOT, "target/debug/mixwell");

/** `mixwell certificates verify FILE`: its last line and whether it exited 0. */
function verify(home, file) {
  const db = path.join(home, "mixwell", "mixwell.sqlite");
  try {
    const out = execFileSync(CLI, ["--db", db, "certificates", "verify", file], { encoding: "utf8" });
    return { ok: true, out, last: out.trim().split("\n").pop() };
  } catch (e) {
    return { ok: false, out: e.stdout, last: e.stdout.trim().split("\n").pop() };
  }
}

test("a certificate exported in the app verifies with the CLI; a wave's ZIP; a revoked one says so", async (t) => {
  const home = freshDataHome();
  await withApp(t, home, async (browser) => {
    await openHoursDemo(browser);
    await (await byTestId(browser, "hours-board-tab")).click();
    await (await byTestId(browser, "board-table")).waitForDisplayed();
    await (await browser.$("button=Sienna Baker")).click();
    await (await byTestId(browser, "certificate-export")).click();
    const saved = await textWhen(await byTestId(browser, "certificate-saved"), (s) => s.startsWith("Saved to "), "the certificate is saved");
    const [, file, number, code] = saved.match(/^Saved to (.+\.pdf) · certificate (\S+), code (\S+)$/) ?? [];
    assert.ok(file && existsSync(file), `the PDF is where the app says: ${saved}`);
    const checked = verify(home, file);
    assert.equal(checked.last, "genuine");
    assert.ok(checked.ok);
    assert.ok(checked.out.includes("to Sienna Baker"), checked.out);
    assert.ok(checked.out.includes(`certificate ${number}`));
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.$/);

    // The whole wave as one ZIP, with its progress.
    await (await byTestId(browser, "timeline-close")).click();
    await (await byTestId(browser, "certificates-zip")).click();
    await (await byTestId(browser, "certificates-export")).click();
    const done = await textWhen(await byTestId(browser, "certificates-saved"), (s) => s.includes("saved to"), "the wave's certificates are saved");
    const [, count, zip] = done.match(/^(\d+) certificates saved to (.+\.zip)/) ?? [];
    assert.ok(zip && existsSync(zip), done);
    assert.ok(Number(count) > 1, done);
    const listed = execFileSync("unzip", ["-Z1", zip], { encoding: "utf8" }).trim().split("\n");
    assert.equal(listed.length, Number(count));

    // Revoke Sienna's with a reason: the list and the CLI say revoked.
    await (await byTestId(browser, "certificates-list")).click();
    await (await byTestId(browser, "certificates-table")).waitForDisplayed();
    let row;
    for (const r of await allByTestId(browser, "certificate-row")) {
      if ((await r.getText()).includes(number)) row = r;
    }
    assert.ok(row, `certificate ${number} is listed`);
    await (await row.$('[data-testid="revoke"]')).click();
    await (await byTestId(browser, "revoke-confirm")).click();
    await textWhen(await byTestId(browser, "certificates-error"), (s) => s.includes("Say why"), "a reason is asked for");
    await typeInto(browser, "revoke-reason", "hours voided after review");
    await (await byTestId(browser, "revoke-confirm")).click();
    await textWhen(await byTestId(browser, "certificate-revoked"), (s) => s === "Revoked: hours voided after review", "the list shows it revoked");
    const revoked = verify(home, file);
    assert.equal(revoked.last, "revoked");
    assert.equal(revoked.ok, false);
  });
});
