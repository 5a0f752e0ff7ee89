#!/usr/bin/env node
// Browser check of the rendered book: serves the HTML tree on 127.0.0.1 and drives Debian's Chromium
// (headless, through playwright-core) over every page.
//
// Every page: it loads; no console error or uncaught exception; no failed or external request; every
// internal link resolves to an existing page, file or anchor (downloads answer 200); every captured-output
// block shows exactly the text of the capture file it names (sliced as bookext.slice_output does) and is
// followed by its stamp, and carries no copy button; every image loads with a non-zero size and has alt
// text, and each figure shows the variant of the current theme. Then: search for "fork" lists the processes
// chapter; the theme toggle switches light and dark (the body's background changes, and the figures follow);
// the copy button copies a listing's code, and a console block's commands without their "$ " prompts.
// Instructor edition: every chapter shows its teaching notes and its exercises' solutions. Student edition:
// no page, search index entry or file of the tree holds them.
//
// The reading experience (issue 13), at 1400 px and at a phone's 390 px: every "what varied between runs"
// box is collapsed and within a height limit, closed and opened, and the page never scrolls sideways; every
// stamp is one line until opened; chapter titles and the sidebar carry numbers; no line of a listing is
// over 90 columns and no listing scrolls sideways at 1400 px; no page holds a path of the machine that
// built it; every reference to a chapter is a link or a marked absent chapter, never plain text; axe-core
// (pinned in package.json) finds no serious or critical violation on any page in the light and the dark
// theme (instructor edition: its chapter pages, the ones that differ); the system's dark mode with the
// theme on "auto" gives a dark page and dark code with copy buttons; Tab reaches the theme toggle and the
// search box; the arrow keys turn the page. Screenshots of the front page, a chapter's top, a variation
// box and a figure, desktop and phone, light and dark, go to --screenshots; the last lines print the
// figures the issue asks for (tallest variation box, sideways listings, axe violations, longest page).
//
// usage: node check_browser.mjs --html DIR --captures-manifest PATH --edition student|instructor --screenshots DIR
// Prints one FAIL line per failed check, a few counts, and last "N passed, M failed"; exits 1 if any failed.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (e) {
  console.error(`check_browser.mjs: cannot load playwright-core (${e.message.split("\n")[0]}).\n` +
    "Install it with the README's first command (./build-book.sh), or: (cd tests/browser && npm ci)");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const USAGE = "usage: node check_browser.mjs --html DIR --captures-manifest PATH --edition student|instructor --screenshots DIR";
const CHROMIUM = process.env.BOOK_CHROMIUM || "/usr/bin/chromium";
const NAV_TIMEOUT_MS = 30_000;    // one page load
const ACTION_TIMEOUT_MS = 15_000; // one wait for a selector, a click, a search
const WATCHDOG_MS = 1_000_000;    // the whole run (axe on every page, twice, is most of it)
const DESKTOP = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };
// Heights a variation box may take: one or two lines closed; opened, its scroll box (22rem) and help.
const VARIATIONS_CLOSED_MAX = 80;
const VARIATIONS_OPEN_MAX = 720;
const LISTING_COLUMNS = 90;
const AXE_SOURCE = path.join(path.dirname(new URL(import.meta.url).pathname), "node_modules", "axe-core", "axe.min.js");
// Headings that only the instructor edition may contain (book/instructor/NN-slug.md).
const INSTRUCTOR_HEADINGS = ["Teaching notes", "Answers to Check your understanding", "Exercise solutions"];

// --- Arguments -----------------------------------------------------------------------------------------

