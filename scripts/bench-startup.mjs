// Cold start of the release app to the participants screen of the demo wave, and the
// memory of the app with its web view, under Xvfb. Run through scripts/bench.sh.
//
// Start: from asking WebKitWebDriver for a session (which starts the app) until the first
// participant row exists, so the figure includes the driver's own start-up and round trips:
// an upper bound. The page's own clock gives the part spent loading and rendering the UI.
// Memory: resident set (RSS) and proportional set (PSS, shared pages divided among the
// processes sharing them) summed over the app and the WebKit processes it starts.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { ROOT, freshDataHome, launch } from "../tests/e2e/harness.mjs";

const APP = path.join(ROOT, "target/release/mixwell-app");
const CLI = path.join(ROOT, "target/release/mixwell");
const RUNS = 5;

function children() {
  const byParent = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return byParent;
}

function descendants(pid, byParent) {
  const out = [];
  for (const child of byParent.get(pid) ?? []) out.push(child, ...descendants(child, byParent));
  return out;
}

function kib(file, field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(file, "utf8"));
  return m ? Number(m[1]) : 0;
}

/** The app and every process below it (the WebKit web and network processes). */
function appMemory(driverPid) {
  const byParent = children();
  const all = descendants(driverPid, byParent);
  const app = all.find((pid) => readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("mixwell-app"));
  if (!app) throw new Error("the app process was not found");
  const pids = [app, ...descendants(app, byParent)];
  let rss = 0;
  let pss = 0;
  const each = [];
  for (const pid of pids) {
    const r = kib(`/proc/${pid}/status`, "VmRSS");
    const p = kib(`/proc/${pid}/smaps_rollup`, "Pss");
    rss += r;
    pss += p;
    each.push(`${readFileSync(`/proc/${pid}/comm`, "utf8").trim()} ${(p / 1024).toFixed(0)}`);
  }
  return { rss: rss / 1024, pss: pss / 1024, processes: pids.length, each: each.join(", ") };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const starts = [];
const sessions = [];
const inPage = [];
const memory = [];
for (let run = 0; run < RUNS; run++) {
  const home = freshDataHome();
  execFileSync(CLI, ["--db", path.join(home, "mixwell/mixwell.sqlite"), "demo", "seed"]);
  const began = performance.now();
  const app = await launch(home, APP);
  sessions.push(performance.now() - began);
  try {
    // Watch from inside the page, so the moment the rows appear is not blurred by
    // WebDriver round trips; that moment is on the page's clock (from navigation start).
    const shownAt = await app.browser.executeAsync((done) => {
      const look = () =>
        document.querySelector('[data-testid="participant-row"]') ? done(performance.now()) : setTimeout(look, 1);
      look();
    });
    starts.push(performance.now() - began);
    inPage.push(shownAt);
    // Let the web view settle (fonts, layout) before reading memory.
    await app.browser.$('[data-testid="showing"]').waitForDisplayed();
    memory.push(appMemory(app.driverPid));
  } finally {
    await app.close();
  }
}

console.log(
  `cold start to the participants screen (demo wave, ${RUNS} runs): median ${median(starts).toFixed(0)} ms, ` +
    `slowest ${Math.max(...starts).toFixed(0)} ms (each: ${starts.map((s) => s.toFixed(0)).join(", ")} ms; ` +
    `session ready after ${median(sessions).toFixed(0)} ms)`,
);
console.log(`inside the page, from navigation start to the rows shown: median ${median(inPage).toFixed(0)} ms`);
console.log(
  `memory once shown: RSS ${median(memory.map((m) => m.rss)).toFixed(0)} MiB, PSS ${median(memory.map((m) => m.pss)).toFixed(0)} MiB over ${memory[0].processes} processes`,
);
console.log(`PSS by process in the last run (MiB): ${memory[memory.length - 1].each}`);
