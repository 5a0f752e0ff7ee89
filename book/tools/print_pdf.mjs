// print_pdf.mjs: prints the book, rendered as one page by Sphinx's singlehtml builder, to a PDF
// with headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core from
// tests/browser/node_modules, which the README's first command installs).
//
//   node book/tools/print_pdf.mjs --html build/singlehtml/book/index.html --out build/book.pdf
//
// Print styles added here: light theme and light figures only, a page break before each chapter,
// code and output that wrap instead of running off the page, no navigation, no toggles closed
// (every <details> opened), and Chromium's own header and footer (which would print the file://
// path of the build) replaced by the book's title and page numbers. Before printing, every
// listing and output block is checked not to overflow the printed width: a line that would be
// cut at the margin fails the command, naming the block.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const { chromium } = await import(
  pathToFileURL(path.join(here, "..", "..", "tests", "browser", "node_modules", "playwright-core",
                          "index.mjs")).href);

function usage(message) {
  if (message) console.error(`print_pdf: ${message}`);
  console.error("usage: node print_pdf.mjs --html SINGLEHTML_INDEX --out BOOK.pdf");
  process.exit(2);
}

const args = process.argv.slice(2);
const opts = {};
for (let i = 0; i < args.length; i += 2) {
  if (!["--html", "--out"].includes(args[i]) || args[i + 1] === undefined) usage("bad arguments");
  opts[args[i].slice(2)] = args[i + 1];
}
if (!opts.html || !opts.out) usage("--html and --out are required");
if (!fs.existsSync(opts.html)) usage(`${opts.html} does not exist: build the book-pdf target`);

const PRINT_CSS = `
  @page { size: A4; margin: 18mm 16mm 20mm 16mm; }
  body { background: #fff !important; color: #000 !important; }
  .sidebar-drawer, .toc-drawer, .mobile-header, .theme-toggle-container, .back-to-top,
  .related-pages, .bottom-of-page, .sidebar-container, .toc-overlay, .sidebar-overlay,
  .headerlink, .copybtn { display: none !important; }
  .main, .content { width: auto !important; max-width: none !important; padding: 0 !important; }
  .only-dark { display: none !important; }
  .only-light { display: block !important; }
  pre, .highlight pre, .book-output pre, .literal-block {
    white-space: pre-wrap !important; overflow-wrap: anywhere !important;
    overflow: visible !important; max-height: none !important; }
  .variations-body { max-height: none !important; overflow: visible !important; }
  .variations-body pre { width: auto !important; min-width: 0 !important; }
  figure, img, table, .book-listing { break-inside: avoid; }
  /* singlehtml marks where each page of the book starts: a new sheet for each */
  span[id^="document-"] + section { break-before: page; }
  h1, h2, h3, h4 { break-after: avoid; }
  a { color: inherit !important; text-decoration: none !important; }
`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage"],
});
try {
  // The printable width of an A4 page with these margins (178 mm at 96 px per inch), so that the
  // overflow check below sees the lines as the paper will.
  const page = await browser.newPage({ colorScheme: "light", viewport: { width: 673, height: 950 } });
  await page.goto(pathToFileURL(path.resolve(opts.html)).href, { waitUntil: "load" });
  await page.evaluate(() => {
    document.body.dataset.theme = "light";
    try { localStorage.setItem("theme", "light"); } catch (e) { /* file:// may refuse */ }
    for (const d of document.querySelectorAll("details")) d.open = true;
  });
  await page.addStyleTag({ content: PRINT_CSS });
  await page.emulateMedia({ media: "print", colorScheme: "light" });
  // Nothing may overflow the printed width: a line cut at the margin is lost on paper.
  const overflowing = await page.evaluate(() => {
    const bad = [];
    const margin = 40;  // px of the page margin a block may reach into without being cut
    for (const el of document.querySelectorAll("pre, table, img, svg")) {
      if (el.closest(".only-dark")) continue;
      if (el.scrollWidth > el.clientWidth + 1 ||
          el.getBoundingClientRect().right > window.innerWidth + margin) {
        const text = (el.textContent || el.getAttribute("alt") || "").trim().slice(0, 60);
        bad.push(`${el.tagName.toLowerCase()}: ${text}`);
      }
    }
    return bad;
  });
  const pres = overflowing.filter((b) => b.startsWith("pre"));
  if (pres.length) {
    console.error(`print_pdf: ${pres.length} code or output blocks would be cut at the margin:`);
    for (const b of pres.slice(0, 20)) console.error(`  ${b}`);
    process.exitCode = 1;
  }
  const title = await page.title();
  await page.pdf({
    path: opts.out,
    format: "A4",
    printBackground: false,
    displayHeaderFooter: true,
    headerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#555">
      ${title.replace(/[<>&]/g, "")}</div>`,
    footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#555">
      <span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
    margin: { top: "18mm", bottom: "20mm", left: "16mm", right: "16mm" },
  });
  console.log(`print_pdf: wrote ${opts.out} (${fs.statSync(opts.out).size} bytes)`);
} finally {
  await browser.close();
}