function parseArgs(argv) {
  const known = { "--html": "html", "--captures-manifest": "manifest", "--edition": "edition", "--screenshots": "screenshots" };
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--help" || argv[i] === "-h") {
      console.log(USAGE);
      process.exit(0);
    }
    const key = known[argv[i]];
    if (!key || i + 1 >= argv.length) {
      console.error(USAGE);
      process.exit(2);
    }
    out[key] = argv[++i];
  }
  if (!out.html || !out.manifest || !out.screenshots || !["student", "instructor"].includes(out.edition)) {
    console.error(USAGE);
    process.exit(2);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const HTML_DIR = path.resolve(args.html);

// --- Results -------------------------------------------------------------------------------------------

const failures = [];
let passed = 0;
const counts = { pages: 0, links: 0, anchors: 0, files: 0, external: 0, blocks: 0, stamps: 0, images: 0, figures: 0, copied: 0 };
// The issue's figures, measured on this tree.
const figures = {
  tallestVariations: { px: 0, where: "" },   // a variation box as the page first shows it (1400 px)
  tallestVariationsOpen: { px: 0, where: "" },
  listings: 0, sideways: 0, sidewaysWhere: [], // code blocks, and those wider than their box at 1400 px
  longestPage: { px: 0, where: "" },
  axe: { light: { serious: 0, critical: 0, other: 0, pages: 0 }, dark: { serious: 0, critical: 0, other: 0, pages: 0 } },
  axeRules: new Map(),
};

function expect(ok, message) {
  if (ok) passed++;
  else failures.push(message);
  return ok;
}

function finish(code) {
  for (const f of failures) console.log(`FAIL: ${f}`);
  console.log(`checked ${counts.pages} pages, ${counts.links} internal links (${counts.anchors} with an anchor, ` +
    `${counts.files} to files and downloads), ${counts.external} external links not followed, ` +
    `${counts.blocks} captured-output blocks (${counts.stamps} stamps), ${counts.images} images ` +
    `(${counts.figures} figures), ${counts.copied} copy buttons`);
  const f = figures;
  console.log(`figures: tallest variation box ${f.tallestVariations.px} px as shown (${f.tallestVariations.where || "none"}), ` +
    `${f.tallestVariationsOpen.px} px opened (${f.tallestVariationsOpen.where || "none"})`);
  console.log(`figures: ${f.sideways} of ${f.listings} code blocks scroll sideways at ${DESKTOP.width} px` +
    (f.sidewaysWhere.length ? ` (${f.sidewaysWhere.slice(0, 5).join(", ")}${f.sidewaysWhere.length > 5 ? ", ..." : ""})` : ""));
  for (const theme of ["light", "dark"]) {
    const a = f.axe[theme];
    console.log(`figures: axe-core, ${theme} theme, ${a.pages} pages: ${a.critical} critical, ${a.serious} serious, ` +
      `${a.other} moderate or minor violations`);
  }
  if (f.axeRules.size) console.log(`figures: axe rules violated: ${[...f.axeRules].map(([k, v]) => `${k} (${v})`).join(", ")}`);
  console.log(`figures: longest page ${f.longestPage.px} px at ${DESKTOP.width} px (${f.longestPage.where})`);
  console.log(`${passed} passed, ${failures.length} failed`);
  process.exit(code ?? (failures.length ? 1 : 0));
}

const watchdog = setTimeout(() => {
  failures.push(`the browser check did not finish within ${WATCHDOG_MS / 1000} s`);
  finish(1);
}, WATCHDOG_MS);
watchdog.unref();

// --- bookext.py, reimplemented: slice_output and extract_part ---------------------------------------------

// Python's str.splitlines(): these separators, and no empty last line after a final separator.
function splitlines(text) {
  if (text === "") return [];
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

const isBlank = (line) => line.trim() === "";

// As bookext.omit_lines: each run of consecutive lines matching `omit` becomes one marker line.
function omitLines(lines, omit) {
  const pattern = new RegExp(omit);
  const out = [];
  let run = [];
  for (const line of [...lines, null]) {
    if (line !== null && pattern.test(line)) { run.push(line); continue; }
    if (run.length) {
      const indent = run[0].slice(0, run[0].length - run[0].trimStart().length);
      out.push(`${indent}[... ${run.length} line${run.length > 1 ? "s" : ""} omitted]`);
      run = [];
    }
    if (line !== null) out.push(line);
  }
  return out;
}

function sliceOutput(text, start, until, omit) {
  let lines = splitlines(text);
  if (start) {
    const idx = lines.findIndex((l) => l.startsWith(start));
    if (idx < 0) return null;
    lines = lines.slice(idx);
  }
  if (until) {
    const idx = lines.findIndex((l, i) => i > 0 && l.startsWith(until));
    if (idx >= 0) lines = lines.slice(0, idx);
  }
  if (omit) lines = omitLines(lines, omit);
  while (lines.length && isBlank(lines[lines.length - 1])) lines.pop();
  return lines.join("\n");
}

const MARKER = /^\s*\/\/\s*\[(\/?)([\w.-]+)\]\s*$/;

// A whole file as the listing directive shows it: marker lines dropped, blank ends trimmed, dedented.
function listingText(text) {
  let lines = splitlines(text).filter((l) => !MARKER.test(l));
  while (lines.length && isBlank(lines[0])) lines.shift();
  while (lines.length && isBlank(lines[lines.length - 1])) lines.pop();
  const indents = lines.filter((l) => !isBlank(l)).map((l) => l.length - l.trimStart().length);
  const indent = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(indent)).join("\n");
}

// --- The static server ------------------------------------------------------------------------------------

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".json": "application/json", ".map": "application/json",
  ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
  ".ico": "image/x-icon", ".webp": "image/webp", ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8", ".md": "text/plain; charset=utf-8",
  ".cpp": "text/plain; charset=utf-8", ".hpp": "text/plain; charset=utf-8", ".h": "text/plain; charset=utf-8",
  ".py": "text/plain; charset=utf-8", ".go": "text/plain; charset=utf-8", ".rs": "text/plain; charset=utf-8",
  ".gz": "application/gzip", ".tgz": "application/gzip", ".zip": "application/zip", ".inv": "application/octet-stream",
};

