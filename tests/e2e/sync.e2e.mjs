// Two laptops (two data directories) log hours offline; a hub starts on loopback; each
// laptop is linked to it from the app's sync dialog and syncs with "Sync now"; afterwards
// both databases hold every hour, and the header says the laptop is up to date.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, byTestId, freshDataHome, textWhen, typeInto, withApp } from "./harness.mjs";

const CLI = path.join(ROOT, "target/debug/mixwell");
const WAVE = "Sheffield volunteers";

const dbOf = (home) => path.join(home, "mixwell", "mixwell.sqlite");
const mixwell = (...args) => execFileSync(CLI, args, { encoding: "utf8" });
const today = () => new Date().toISOString().slice(0, 10);

/** participant_id → minutes logged (verified and pending), from the laptop's database. */
function minutes(home) {
  const rows = JSON.parse(mixwell("--db", dbOf(home), "hours", "summary", "--wave", WAVE, "--json"));
  return Object.fromEntries(rows.map((r) => [r.participant_id, r.verified_minutes + r.pending_minutes]));
}

/** A hub on a free loopback port; resolves with its address and a stop(). */
async function startHub() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "mixwell-hub-"));
  const database = path.join(dir, "hub.sqlite");
  mixwell("hub", "init", "--database", database, "--org", "Peak Youth Trust");
  const code = () => mixwell("hub", "enrol-device", "--database", database, "--role", "coordinator").trim().split("\n").pop();
  const server = spawn(CLI, ["hub", "serve", "--database", database, "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let seen = "";
    server.stdout.on("data", (chunk) => {
      seen += chunk;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (m) resolve(m[1]);
    });
    server.once("exit", (status) => reject(new Error(`the hub exited with ${status}: ${seen}`)));
  });
  return { url, code, database, stop: () => server.kill("SIGTERM") };
}

/** Links the open app to the hub through the sync dialog, then syncs; returns the report line. */
async function linkAndSync(browser, hub, code) {
  await (await byTestId(browser, "sync-status")).click();
  await typeInto(browser, "sync-hub", hub.url);
  await typeInto(browser, "sync-code", code);
  await (await byTestId(browser, "sync-enrol")).click();
  await textWhen(await byTestId(browser, "sync-organisation"), (s) => s === "Peak Youth Trust", "the laptop is linked");
  return syncNow(browser);
}

async function syncNow(browser) {
  const dialogOpen = await (await byTestId(browser, "sync-dialog")).isExisting();
  if (!dialogOpen) await (await byTestId(browser, "sync-status")).click();
  await (await byTestId(browser, "sync-now")).click();
  return textWhen(await byTestId(browser, "sync-report"), (s) => s.startsWith("Sent"), "the round finishes");
}

test("two laptops log hours offline, sync through a hub on loopback, and both hold all the hours", async (t) => {
  const hub = await startHub();
  t.after(hub.stop);
  const office = freshDataHome();
  const field = freshDataHome();

  // The office laptop has the programmes and logs an hour offline.
  mixwell("--db", dbOf(office), "demo", "seed");
  mixwell("--db", dbOf(office), "hours", "log", "--participant", "HS-0026", "--org", "Hope Food Bank", "--date", today(), "--minutes", "60");
  const before = minutes(office);

  await withApp(t, office, async (browser) => {
    await textWhen(await byTestId(browser, "sync-status"), (s) => /Saved on this laptop · \d+ changes waiting to sync/.test(s), "not linked yet");
    const report = await linkAndSync(browser, hub, hub.code());
    assert.match(report, /^Sent \d+ changes, received/);
    await (await byTestId(browser, "sync-dialog")).$("button=Close").click();
    await textWhen(await byTestId(browser, "sync-status"), (s) => /^Synced \d\d:\d\d · nothing waiting/.test(s), "the header says it is up to date");
  });

  // The field laptop starts empty, receives the organisation's record, then logs offline.
  const fieldCode = hub.code();
  await withApp(t, field, async (browser) => {
    const report = await linkAndSync(browser, hub, fieldCode);
    assert.match(report, /received \d+ changes/);
  });
  assert.deepEqual(minutes(field), before, "the field laptop holds what the office logged");
  mixwell("--db", dbOf(field), "hours", "log", "--participant", "HS-0005", "--org", "hope food bank", "--date", today(), "--minutes", "45");

  await withApp(t, field, async (browser) => {
    assert.match(await syncNow(browser), /^Sent 1 change/);
  });
  await withApp(t, office, async (browser) => {
    assert.match(await syncNow(browser), /received [1-9]\d* change/);
  });

  const office_after = minutes(office);
  assert.equal(office_after["HS-0005"], before["HS-0005"] + 45, "the field laptop's hour reached the office");
  assert.equal(office_after["HS-0026"], before["HS-0026"] + 0, "nothing counted twice");
  assert.deepEqual(minutes(field), office_after, "both laptops hold every hour");
});

