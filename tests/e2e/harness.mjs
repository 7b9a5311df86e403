// Starts the real, built Mixwell app under tauri-driver (WebKitWebDriver) and hands the
// test a WebdriverIO session. Each launch gets its own data directory, so tests never see
// each other's database, and a test can restart the app on the same directory.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

// webdriverio is installed with the UI's packages; there is no package.json up here.
const require = createRequire(new URL("../../ui/package.json", import.meta.url));
const { remote } = require("webdriverio");

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const APP = path.join(ROOT, "target/debug/mixwell-app");
export const FIXTURES = path.join(ROOT, "tests/fixtures");
const ARTIFACTS = path.join(ROOT, "tests/e2e/artifacts");

export function freshDataHome() {
  return mkdtempSync(path.join(os.tmpdir(), "mixwell-e2e-"));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** Resolves once `port` accepts connections; rejects if the driver exits first. */
async function listening(port, driver) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`tauri-driver exited with ${driver.exitCode}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listened on ${port} within 20 s`);
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ends tauri-driver's process group (driver, WebKitWebDriver, app) and waits until it is gone. */
async function endGroup(driver) {
  const pgid = driver.pid;
  if (groupAlive(pgid)) process.kill(-pgid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) {
      process.kill(-pgid, "SIGKILL");
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Opens the app with `dataHome` as its XDG data directory (database and web storage).
 * Returns the session and a `close()` that ends the app as a person closing it would.
 */
export async function launch(dataHome, application = APP, extraEnv = {}) {
  const port = await freePort();
  // The system may hand the same free port out twice in a row; the driver and
  // WebKitWebDriver cannot share one (seen once: "Unable to listen … port", then a hang).
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();
  // A home of its own too, so exports land in the test's folder, not the machine's.
  const env = { ...process.env, HOME: dataHome, XDG_DATA_HOME: dataHome, XDG_CACHE_HOME: path.join(dataHome, "cache"), ...extraEnv };
  // Its own process group, so closing ends the driver, WebKitWebDriver and the app
  // together; its log goes to a file, because a pipe would stay open in the app.
  const log = path.join(dataHome, `tauri-driver-${port}.log`);
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    detached: true,
    stdio: ["ignore", "ignore", openSync(log, "w")],
  });
  // tauri-driver forwards the session request to WebKitWebDriver, which it starts
  // itself: both must be listening before the session is asked for.
  await listening(port, driver);
  await listening(nativePort, driver);
  let browser;
  try {
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "error",
      waitforTimeout: 15_000,
      connectionRetryCount: 0,
      capabilities: { "tauri:options": { application } },
    });
  } catch (e) {
    await endGroup(driver);
    throw new Error(`could not start the app: ${e.message}\n${readFileSync(log, "utf8")}`);
  }
  return {
    browser,
    driverPid: driver.pid,
    async close() {
      await browser.deleteSession().catch(() => {});
      await endGroup(driver);
    },
  };
}

/**
 * Runs `body` with a fresh app (`env` added to its environment); on failure keeps a
 * screenshot in tests/e2e/artifacts.
 */
export async function withApp(t, dataHome, body, env = {}) {
  const app = await launch(dataHome, APP, env);
  try {
    await body(app.browser);
  } catch (e) {
    mkdirSync(ARTIFACTS, { recursive: true });
    const name = t.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
    await app.browser.saveScreenshot(path.join(ARTIFACTS, `${name}.png`)).catch(() => {});
    throw e;
  } finally {
    await app.close();
  }
}

export const byTestId = (browser, id) => browser.$(`[data-testid="${id}"]`);
export const allByTestId = (browser, id) => browser.$$(`[data-testid="${id}"]`);

/** Waits until the element's text satisfies `predicate`, and returns that text. */
export async function textWhen(element, predicate, what) {
  let text = "";
  await element.waitUntil(
    async () => {
      text = await element.getText().catch(() => "");
      return predicate(text);
    },
    { timeoutMsg: `${what}; last text seen: ${JSON.stringify(text)}` },
  );
  return text;
}

/** Types into an input the way a person would: focus, clear, type. */
export async function typeInto(browser, testId, text) {
  const input = await byTestId(browser, testId);
  await input.waitForDisplayed();
  await input.clearValue();
  await input.setValue(text);
}