// The file a URL path names inside the tree, or null (outside the tree, or missing).
function fileOf(urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  let file = path.resolve(HTML_DIR, "." + rel);
  if (file !== HTML_DIR && !file.startsWith(HTML_DIR + path.sep)) return null;
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

function startServer() {
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, "http://127.0.0.1");
    const file = req.method === "GET" || req.method === "HEAD" ? fileOf(pathname) : null;
    if (!file) {
      res.writeHead(req.method === "GET" || req.method === "HEAD" ? 404 : 405, { "Content-Type": "text/plain" });
      res.end("not found\n");
      return;
    }
    const size = fs.statSync(file).size;
    res.writeHead(200, {
      "Content-Type": TYPES[path.extname(file).toLowerCase()] || "application/octet-stream",
      "Content-Length": size,
      "Cache-Control": "no-store",
    });
    if (req.method === "HEAD") res.end();
    else fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

// --- The tree ---------------------------------------------------------------------------------------------

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

const relUrl = (file) => path.relative(HTML_DIR, file).split(path.sep).join("/");
// The chapter a page belongs to: chapters/NN-slug.html, or any page of the folder chapters/NN-slug/.
const chapterOf = (pageRel) => {
  const m = /^chapters\/(\d\d-[\w-]+?)(?:\.html|\/[^/]+\.html)$/.exec(pageRel);
  return m ? m[1] : null;
};

// --- What a page shows, read in the browser -----------------------------------------------------------------

function readPage() {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
  ids.push(...[...document.querySelectorAll("a[name]")].map((e) => e.getAttribute("name")));
  const links = [...document.querySelectorAll("a[href]")].map((a) => ({ raw: a.getAttribute("href"), url: a.href }));
  const blocks = [...document.querySelectorAll("div.captured-output")].map((d) => {
    const pre = d.querySelector("pre");
    const next = d.nextElementSibling;
    return {
      capture: d.dataset.capture, run: d.dataset.run, from: d.dataset.from, until: d.dataset.until,
      omit: d.dataset.omit,
      text: pre ? pre.textContent : null, shown: pre ? visible(pre) : false,
      stamp: next && next.matches("details.capture-stamp") ? next.textContent : null,
      copyButtons: d.querySelectorAll("button.copybtn, .highlight").length,
    };
  });
  const images = [...document.querySelectorAll("img")].map((img) => ({
    src: img.currentSrc || img.src, alt: img.getAttribute("alt"), complete: img.complete,
    natural: [img.naturalWidth, img.naturalHeight], classes: [...img.classList],
    figure: !!img.closest("figure.book-figure, .book-figure"), shown: visible(img),
  }));
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) =>
    h.textContent.replace(/[\u00b6#]\s*$/, "").trim());
  const codeBlocks = [...document.querySelectorAll("div.highlight pre")].map((p) => p.textContent);
  const buttons = document.querySelectorAll("div.highlight button.copybtn").length;
  const answers = document.querySelectorAll(".book-answer").length;
  const instructorBands = document.querySelectorAll("section.instructor-only").length;
  return { ids, links, blocks, images, headings, codeBlocks, buttons, answers, instructorBands,
    theme: document.body.dataset.theme };
}

// --- Main ---------------------------------------------------------------------------------------------------

const manifest = JSON.parse(fs.readFileSync(args.manifest, "utf8"));
const chapters = Object.keys(manifest.chapters).sort();
const allFiles = walk(HTML_DIR);
const pageFiles = allFiles.filter((f) => f.endsWith(".html") && !/^_(static|sources|downloads|images)\//.test(relUrl(f)));
const captureCache = new Map();

function captureRecord(jsonPath) {
  if (!captureCache.has(jsonPath)) captureCache.set(jsonPath, JSON.parse(fs.readFileSync(jsonPath, "utf8")));
  return captureCache.get(jsonPath);
}

function solutionFiles(entry) {
  const out = [];
  for (const ex of entry.exercises || []) {
    const dir = path.join(ex.dir, "solution");
    if (fs.existsSync(dir)) for (const f of walk(dir)) out.push({ exercise: ex.name, file: f });
  }
  return out;
}

const shownByChapter = new Map(); // chapter -> names of the captures its pages show
function checkBlocks(pageRel, info) {
  const chapter = chapterOf(pageRel);
  if (chapter && !shownByChapter.has(chapter)) shownByChapter.set(chapter, new Set());
  const shownCaptures = chapter ? shownByChapter.get(chapter) : new Set();
  for (const b of info.blocks) {
    counts.blocks++;
    const where = `${pageRel}: output block ${b.capture} (run ${b.run})`;
    const [ch, name] = (b.capture || "").split("/");
    const cap = manifest.chapters[ch]?.captures.find((c) => c.name === name);
    // A page outside the chapters (an appendix) may show a chapter's capture (captured-output :chapter:).
    if (!expect(cap && (ch === chapter || !chapter), `${where} names no capture of this chapter in the manifest`)) continue;
    const record = captureRecord(cap.json);
    const run = record.runs[Number(b.run) - 1];
    if (!expect(run, `${where}: ${cap.json} has no run ${b.run}`)) continue;
    const want = sliceOutput(run.output, b.from, b.until, b.omit);
    if (!expect(b.text === want, `${where} differs from ${cap.json}: ` +
      `shows ${JSON.stringify((b.text || "").slice(0, 80))}... (${(b.text || "").length} chars), ` +
      `the capture has ${JSON.stringify((want || "").slice(0, 80))}... (${(want || "").length} chars)`)) {
      // Where the first difference is helps whoever has to fix it.
      const a = b.text || "", w = want || "";
      let i = 0;
      while (i < a.length && i < w.length && a[i] === w[i]) i++;
      failures[failures.length - 1] += `; first difference at character ${i}: ` +
        `${JSON.stringify(a.slice(i, i + 30))} vs ${JSON.stringify(w.slice(i, i + 30))}`;
    }
    expect(b.shown, `${where} is not visible`);
    if (expect(b.stamp && b.stamp.includes("by this build") && b.stamp.includes("CPUs available") &&
      b.stamp.includes("load average"), `${where} is not followed by its stamp (details.capture-stamp)`)) counts.stamps++;
    expect(b.copyButtons === 0, `${where} has a copy button or is highlighted as code`);
    shownCaptures.add(name);
  }
}

function checkCapturesShown() {
  for (const chapter of chapters) {
    const shown = shownByChapter.get(chapter) || new Set();
    for (const cap of manifest.chapters[chapter].captures) {
      if (!cap.skipped) expect(shown.has(cap.name), `chapter ${chapter}: capture ${cap.name} is never shown`);
    }
  }
}

function checkImages(pageRel, info, theme) {
  for (const img of info.images) {
    counts.images++;
    if (img.figure) counts.figures++;
    const where = `${pageRel}: image ${img.src}`;
    expect(img.complete && img.natural[0] > 0 && img.natural[1] > 0, `${where} did not load with a non-zero size`);
    expect(img.alt && img.alt.trim().length > 0, `${where} has no alt text`);
    if (img.figure && theme) {
      const mine = img.classes.includes(`only-${theme}`);
      const other = img.classes.includes(`only-${theme === "light" ? "dark" : "light"}`);
      if (mine) expect(img.shown, `${where}: the ${theme} figure is not shown in the ${theme} theme`);
      if (other) expect(!img.shown, `${where}: a figure of the other theme is shown in the ${theme} theme`);
    }
  }
}

const chapterContent = new Map(); // chapter -> { headings, codes, answers } over all its pages
function checkEdition(pageRel, info) {
  const chapter = chapterOf(pageRel);
  const present = INSTRUCTOR_HEADINGS.filter((h) => info.headings.includes(h));
  if (args.edition === "student") {
    expect(present.length === 0, `${pageRel}: the student edition shows ${present.join(", ")}`);
    expect(info.answers === 0 && info.instructorBands === 0, `${pageRel}: the student edition shows ` +
      `${info.answers} answers and ${info.instructorBands} instructor sections`);
  }
  if (!chapter || !manifest.chapters[chapter]) return;
  const solutions = solutionFiles(manifest.chapters[chapter]);
  const codes = new Set(info.codeBlocks.map((c) => c.replace(/\n$/, "")));
  if (args.edition === "instructor") {
    if (!chapterContent.has(chapter)) chapterContent.set(chapter, { headings: new Set(), codes: new Set(), answers: 0, bands: 0 });
    const c = chapterContent.get(chapter);
    for (const h of info.headings) c.headings.add(h);
    for (const code of codes) c.codes.add(code);
    c.answers += info.answers;
    c.bands += info.instructorBands;
  } else {
    for (const s of solutions) {
      const want = listingText(fs.readFileSync(s.file, "utf8"));
      expect(!codes.has(want), `${pageRel}: the student edition shows the solution ${s.file}`);
    }
  }
}

function checkInstructorChapters() {
  for (const chapter of chapters) {
    const c = chapterContent.get(chapter);
    if (!expect(c, `chapter ${chapter}: no page in the instructor edition`)) continue;
    expect(c.headings.has("Teaching notes"), `chapter ${chapter}: the instructor edition has no "Teaching notes" section`);
    expect(c.bands > 0, `chapter ${chapter}: the instructor material carries no instructor band`);
    for (const s of solutionFiles(manifest.chapters[chapter])) {
      const want = listingText(fs.readFileSync(s.file, "utf8"));
      expect(c.codes.has(want), `chapter ${chapter}: the instructor edition does not show the solution ${s.file} of exercise ${s.exercise}`);
    }
  }
}

// The student tree: no file equals a solution, and the search index has no instructor heading.
function checkStudentTree() {
  const solutions = chapters.flatMap((c) => solutionFiles(manifest.chapters[c]));
  const bySize = new Map();
  for (const s of solutions) {
    const data = fs.readFileSync(s.file);
    if (!bySize.has(data.length)) bySize.set(data.length, []);
    bySize.get(data.length).push({ ...s, data });
  }
  for (const f of allFiles) {
    const size = fs.statSync(f).size;
    const same = (bySize.get(size) || []).filter((s) => fs.readFileSync(f).equals(s.data));
    expect(same.length === 0, `student tree: ${relUrl(f)} is the solution ${same.map((s) => s.file).join(", ")}`);
  }
  const indexFile = path.join(HTML_DIR, "searchindex.js");
  if (expect(fs.existsSync(indexFile), "no searchindex.js")) {
    const text = fs.readFileSync(indexFile, "utf8");
    const json = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
    let index = null;
    try {
      index = JSON.parse(json);
    } catch (e) {
      expect(false, `searchindex.js does not parse: ${e.message}`);
    }
    if (index) {
      const titles = Object.keys(index.alltitles || {});
      const bad = INSTRUCTOR_HEADINGS.filter((h) => titles.includes(h));
      expect(bad.length === 0, `student search index lists the sections ${bad.join(", ")}`);
    }
  }
}

// --- The reading experience (issue 13) -----------------------------------------------------------------------

// Measured in the page: variation boxes, stamps, code blocks, numbers, plain chapter references.
function readLayout() {
  const box = (el) => el.getBoundingClientRect();
  const variations = [...document.querySelectorAll("details.capture-variations")].map((d) => ({
    open: d.open, height: Math.round(box(d).height),
  }));
  const stamps = [...document.querySelectorAll("details.capture-stamp")].map((d) => {
    const s = d.querySelector("summary");
    const style = getComputedStyle(s);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.6;
    return { open: d.open, height: box(s).height, line };
  });
  const code = [...document.querySelectorAll("div.highlight pre")].map((p) => {
    const listing = p.closest(".book-listing");
    return {
      listing: !!listing,
      sideways: p.scrollWidth > p.clientWidth + 1,
      columns: Math.max(0, ...p.textContent.replace(/\n$/, "").split("\n")
        .map((l) => l.replace(/\t/g, "    ").length)),
      name: listing ? (listing.querySelector(".listing-caption")?.textContent || "").split(" · ")[0] : "a console block",
    };
  });
  const clean = (t) => (t || "").replace(/[\u00b6#]\s*$/, "").trim();
  const h1 = clean(document.querySelector("article h1")?.textContent);
  const sidebar = [...document.querySelectorAll(".sidebar-tree a.reference")]
    .filter((a) => /\/chapters\/\d\d-/.test(new URL(a.href).pathname)).map((a) => a.textContent.trim());
  // Plain-text references to a chapter: outside links, chapter roles, code, further reading and citations.
  const plain = [];
  const main = document.querySelector("article[role=main]") || document.body;
  const bibliography = /\/bibliography\.html$/.test(location.pathname);
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && !bibliography; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest("a, pre, code, .book-chapter-ref, section[id^='further-reading'], .captured-output, " +
      "details.capture-stamp, details.capture-variations, .highlight, .toctree-wrapper, details.book-api")) continue;
    for (const m of node.textContent.matchAll(/\b[Cc]hapters?\s+\d+/g)) {
      const block = el.closest("p, li, td, dd, figcaption") || el;
      const cited = [...block.querySelectorAll("em, a[href*='bibliography']")]
        .some((c) => c.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING);
      if (!cited) plain.push(node.textContent.slice(Math.max(0, m.index - 30), m.index + m[0].length + 10).trim());
    }
  }
  return {
    variations, stamps, code, h1, sidebar, plain,
    pageHeight: document.documentElement.scrollHeight,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    absent: document.querySelectorAll(".book-chapter-absent").length,
  };
}

// Opens every variation box, measures it, closes it again: [heights].
function measureOpenVariations() {
  return [...document.querySelectorAll("details.capture-variations")].map((d) => {
    d.open = true;
    const height = Math.round(d.getBoundingClientRect().height);
    const overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    d.open = false;
    return { height, overflow };
  });
}

function checkLayout(pageRel, layout, width) {
  const at = `${pageRel} at ${width} px`;
  layout.variations.forEach((v, i) => {
    expect(!v.open, `${at}: variation box ${i + 1} is open by default`);
    expect(v.height <= VARIATIONS_CLOSED_MAX, `${at}: variation box ${i + 1} is ${v.height} px tall closed ` +
      `(limit ${VARIATIONS_CLOSED_MAX})`);
  });
  layout.stamps.forEach((s, i) => {
    expect(!s.open && s.height <= s.line * 1.5, `${at}: stamp ${i + 1} takes ${Math.round(s.height)} px ` +
      `(${(s.height / s.line).toFixed(1)} lines) before it is opened`);
  });
  expect(layout.overflow <= 1, `${at}: the page scrolls sideways by ${layout.overflow} px`);
  if (width !== DESKTOP.width) return;
  for (const c of layout.code) {
    if (c.listing) expect(c.columns <= LISTING_COLUMNS, `${pageRel}: listing ${c.name} has a line of ${c.columns} columns`);
    if (c.listing) expect(!c.sideways, `${pageRel}: listing ${c.name} scrolls sideways at ${width} px`);
  }
  const chapter = chapterOf(pageRel);
  if (chapter) {
    expect(/^\d+(\.\d+)*\.? \S/.test(layout.h1), `${pageRel}: the title "${layout.h1}" carries no chapter number`);
  }
  const unnumbered = layout.sidebar.filter((t) => !/^\d+(\.\d+)*\.? \S/.test(t));
  expect(unnumbered.length === 0, `${pageRel}: sidebar entries without a number: ${unnumbered.join(", ")}`);
  expect(layout.plain.length === 0, `${pageRel}: plain-text chapter references (use {chapter}): ` +
    layout.plain.map((p) => JSON.stringify(p)).join(", "));
}

async function runAxe(page, pageRel, theme) {
  await page.addScriptTag({ path: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
      target: (v.nodes[0]?.target || []).join(" "), summary: (v.nodes[0]?.failureSummary || "").split("\n")[1] || "" }));
  });
  const tally = figures.axe[theme];
  tally.pages++;
  for (const v of violations) {
    const key = v.impact === "critical" || v.impact === "serious" ? v.impact : "other";
    tally[key] += v.nodes;
    figures.axeRules.set(`${v.id}/${v.impact}`, (figures.axeRules.get(`${v.id}/${v.impact}`) || 0) + v.nodes);
    expect(key === "other", `${pageRel} (${theme}): axe ${v.impact} ${v.id} on ${v.nodes} element(s), ` +
      `first ${v.target}: ${v.summary.trim()}`);
  }
}

