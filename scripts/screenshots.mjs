// Screenshots of the main screens, for looking at what we built:
// `xvfb-run -a scripts/with-keyring.sh node scripts/screenshots.mjs` after `make app`.
// They land in tests/e2e/artifacts/screens/ (not committed).
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  FIXTURES,
  ROOT,
  byTestId,
  chooseRosterFile,
  createProgrammeAndWave,
  formDemoTeams,
  freshDataHome,
  launch,
  openHoursDemo,
  typeInto,
  writeTemp,
} from "../tests/e2e/harness.mjs";

const OUT = path.join(ROOT, "tests/e2e/artifacts/screens");
mkdirSync(OUT, { recursive: true });

/** A screenshot once the page has painted what it shows: WebKit's snapshot can lag the
 * DOM by a frame (a dialog just opened, a preview just rendered). */
async function screenshot(browser, name) {
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  await browser.saveScreenshot(path.join(OUT, `${name}.png`));
}

const app = await launch(freshDataHome());
const b = app.browser;
const shot = (name) => screenshot(b, name);
try {
  await (await byTestId(b, "open-demo")).waitForDisplayed();
  await shot("1-empty");
  await createProgrammeAndWave(b, "NCS Summer 2027", "Wave 1 – Peak District");
  await shot("2-empty-wave");
  const broken = "id,first_name,last_name,date_of_birth\nA1,Ann,Lee,31/02/2010\nA1,Bo,Ray,2010-01-01\n,Cy,Fox,\n";
  await chooseRosterFile(b, writeTemp("broken.csv", broken));
  await (await byTestId(b, "import-blocked")).waitForDisplayed();
  await shot("3-import-errors");
  await chooseRosterFile(b, path.join(FIXTURES, "sample_roster_120.csv"));
  await (await byTestId(b, "import-ready")).waitForDisplayed();
  await shot("4-import-preview");
  await (await byTestId(b, "confirm-import")).click();
  await (await byTestId(b, "import-done")).waitForDisplayed();
  await shot("5-import-done");
  await (await byTestId(b, "see-participants")).click();
  await (await byTestId(b, "open-participant")).waitForDisplayed();
  await shot("6-participants");
  await (await byTestId(b, "open-participant")).click();
  await (await byTestId(b, "save-participant")).waitForDisplayed();
  await shot("7-participant-detail");
  await b.keys("Escape");
  await (await byTestId(b, "crumb-programmes")).click();
  await (await byTestId(b, "open-wave")).waitForDisplayed();
  await shot("8-programmes");
} finally {
  await app.close();
}

