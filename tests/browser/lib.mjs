// Shared by the browser checks (report accessibility, the what-if page): launch Debian's
// Chromium headless through playwright-core (which gives it a fresh temporary profile) and run
// axe-core on a page.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);

/** Launches headless Chromium with the flags this project's machines need. */
export async function launch() {
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on `page` and returns its violations
 * (each with id, impact, help and the failing nodes).
 */
export async function axe(page) {
  const source = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: source });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
  });
  return result.violations;
}

/** The violations a test fails on: serious or critical. */
export function blocking(violations) {
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