function noteFigures(pageRel, layout) {
  for (const v of layout.variations) {
    if (v.height > figures.tallestVariations.px) figures.tallestVariations = { px: v.height, where: pageRel };
  }
  for (const c of layout.code) {
    figures.listings++;
    if (c.sideways) {
      figures.sideways++;
      figures.sidewaysWhere.push(`${pageRel}: ${c.name}`);
    }
  }
  if (layout.pageHeight > figures.longestPage.px) figures.longestPage = { px: layout.pageHeight, where: pageRel };
}

// The older markup (before issue 13) had its variations in a plain box: measured as it was, for the figures.
function readOldVariations() {
  return [...document.querySelectorAll("div.capture-variations")].map((d) => Math.round(d.getBoundingClientRect().height));
}

async function main() {
  const server = await startServer();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "book-chromium-"));
  fs.mkdirSync(args.screenshots, { recursive: true });
  let context = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
      viewport: DESKTOP,
      colorScheme: "light",
      acceptDownloads: false,
      timeout: NAV_TIMEOUT_MS,
    });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
    // Nothing may leave the machine: a request to another origin is recorded and refused at once.
    const external = [];
    await context.route((url) => !url.href.startsWith(origin + "/") && !url.protocol.startsWith("data"), (route) => {
      external.push(route.request().url());
      return route.abort("blockedbyclient");
    });
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
    let events = [];
    page.on("console", (m) => { if (m.type() === "error") events.push(`console error: ${m.text()} (${m.location().url || "?"})`); });
    page.on("pageerror", (e) => events.push(`uncaught exception: ${e.message}`));
    page.on("requestfailed", (r) => events.push(`request failed: ${r.resourceType()} ${r.url()} (${r.failure()?.errorText})`));
    page.on("response", (r) => { if (r.status() >= 400) events.push(`request failed: ${r.request().resourceType()} ${r.url()} (HTTP ${r.status()})`); });

    async function visit(url) {
      events = [];
      external.length = 0;
      const response = await page.goto(url, { waitUntil: "load" });
      // copybutton.js adds its buttons once ClipboardJS is there: wait for them where there is code.
      if (await page.locator("div.highlight pre").count()) {
        await page.locator("div.highlight button.copybtn").first().waitFor({ state: "attached" })
          .catch(() => events.push("code blocks, but no copy button appeared"));
      }
      return response;
    }

    // 1. Every page.
    const withVariations = [];
    const machineRoots = [manifest.root, path.dirname(path.dirname(path.resolve(args.manifest)))]
      .filter((r) => r && r.length > 1);
    // axe-core on every page of the student edition, and on the instructor edition's chapter pages (the
    // pages that differ from the student edition's).
    const axeWanted = (rel) => args.edition === "student" || chapterOf(rel) !== null;
    const pages = new Map(); // url path -> ids
    const linksFrom = [];
    for (const file of pageFiles) {
      const rel = relUrl(file);
      const url = `${origin}/${rel}`;
      counts.pages++;
      let response;
      try {
        response = await visit(url);
      } catch (e) {
        expect(false, `${rel}: did not load: ${e.message.split("\n")[0]}`);
        continue;
      }
      expect(response && response.status() === 200, `${rel}: HTTP ${response && response.status()}`);
      if (rel === "index.html") {
        // The redirect to the front page.
        try {
          await page.waitForURL(`${origin}/book/index.html`, { timeout: ACTION_TIMEOUT_MS });
          expect(true, "");
        } catch {
          expect(false, `index.html does not lead to book/index.html (stays at ${page.url()})`);
        }
      }
      const info = await page.evaluate(readPage);
      const here = new URL(page.url()).pathname;
      pages.set(here, new Set(info.ids));
      for (const l of info.links) linksFrom.push({ page: here, ...l });
      expect(events.length === 0, `${rel}: ${events.join("; ")}`);
      expect(external.length === 0, `${rel}: requests to other origins: ${external.join(", ")}`);
      checkBlocks(here.slice(1), info);
      checkImages(here.slice(1), info, info.theme === "dark" ? "dark" : "light");
      checkEdition(here.slice(1), info);
      expect(info.buttons === info.codeBlocks.length, `${rel}: ${info.codeBlocks.length} code blocks but ${info.buttons} copy buttons`);
      // The reading experience at 1400 px, light: layout, the figures, paths, axe.
      const layout = await page.evaluate(readLayout);
      for (const h of await page.evaluate(readOldVariations)) layout.variations.push({ open: false, height: h });
      noteFigures(here.slice(1), layout);
      checkLayout(here.slice(1), layout, DESKTOP.width);
      if (layout.variations.length) {
        withVariations.push(url);
        for (const [i, o] of (await page.evaluate(measureOpenVariations)).entries()) {
          if (o.height > figures.tallestVariationsOpen.px) figures.tallestVariationsOpen = { px: o.height, where: here.slice(1) };
          expect(o.height <= VARIATIONS_OPEN_MAX, `${rel}: variation box ${i + 1} is ${o.height} px tall opened ` +
            `(limit ${VARIATIONS_OPEN_MAX})`);
          expect(o.overflow <= 1, `${rel}: variation box ${i + 1}, opened, makes the page scroll sideways`);
        }
      }
      const source = await page.content();
      for (const root of machineRoots) {
        expect(!source.includes(root), `${rel}: holds the build machine's path ${root}`);
      }
      if (axeWanted(here.slice(1))) await runAxe(page, here.slice(1), "light");
    }
    checkCapturesShown();
    if (args.edition === "instructor") checkInstructorChapters();

    // 2. Every internal link and anchor.
    const fileStatus = new Map();
    for (const l of linksFrom) {
      let target;
      try {
        target = new URL(l.url);
      } catch {
        expect(false, `${l.page}: malformed link ${l.raw}`);
        continue;
      }
      if (target.origin !== origin) {
        if (target.protocol === "http:" || target.protocol === "https:") counts.external++;
        continue;
      }
      counts.links++;
      const where = `${l.page}: link ${l.raw}`;
      const file = fileOf(target.pathname);
      if (!expect(file, `${where} leads to a missing file ${target.pathname}`)) continue;
      const filePath = "/" + relUrl(file);
      if (file.endsWith(".html") && pages.has(filePath)) {
        if (target.hash.length > 1) {
          counts.anchors++;
          const id = decodeURIComponent(target.hash.slice(1));
          expect(pages.get(filePath).has(id), `${where}: no element with id "${id}" on ${filePath}`);
        }
        continue;
      }
      counts.files++;
      if (!fileStatus.has(target.pathname)) {
        let status;
        try {
          status = (await fetch(origin + target.pathname, { signal: AbortSignal.timeout(ACTION_TIMEOUT_MS) })).status;
        } catch (e) {
          status = e.message;
        }
        fileStatus.set(target.pathname, status);
      }
      expect(fileStatus.get(target.pathname) === 200, `${where} answers ${fileStatus.get(target.pathname)}`);
    }

    // 3. Search: "fork" lists the processes chapter (or, in a build without it, the first chapter's title).
    const processes = chapters.find((c) => c.includes("processes"));
    const searchFor = processes ? "fork" : null;
    const searchTarget = processes || chapters[0];
    if (searchTarget) {
      const query = searchFor || (await (async () => {
        // A chapter of several pages is searched for by the title of its overview page.
        const searchPage = [`chapters/${searchTarget}.html`, `chapters/${searchTarget}/index.html`]
          .find((p) => fs.existsSync(path.join(HTML_DIR, p)));
        await visit(`${origin}/${searchPage}`);
        return (await page.locator("h1").first().textContent()).replace(/[\u00b6#]/g, "").trim().split(/\s+/)
          .find((w) => /[A-Za-z]{3,}/.test(w));  // the first word, not the chapter's number
      })());
      events = [];
      await visit(`${origin}/search.html?q=${encodeURIComponent(query)}`);
      try {
        await page.waitForFunction(() => {
          const s = document.querySelector("#search-results .search-summary");
          return s && /Search finished|did not match/.test(s.textContent);
        }, null, { timeout: ACTION_TIMEOUT_MS });
        const hits = await page.locator("#search-results ul.search li a").evaluateAll((as) => as.map((a) => a.href));
        // A chapter of several pages is found when any of its pages is.
        expect(hits.some((h) => [`/chapters/${searchTarget}.html`, `/chapters/${searchTarget}/`]
          .some((p) => new URL(h).pathname.startsWith(p))),
          `searching "${query}" does not list chapters/${searchTarget}.html or a page of ` +
          `chapters/${searchTarget}/ (found: ${hits.join(", ") || "nothing"})`);
      } catch (e) {
        expect(false, `searching "${query}" never finished: ${e.message.split("\n")[0]}`);
      }
      expect(events.length === 0, `search.html?q=${query}: ${events.join("; ")}`);
    }

    // 4. Screenshots (light), the theme toggle, the figures in the dark, screenshots (dark).
    const chapterPage = (c) => [`chapters/${c}.html`, `chapters/${c}/index.html`]
      .find((p) => fs.existsSync(path.join(HTML_DIR, p)));
    // Every page of a chapter: its one page, or the overview and the section pages of its folder.
    const pagesOf = (c) => {
      const one = chapterPage(c);
      if (!one || !one.endsWith("/index.html")) return one ? [one] : [];
      const folder = path.join(HTML_DIR, "chapters", c);
      return [one, ...fs.readdirSync(folder).filter((f) => f.endsWith(".html") && f !== "index.html").sort()
        .map((f) => `chapters/${c}/${f}`)];
    };
    // The first page of chapter c whose HTML holds `needle` (a class name), or null.
    const pageWith = (c, needle) => pagesOf(c)
      .find((p) => fs.readFileSync(path.join(HTML_DIR, p), "utf8").includes(needle)) || null;
    const firstChapter = chapters.find((c) => chapterPage(c));
    const front = `${origin}/book/index.html`;
    const chapterUrl = firstChapter ? `${origin}/${chapterPage(firstChapter)}` : null;
    const shoot = async (url, name) => {
      await visit(url);
      const file = path.join(args.screenshots, `${name}.png`);
      await page.screenshot({ path: file, timeout: ACTION_TIMEOUT_MS });
      expect(fs.statSync(file).size > 0, `screenshot ${file} is empty`);
    };
    const bodyLook = () => page.evaluate(() => ({
      theme: document.body.dataset.theme, stored: localStorage.getItem("theme"),
      background: getComputedStyle(document.body).backgroundColor,
    }));
    await shoot(front, "front-light");
    if (chapterUrl) {
      await shoot(chapterUrl, "chapter-light");
      const light = await bodyLook();
      const toggle = page.locator(".theme-toggle").filter({ visible: true }).first();
      const looks = [];
      for (let i = 0; i < 3; i++) {
        const before = await page.evaluate(() => document.body.dataset.theme);
        await toggle.click();
        try {
          await page.waitForFunction((b) => document.body.dataset.theme !== b, before, { timeout: ACTION_TIMEOUT_MS });
        } catch {
          expect(false, `the theme toggle does not change body[data-theme] (stays "${before}")`);
          break;
        }
        looks.push(await bodyLook());
        if (looks[looks.length - 1].theme === "dark") break;
      }
      const dark = looks.find((l) => l.theme === "dark");
      if (expect(dark, `the theme toggle never reaches dark mode (went ${looks.map((l) => l.theme).join(" -> ")})`)) {
        expect(dark.stored === "dark", `dark mode is not stored in localStorage (has ${dark.stored})`);
        expect(dark.background !== light.background,
          `the body's background is ${light.background} in both the light and the dark theme`);
        checkImages(`${chapterPage(firstChapter)} (dark)`, await page.evaluate(readPage), "dark");
        const file = path.join(args.screenshots, "chapter-dark.png");
        await page.screenshot({ path: file, timeout: ACTION_TIMEOUT_MS });
        // The choice persists: the front page opens dark.
        await shoot(front, "front-dark");
        const frontDark = await bodyLook();
        expect(frontDark.theme === "dark" && frontDark.background === dark.background,
          `the front page does not open in the stored dark theme (${frontDark.theme}, ${frontDark.background})`);
        // One more click goes to light, whose background is the light one again.
        await visit(chapterUrl);
        await toggle.click();
        await page.waitForFunction(() => document.body.dataset.theme !== "dark", null, { timeout: ACTION_TIMEOUT_MS })
          .catch(() => {});
        const back = await bodyLook();
        expect(back.theme === "light" && back.background === light.background,
          `after dark the toggle does not go to light (${back.theme}, ${back.background}; light is ${light.background})`);
        expect(events.length === 0, `${chapterPage(firstChapter)}, switching themes: ${events.join("; ")}`);
      }
    }

    // 5. Copy buttons: a code listing's code, and a console block's commands without prompts.
    if (chapterUrl) {
      const targets = [
        { what: "a code listing", pre: page.locator(".book-listing div.highlight pre").first(), console: false,
          where: pageWith(firstChapter, 'class="book-listing') },
        { what: "a console block", pre: page.locator("div.highlight-console div.highlight pre").first(), console: true,
          where: pageWith(firstChapter, 'class="highlight-console') },
      ];
      for (const t of targets) {
        if (!expect(t.where, `no page of chapter ${firstChapter} has ${t.what}`)) continue;
        await visit(`${origin}/${t.where}`);
        if (!expect(await t.pre.count(), `${t.where} has no ${t.what}`)) continue;
        const code = (await t.pre.textContent()).replace(/\n$/, "");
        const want = t.console
          ? code.split("\n").filter((l) => l.startsWith("$ ")).map((l) => l.slice(2)).join("\n")
          : code;
        if (t.console) expect(want && code.startsWith("$ "), `${t.what}'s first line has no "$ " prompt`);
        await page.evaluate(() => navigator.clipboard.writeText("(clipboard before the click)"));
        const button = t.pre.locator("xpath=following-sibling::button[contains(@class,'copybtn')]");
        await t.pre.hover();
        await button.click();
        try {
          await page.waitForFunction((b) => b.classList.contains("success"), await button.elementHandle(),
            { timeout: ACTION_TIMEOUT_MS });
        } catch {
          expect(false, `the copy button of ${t.what} never reports success`);
          continue;
        }
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        counts.copied++;
        expect(copied === want, `the copy button of ${t.what} copied ${JSON.stringify(copied.slice(0, 120))}, ` +
          `not ${JSON.stringify(want.slice(0, 120))}`);
        expect(!/^\$ /m.test(copied), `the copy button of ${t.what} copied a "$ " prompt`);
      }
      expect(events.length === 0, `${chapterPage(firstChapter)}, copying: ${events.join("; ")}`);
    }

    // 7. axe-core in the dark theme (chosen with the toggle: stored in localStorage).
    await visit(front);
    await page.evaluate(() => localStorage.setItem("theme", "dark"));
    for (const file of pageFiles) {
      const rel = relUrl(file);
      if (rel === "index.html" || !axeWanted(rel)) continue;
      try {
        await visit(`${origin}/${rel}`);
      } catch (e) {
        expect(false, `${rel} (dark): did not load: ${e.message.split("\n")[0]}`);
        continue;
      }
      expect(await page.evaluate(() => document.body.dataset.theme) === "dark", `${rel}: not dark with the theme stored dark`);
      await runAxe(page, rel, "dark");
    }
    await page.evaluate(() => localStorage.removeItem("theme"));

    // 8. A phone: variation boxes closed and within the limits, stamps one line, nothing sideways.
    await page.setViewportSize(PHONE);
    for (const url of withVariations) {
      await visit(url);
      const rel = new URL(url).pathname.slice(1);
      const layout = await page.evaluate(readLayout);
      checkLayout(rel, layout, PHONE.width);
      for (const [i, o] of (await page.evaluate(measureOpenVariations)).entries()) {
        expect(o.height <= VARIATIONS_OPEN_MAX, `${rel} at ${PHONE.width} px: variation box ${i + 1} is ${o.height} px ` +
          `tall opened (limit ${VARIATIONS_OPEN_MAX})`);
        expect(o.overflow <= 1, `${rel} at ${PHONE.width} px: variation box ${i + 1}, opened, makes the page scroll sideways`);
      }
    }
    await page.setViewportSize(DESKTOP);

    // 9. The system's dark mode, the theme on "auto": a dark page, dark code, copy buttons, dark figures.
    if (chapterUrl) {
      await page.emulateMedia({ colorScheme: "dark" });
      await visit(chapterUrl);
      const look = await page.evaluate(() => {
        const lum = (c) => {
          const [r, g, b] = (c.match(/[\d.]+/g) || [255, 255, 255]).slice(0, 3).map((x) => Number(x) / 255)
            .map((x) => (x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const code = document.querySelector("div.highlight");
        return {
          theme: document.body.dataset.theme,
          page: lum(getComputedStyle(document.body).backgroundColor),
          text: lum(getComputedStyle(document.body).color),
          code: code ? lum(getComputedStyle(code).backgroundColor) : null,
          buttons: document.querySelectorAll("div.highlight button.copybtn").length,
          blocks: document.querySelectorAll("div.highlight pre").length,
        };
      });
      expect(look.theme === "auto", `the system's dark mode: the theme is "${look.theme}", not auto`);
      expect(look.page < 0.05, `the system's dark mode gives a light page (background luminance ${look.page.toFixed(2)})`);
      expect(look.text > 0.4, `the system's dark mode gives dark text (luminance ${look.text.toFixed(2)})`);
      expect(look.code !== null && look.code < 0.05, `the system's dark mode gives light code blocks (${look.code})`);
      expect(look.buttons === look.blocks && look.blocks > 0, `the system's dark mode: ${look.buttons} copy buttons for ` +
        `${look.blocks} code blocks`);
      checkImages(`${chapterPage(firstChapter)} (system dark)`, await page.evaluate(readPage), "dark");
      await page.emulateMedia({ colorScheme: "light" });
    }

    // 10. The keyboard: Tab reaches the theme toggle and the search box; the arrow keys turn the page.
    if (chapterUrl) {
      await visit(chapterUrl);
      const reached = new Set();
      for (let i = 0; i < 60 && reached.size < 2; i++) {
        await page.keyboard.press("Tab");
        const what = await page.evaluate(() => {
          const el = document.activeElement;
          if (!el) return "";
          if (el.closest(".theme-toggle")) return "toggle";
          if (el.matches("input[name=q], .sidebar-search")) return "search";
          return "";
        });
        if (what) reached.add(what);
      }
      expect(reached.has("toggle"), "Tab never reaches the theme toggle");
      expect(reached.has("search"), "Tab never reaches the search box");
      await visit(chapterUrl);
      const next = await page.evaluate(() => document.querySelector('link[rel="next"]')?.href);
      if (expect(next, `${chapterPage(firstChapter)} has no next page`)) {
        await page.locator("body").press("ArrowRight");
        await page.waitForURL(next, { timeout: ACTION_TIMEOUT_MS }).catch(() => {});
        expect(page.url() === next, `the right arrow key does not turn the page (stays at ${page.url()})`);
      }
    }

    // 11. Screenshots: front page, a chapter's top, a variation box, a figure; desktop and phone; light and dark.
    if (chapterUrl) {
      const figurePage = chapters.map((c) => manifest.chapters[c].figures.length ? pageWith(c, 'class="book-figure') : null)
        .find(Boolean);
      for (const theme of ["light", "dark"]) {
        await visit(front);
        await page.evaluate((t) => localStorage.setItem("theme", t), theme);
        for (const [device, size] of [["desktop", DESKTOP], ["phone", PHONE]]) {
          await page.setViewportSize(size);
          const name = (what) => path.join(args.screenshots, `${what}-${device}-${theme}.png`);
          await visit(front);
          await page.screenshot({ path: name("front"), timeout: ACTION_TIMEOUT_MS });
          await visit(chapterUrl);
          await page.screenshot({ path: name("chapter"), timeout: ACTION_TIMEOUT_MS });
          if (withVariations.length) {
            await visit(withVariations[0]);
            const box = page.locator("details.capture-variations").first();
            if (await box.count()) {
              await box.evaluate((d) => { d.open = true; });
              await box.scrollIntoViewIfNeeded();
              await box.screenshot({ path: name("variations"), timeout: ACTION_TIMEOUT_MS });
            }
          }
          if (figurePage) {
            await visit(`${origin}/${figurePage}`);
            const fig = page.locator("figure.book-figure").first();
            await fig.scrollIntoViewIfNeeded();
            await fig.screenshot({ path: name("figure"), timeout: ACTION_TIMEOUT_MS });
          }
        }
      }
      await page.setViewportSize(DESKTOP);
      await page.evaluate(() => localStorage.removeItem("theme"));
      const shots = fs.readdirSync(args.screenshots).filter((f) => /-(desktop|phone)-(light|dark)\.png$/.test(f));
      expect(shots.length >= 12, `only ${shots.length} screenshots were saved in ${args.screenshots}`);
    }

    // 6. The student tree as a whole.
    if (args.edition === "student") checkStudentTree();
    if (args.edition === "instructor") {
      expect(chapters.length > 0, "the manifest lists no chapter");
    }
  } finally {
    if (context) await context.close().catch(() => {});
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().then(() => finish(), (e) => {
  failures.push(`the browser check stopped: ${e.stack || e}`);
  finish(1);
});