// The demo programme, in a fresh data directory: teams, then the rota planned from them.
const demo = await launch(freshDataHome());
try {
  const b = demo.browser;
  const shot = (name) => screenshot(b, name);
  await formDemoTeams(b);
  await shot("9-teams");
  await (await byTestId(b, "team-set-name")).setValue("Day 1 teams");
  await (await byTestId(b, "save-team-set")).click();
  await (await byTestId(b, "next-activity")).waitForDisplayed();
  await (await byTestId(b, "tab-rota")).click();
  const plan = await byTestId(b, "plan-rota");
  await plan.waitForEnabled();
  await plan.click();
  await (await byTestId(b, "rota-today")).waitForDisplayed();
  await shot("10-rota-today");
  await (await byTestId(b, "rota-grid-tab")).click();
  await (await byTestId(b, "rota-grid")).waitForDisplayed();
  await shot("11-rota-grid");
  await (await byTestId(b, "equal-status")).scrollIntoView();
  await shot("12-rota-fairness");
} finally {
  await demo.close();
}
// The HeadStart demo: logging, the progress board, the queue and a timeline.
const hours = await launch(freshDataHome());
try {
  const b = hours.browser;
  const shot = (name) => screenshot(b, name);
  await openHoursDemo(b);
  await (await byTestId(b, "log-who")).waitForDisplayed();
  await shot("13-hours-log");
  await (await byTestId(b, "log-mode-team")).click();
  await (await byTestId(b, "log-came")).waitForDisplayed();
  await shot("14-hours-team");
  await (await byTestId(b, "log-mode-sheet")).click();
  await (await byTestId(b, "log-sheet")).waitForDisplayed();
  await shot("14-hours-sheet");
  await (await byTestId(b, "log-mode-single")).click();
  await (await byTestId(b, "log-supervised")).click();
  await (await byTestId(b, "signature-pad")).waitForDisplayed();
  await shot("15-hours-supervised");
  await (await byTestId(b, "hours-board-tab")).click();
  await (await byTestId(b, "board-table")).waitForDisplayed();
  await shot("16-hours-board");
  await (await byTestId(b, "board-open")).click();
  await (await byTestId(b, "timeline-entry")).waitForDisplayed();
  await shot("17-hours-timeline");
  await (await byTestId(b, "certificate-export")).click();
  await (await byTestId(b, "certificate-saved")).waitForDisplayed();
  await shot("17-hours-certificate-saved");
  await (await byTestId(b, "timeline-close")).click();
  await (await byTestId(b, "certificates-export")).click();
  await (await byTestId(b, "certificates-saved")).waitForDisplayed();
  await (await byTestId(b, "certificates-list")).click();
  await (await byTestId(b, "certificates-table")).waitForDisplayed();
  await (await byTestId(b, "wave-certificates")).scrollIntoView();
  await shot("17-hours-wave-certificates");
  await (await byTestId(b, "hours-queue-tab")).click();
  await (await byTestId(b, "queue-row")).waitForDisplayed();
  await shot("18-hours-queue");
  await (await byTestId(b, "hours-organisations-tab")).click();
  await (await byTestId(b, "organisation-row")).waitForDisplayed();
  await shot("19-hours-organisations");
} finally {
  await hours.close();
}
// Staff accounts: the dialog, the sign-in screen, and the participants as field staff see them.
const staff = await launch(freshDataHome());
try {
  const b = staff.browser;
  const shot = (name) => screenshot(b, name);
  const add = async (name, role, pin) => {
    await typeInto(b, "staff-name", name);
    if (role) await (await byTestId(b, "staff-role")).selectByAttribute("value", role);
    await typeInto(b, "staff-secret", pin);
    await typeInto(b, "staff-again", pin);
  };
  const signIn = async (name, pin) => {
    await (await byTestId(b, "sign-in")).waitForDisplayed();
    await (await b.$(`//label[contains(@class, "account")][.//span[text()="${name}"]]`)).click();
    await typeInto(b, "sign-in-secret", pin);
  };
  await (await byTestId(b, "open-demo")).click();
  await (await byTestId(b, "open-participant")).waitForDisplayed();
  await (await byTestId(b, "staff-open")).click();
  await add("Ada Lovell", null, "204863");
  await shot("20-staff-first");
  await (await byTestId(b, "staff-add")).click();
  await signIn("Ada Lovell", "204863");
  await (await byTestId(b, "sign-in-submit")).click();
  await (await byTestId(b, "staff-open")).click();
  await add("Sam Field", "field_staff", "314159");
  await (await byTestId(b, "staff-add")).click();
  await (await byTestId(b, "staff-done")).waitForDisplayed();
  await shot("21-staff-accounts");
  await b.keys("Escape");
  await (await byTestId(b, "lock")).click();
  await signIn("Sam Field", "314159");
  await shot("22-sign-in");
  await (await byTestId(b, "sign-in-submit")).click();
  await (await byTestId(b, "open-participant")).waitForDisplayed();
  await (await byTestId(b, "show-sensitive")).click();
  await shot("23-participants-field-staff");
  await (await byTestId(b, "open-participant")).click();
  await (await byTestId(b, "read-only")).waitForDisplayed();
  await shot("24-participant-field-staff");
} finally {
  await staff.close();
}
console.log(`screenshots in ${OUT}`);
