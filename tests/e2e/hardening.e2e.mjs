// What the web view may reach, tried from inside it: Mixwell's own commands answer; the
// core APIs and plugins refuse (the capability grants none); the CSP forbids eval and
// loading anything from another origin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { byTestId, freshDataHome, withApp } from "./harness.mjs";

/** Calls `command` through Tauri's IPC from the page: "ok" or the refusal's text. */
async function invoke(browser, command, args) {
  return browser.executeAsync(
    (command, args, done) => {
      window.__TAURI_INTERNALS__.invoke(command, args).then(
        () => done("ok"),
        (e) => done(`refused: ${typeof e === "string" ? e : JSON.stringify(e)}`),
      );
    },
    command,
    args,
  );
}

test("the web view reaches Mixwell's commands and nothing else, and runs no eval", async (t) => {
  await withApp(t, freshDataHome(), async (browser) => {
    await (await byTestId(browser, "open-demo")).waitForDisplayed();
    assert.equal(await invoke(browser, "list_programmes", { includeArchived: false }), "ok");
    for (const [command, args] of [
      ["plugin:window|set_title", { label: "main", value: "not Mixwell" }],
      ["plugin:event|listen", { event: "x", target: { kind: "Any" }, handler: 0 }],
      ["plugin:path|resolve_directory", { directory: 2 }],
      ["plugin:fs|read_file", { path: "/etc/passwd" }],
      ["plugin:shell|execute", { program: "sh", args: ["-c", "id"] }],
    ]) {
      const answer = await invoke(browser, command, args);
      assert.match(answer, /^refused: /, `${command}: ${answer}`);
    }
    const evaluated = await browser.execute(() => {
      try {
        return String(eval("6 * 7"));
      } catch (e) {
        return `blocked: ${e.name}`;
      }
    });
    assert.equal(evaluated, "blocked: EvalError");
    const outside = await browser.executeAsync((done) => {
      const img = document.createElement("img");
      img.onload = () => done("loaded");
      img.onerror = () => done("blocked");
      img.src = "http://127.0.0.1:9/pixel.png";
    });
    assert.equal(outside, "blocked");
  });
});