test("a laptop with no network sends its hours to the hub on a USB stick and reads the hub's file back", async (t) => {
  const hub = await startHub();
  t.after(hub.stop);
  const venue = freshDataHome();
  mixwell("--db", dbOf(venue), "demo", "seed");
  // Enrolled while at the office.
  mixwell("--db", dbOf(venue), "sync", "enrol", "--hub", hub.url, "--code", hub.code());
  const device = JSON.parse(mixwell("--db", dbOf(venue), "sync", "status", "--json")).device;
  hub.stop();

  // At the venue: hours logged, the changes exported from the app.
  mixwell("--db", dbOf(venue), "hours", "log", "--participant", "HS-0026", "--org", "Hope Food Bank", "--date", today(), "--minutes", "60");
  let exported;
  await withApp(t, venue, async (browser) => {
    await (await byTestId(browser, "sync-status")).click();
    await (await byTestId(browser, "usb-export")).click();
    const notice = await textWhen(await byTestId(browser, "usb-notice"), (s) => s.startsWith("Saved "), "the bundle is saved");
    exported = /^Saved (.+\.bundle)\./.exec(notice)[1];
  });

  // At the office: the hub takes the file once, and writes one back for the laptop.
  const imported = mixwell("hub", "import-bundle", "--database", hub.database, exported);
  assert.match(imported, /^imported [1-9]\d* change\(s\)/);
  assert.match(mixwell("hub", "import-bundle", "--database", hub.database, exported), /imported before: nothing changed/);
  const back = path.join(mkdtempSync(path.join(os.tmpdir(), "mixwell-usb-")), "for-venue.bundle");
  mixwell("hub", "export-bundle", "--database", hub.database, "--device", device, "--out", back);

  await withApp(t, venue, async (browser) => {
    await (await byTestId(browser, "sync-status")).click();
    const input = await byTestId(browser, "usb-import");
    await input.waitForExist();
    await input.setValue(back);
    await textWhen(await byTestId(browser, "usb-notice"), (s) => s.startsWith("Received"), "the hub's file is read");
    await textWhen(await byTestId(browser, "sync-pending"), (s) => s === "0 changes", "nothing waits any more");
    await input.setValue(back);
    await textWhen(await byTestId(browser, "usb-notice"), (s) => s.includes("nothing changed"), "a second read changes nothing");
  });
});

test("a revoked laptop says so, keeps its hours, and is linked again from the app with a new code", async (t) => {
  const hub = await startHub();
  t.after(hub.stop);
  const laptop = freshDataHome();
  mixwell("--db", dbOf(laptop), "demo", "seed");
  mixwell("--db", dbOf(laptop), "sync", "enrol", "--hub", hub.url, "--code", hub.code());
  mixwell("--db", dbOf(laptop), "sync", "now");
  const device = JSON.parse(mixwell("--db", dbOf(laptop), "sync", "status", "--json")).device;
  mixwell("hub", "devices", "revoke", "--database", hub.database, device);
  mixwell("--db", dbOf(laptop), "hours", "log", "--participant", "HS-0026", "--org", "Hope Food Bank", "--date", today(), "--minutes", "50");
  assert.throws(() => execFileSync(CLI, ["--db", dbOf(laptop), "sync", "now"], { stdio: "pipe" }), /device_revoked/);
  const kept = minutes(laptop);

  await withApp(t, laptop, async (browser) => {
    await textWhen(await byTestId(browser, "sync-status"), (s) => /^Revoked at the hub · \d+ changes? waiting/.test(s), "the header says the laptop was revoked");
    await (await byTestId(browser, "sync-status")).click();
    await textWhen(await byTestId(browser, "sync-revoked"), (s) => s.includes("Everything is still saved here"), "the dialog explains");
    await typeInto(browser, "sync-code", hub.code());
    await (await byTestId(browser, "sync-enrol")).click();
    await textWhen(await byTestId(browser, "sync-organisation"), (s) => s === "Peak Youth Trust", "the laptop is linked again");
    // Linking wakes the background sync, which may have sent them already.
    assert.match(await syncNow(browser), /^Sent \d+ changes?/);
    await textWhen(await byTestId(browser, "sync-pending"), (s) => s === "0 changes", "what it kept has gone to the hub");
  });

  // Another laptop of the organisation now holds the hour logged while revoked.
  const office = freshDataHome();
  mixwell("--db", dbOf(office), "sync", "enrol", "--hub", hub.url, "--code", hub.code());
  mixwell("--db", dbOf(office), "sync", "now");
  assert.deepEqual(minutes(office), kept);
});
