// Forming teams for the demo wave, exporting them, then dragging someone into their
// friend's team: the rule check names them both at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, byTestId, formDemoTeams, freshDataHome, textWhen, withApp } from "./harness.mjs";

const CLI = path.join(ROOT, "target/debug/mixwell");

/** A participant of the wave and one of their friends, read from the database by the CLI. */
function friendPair(home) {
  const json = execFileSync(CLI, ["--db", path.join(home, "mixwell/mixwell.sqlite"), "participants", "list", "--wave", "Wave 1 – Peak District", "--json"]);
  const people = JSON.parse(json);
  const byId = new Map(people.map((p) => [p.record.external_id, p]));
  const someone = people.find((p) => p.friends.length > 0);
  const friend = byId.get(someone.friends[0]);
  const name = (p) => `${p.record.first_name} ${p.record.last_name}`;
  return [name(someone), name(friend)];
}

/** The team card holding the person of this name, and the person's entry in it. */
async function findMember(browser, name) {
  for (const team of await browser.$$('[data-testid="team"]')) {
    for (const member of await team.$$('[data-testid="team-member"]')) {
      if ((await member.$(".who").getText()) === name) return { team, member };
    }
  }
  throw new Error(`${name} is in no team`);
}

/**
 * Drags `source` over `target` and, once `whileOver` has seen what the page shows mid-drag,
 * drops it there. WebDriver's pointer actions do not start HTML5 drags in WebKit, so the
 * events a person's drag fires are dispatched in the same order: dragstart on the person,
 * dragenter and dragover on the team, then drop and dragend.
 */
async function dragTo(browser, source, target, whileOver) {
  const fire = (types) =>
    browser.execute(
      (from, to, types) => {
        window.__drag ??= new DataTransfer();
        for (const type of types) {
          const el = type === "dragstart" || type === "dragend" ? from : to;
          el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: window.__drag }));
        }
      },
      source,
      target,
      types,
    );
  await fire(["dragstart", "dragenter", "dragover"]);
  await whileOver();
  await fire(["drop", "dragend"]);
}

test("form teams for the demo wave, drag a friend into their friend's team, and see the warning", async (t) => {
  const home = freshDataHome();
  await withApp(t, home, async (browser) => {
    await formDemoTeams(browser);
    assert.equal((await browser.$$('[data-testid="team"]')).length, 10);
    assert.match(await (await byTestId(browser, "balance")).getText(), /within \d+(\.\d)?% of the best possible/);

    // Export saves participant_id,group for all 120 where staff can find it.
    await (await byTestId(browser, "export-teams")).click();
    const saved = await textWhen(await byTestId(browser, "exported"), (s) => s.startsWith("Saved to "), "the export is saved");
    const file = saved.slice("Saved to ".length);
    assert.ok(file.startsWith(home), file);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    assert.equal(lines[0], "participant_id,group");
    assert.equal(lines.length, 121);

    // Team lists to pin on the wall: a PDF with every team, read back by pdftotext.
    await (await byTestId(browser, "print-teams")).click();
    const pdf = (
      await textWhen(await byTestId(browser, "exported"), (s) => s.endsWith(".pdf"), "the team lists are saved")
    ).slice("Saved to ".length);
    const printed = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    for (let t = 1; t <= 10; t++) assert.match(printed, new RegExp(`Team ${t} \\(12\\)`));
    assert.match(printed, /Wave 1 – Peak District: teams/);

    const [mover, friend] = friendPair(home);
    const { member } = await findMember(browser, mover);
    const { team: friendsTeam } = await findMember(browser, friend);
    await dragTo(browser, member, friendsTeam, async () => {
      // Before the drop, the team under the pointer says what dropping there would do.
      const preview = await friendsTeam.$('[data-testid="drop-preview"]');
      await preview.waitForDisplayed();
      assert.match(await preview.getText(), /^Drop here: balance \d+\.\d \([+-]?\d+\.\d\), \d+ rules? broken$/);
    });
    const warnings = await byTestId(browser, "rule-warnings");
    await warnings.waitForDisplayed();
    const text = await warnings.getText();
    assert.ok(text.includes(mover) && text.includes(friend) && text.includes("friends"), text);

    // Save this activity's teams, then form new ones for the next activity: the same rules,
    // and people who were together now meet others.
    await (await byTestId(browser, "team-set-name")).setValue("Day 1 – raft build");
    await (await byTestId(browser, "save-team-set")).click();
    const next = await byTestId(browser, "next-activity");
    await next.waitForDisplayed();
    await next.click();
    await (await byTestId(browser, "forming-progress")).waitForDisplayed({ reverse: true, timeout: 30_000 });
    await (await byTestId(browser, "rules-met")).waitForDisplayed();
    const repeats = await textWhen(await byTestId(browser, "repeats"), (s) => s.length > 0, "the repeats line shows");
    assert.match(repeats, /Nobody shares a team with someone they were with|\d+ pairs? from the earlier team sets/);
  });
});
