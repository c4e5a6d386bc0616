// The board report as a reader gets it: rapport.html printed to A4 PDF in headless Chromium.
// Counts the pages of the whole report, of the main part (everything before the appendix) and
// of page one alone; collects page one's tagged numbers (data-key/data-value) and the page's
// text; runs axe-core. Prints one JSON object; tests/report.rs judges it.
// Usage: node report.mjs /path/to/rapport.html
import { launch, axe, blocking } from "./lib.mjs";
import { pathToFileURL } from "node:url";

const file = process.argv[2];
if (!file) {
  console.error("usage: node report.mjs rapport.html");
  process.exit(2);
}
const url = pathToFileURL(file).href;

/** Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`). */
function pages(pdf) {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
}

/** The page printed as the A4 the report's CSS asks for. */
async function print(page) {
  await page.emulateMedia({ media: "print" });
  return pages(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
}

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: "load" });
  const info = await page.evaluate(() => {
    const one = document.getElementById("beslut");
    const header = document.querySelector("header");
    const tagged = [...header.querySelectorAll("[data-key]"), ...one.querySelectorAll("[data-key]")].map((e) => [
      e.getAttribute("data-key"),
      e.getAttribute("data-value"),
      e.textContent.trim(),
    ]);
    return {
      lang: document.documentElement.lang,
      title: document.title,
      page_one: tagged,
      page_one_text: header.innerText + "\n" + one.innerText,
      text: document.body.innerText,
      has_appendix: !!document.getElementById("bilaga"),
    };
  });
  const violations = await axe(page);
  const total = await print(page);
  // The main part: the report without the appendix.
  await page.evaluate(() => {
    const start = document.getElementById("bilaga");
    let node = start;
    while (node) {
      const next = node.nextElementSibling;
      node.remove();
      node = next;
    }
  });
  const main = await print(page);
  // Page one: the cover and the decision alone.
  await page.evaluate(() => {
    const one = document.getElementById("beslut");
    let node = one.nextElementSibling;
    while (node) {
      const next = node.nextElementSibling;
      node.remove();
      node = next;
    }
  });
  const first = await print(page);
  console.log(
    JSON.stringify({
      ...info,
      pages_total: total,
      pages_main: main,
      pages_first: first,
      violations: violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })),
      blocking: blocking(violations).map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      })),
    }),
  );
} finally {
  await browser.close();
}