/** From an empty app: creates a programme and a wave through the screens, opens the wave. */
export async function createProgrammeAndWave(browser, programme, wave) {
  await typeInto(browser, "new-programme-name", programme);
  await (await byTestId(browser, "create-programme")).click();
  await (await byTestId(browser, "add-wave")).click();
  await typeInto(browser, "wave-name", wave);
  await typeInto(browser, "wave-site", "Castleton Youth Centre");
  await typeInto(browser, "wave-starts", "19/07/2027");
  await typeInto(browser, "wave-ends", "13/08/2027");
  await (await byTestId(browser, "save-wave")).click();
  const open = await byTestId(browser, "open-wave");
  await textWhen(open, (t) => t.includes(wave), "the new wave is listed");
  await open.click();
  await textWhen(await byTestId(browser, "crumb-wave"), (t) => t === wave, "the wave is open");
}

/** From an empty app: opens the demo wave and forms its teams, waiting until every rule is met. */
export async function formDemoTeams(browser) {
  await (await byTestId(browser, "open-demo")).click();
  await textWhen(await byTestId(browser, "crumb-wave"), (s) => s === "Wave 1 – Peak District", "the demo wave opens");
  await (await byTestId(browser, "tab-teams")).click();
  const formButton = await byTestId(browser, "form-teams");
  await formButton.waitForEnabled();
  await formButton.click();
  await (await byTestId(browser, "rules-met")).waitForDisplayed({ timeout: 30_000 });
}

/**
 * From an empty app: seeds the demo, then opens the HeadStart demo wave (six weeks in, with
 * hours logged) on its Hours tab.
 */
export async function openHoursDemo(browser) {
  await (await byTestId(browser, "open-demo")).click();
  await textWhen(await byTestId(browser, "crumb-wave"), (s) => s === "Wave 1 – Peak District", "the demo wave opens");
  await (await byTestId(browser, "crumb-programmes")).click();
  let headstart;
  await browser.waitUntil(
    async () => {
      for (const p of await browser.$$('[data-testid="programme"]')) {
        if ((await p.getText().catch(() => "")).includes("Demo: HeadStart")) headstart = p;
      }
      return headstart !== undefined;
    },
    { timeoutMsg: "the HeadStart demo programme is listed" },
  );
  await headstart.click();
  const open = await byTestId(browser, "open-wave");
  await textWhen(open, (t) => t.includes("Sheffield volunteers"), "the HeadStart wave is listed");
  await open.click();
  await textWhen(await byTestId(browser, "crumb-wave"), (s) => s === "Sheffield volunteers", "the HeadStart wave opens");
  await (await byTestId(browser, "tab-hours")).click();
  await (await byTestId(browser, "hours-log")).waitForDisplayed();
}

/** Chooses `file` in the import wizard's file picker. */
export async function chooseRosterFile(browser, file) {
  await (await byTestId(browser, "tab-import")).click();
  const input = await byTestId(browser, "roster-file");
  await input.waitForExist();
  await input.setValue(file);
}

/** Writes `text` to a file in a fresh temporary directory and returns its path. */
export function writeTemp(name, content) {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "mixwell-file-")), name);
  writeFileSync(file, content);
  return file;
}

/** The visible text of every element with this test id, in page order. */
export async function textsByTestId(browser, id) {
  const texts = [];
  for (const element of await allByTestId(browser, id)) texts.push(await element.getText());
  return texts;
}

// axe-core is installed with the UI's packages; its source is injected into the page.
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/**
 * Runs axe-core on the page as it is against WCAG 2.2 AA and returns every violation as a
 * line naming the rule, what it asks and the elements that break it (empty when none).
 */
export async function accessibilityViolations(browser) {
  const loaded = await browser.execute(`${AXE_SOURCE}; window.axe = axe; return typeof window.axe;`);
  if (loaded !== "object") throw new Error(`axe-core did not load (${loaded})`);
  const result = await browser.executeAsync(function (tags, done) {
    window.axe
      .run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
      .then((r) => done(JSON.stringify(r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) })))))
      .catch((e) => done(JSON.stringify({ error: String(e) })));
  }, WCAG_22_AA);
  const parsed = JSON.parse(result);
  if (parsed.error) throw new Error(`axe-core failed: ${parsed.error}`);
  return parsed.map((v) => `${v.id} (${v.help}): ${v.nodes.length} element(s), e.g. ${v.nodes.slice(0, 3).join(", ")}`);
}
