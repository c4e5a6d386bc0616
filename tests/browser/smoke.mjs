// Checks that the browser toolchain works: open a small page, run axe-core, print the result.
// Usage: node smoke.mjs
import { launch, axe, blocking } from "./lib.mjs";

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html lang="sv"><head><title>t</title></head><body><main><h1>Hej</h1></main></body></html>');
  const v = await axe(page);
  console.log(JSON.stringify({ violations: v.length, blocking: blocking(v).length }));
} finally {
  await browser.close();
}
