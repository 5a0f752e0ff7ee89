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
// no page, search index entry or file of the tree holds them. Screenshots of the front page and the first
// chapter, light and dark, go to --screenshots.
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
const WATCHDOG_MS = 240_000;      // the whole run
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

function sliceOutput(text, start, until) {
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
      text: pre ? pre.textContent : null, shown: pre ? visible(pre) : false,
      stamp: next && next.matches("p.capture-stamp") ? next.textContent : null,
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
  return { ids, links, blocks, images, headings, codeBlocks, buttons, theme: document.body.dataset.theme };
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

function checkBlocks(pageRel, info) {
  const chapter = pageRel.startsWith("chapters/") ? path.basename(pageRel, ".html") : null;
  const shownCaptures = new Set();
  for (const b of info.blocks) {
    counts.blocks++;
    const where = `${pageRel}: output block ${b.capture} (run ${b.run})`;
    const [ch, name] = (b.capture || "").split("/");
    const cap = manifest.chapters[ch]?.captures.find((c) => c.name === name);
    if (!expect(ch === chapter && cap, `${where} names no capture of this chapter in the manifest`)) continue;
    const record = captureRecord(cap.json);
    const run = record.runs[Number(b.run) - 1];
    if (!expect(run, `${where}: ${cap.json} has no run ${b.run}`)) continue;
    const want = sliceOutput(run.output, b.from, b.until);
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
      b.stamp.includes("load average"), `${where} is not followed by its stamp (p.capture-stamp)`)) counts.stamps++;
    expect(b.copyButtons === 0, `${where} has a copy button or is highlighted as code`);
    shownCaptures.add(name);
  }
  if (chapter && manifest.chapters[chapter]) {
    for (const cap of manifest.chapters[chapter].captures) {
      if (!cap.skipped) expect(shownCaptures.has(cap.name), `${pageRel}: capture ${cap.name} is never shown`);
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

function checkEdition(pageRel, info) {
  const chapter = pageRel.startsWith("chapters/") ? path.basename(pageRel, ".html") : null;
  const present = INSTRUCTOR_HEADINGS.filter((h) => info.headings.includes(h));
  if (args.edition === "student") {
    expect(present.length === 0, `${pageRel}: the student edition shows ${present.join(", ")}`);
  }
  if (!chapter || !manifest.chapters[chapter]) return;
  const solutions = solutionFiles(manifest.chapters[chapter]);
  const codes = new Set(info.codeBlocks.map((c) => c.replace(/\n$/, "")));
  if (args.edition === "instructor") {
    expect(info.headings.includes("Teaching notes"), `${pageRel}: the instructor edition has no "Teaching notes" section`);
    for (const s of solutions) {
      const want = listingText(fs.readFileSync(s.file, "utf8"));
      expect(codes.has(want), `${pageRel}: the instructor edition does not show the solution ${s.file} of exercise ${s.exercise}`);
    }
  } else {
    for (const s of solutions) {
      const want = listingText(fs.readFileSync(s.file, "utf8"));
      expect(!codes.has(want), `${pageRel}: the student edition shows the solution ${s.file}`);
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
      viewport: { width: 1280, height: 900 },
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
    }

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
        await visit(`${origin}/chapters/${searchTarget}.html`);
        return (await page.locator("h1").first().textContent()).replace(/[\u00b6#]/g, "").trim().split(/\s+/)[0];
      })());
      events = [];
      await visit(`${origin}/search.html?q=${encodeURIComponent(query)}`);
      try {
        await page.waitForFunction(() => {
          const s = document.querySelector("#search-results .search-summary");
          return s && /Search finished|did not match/.test(s.textContent);
        }, null, { timeout: ACTION_TIMEOUT_MS });
        const hits = await page.locator("#search-results ul.search li a").evaluateAll((as) => as.map((a) => a.href));
        expect(hits.some((h) => new URL(h).pathname === `/chapters/${searchTarget}.html`),
          `searching "${query}" does not list chapters/${searchTarget}.html (found: ${hits.join(", ") || "nothing"})`);
      } catch (e) {
        expect(false, `searching "${query}" never finished: ${e.message.split("\n")[0]}`);
      }
      expect(events.length === 0, `search.html?q=${query}: ${events.join("; ")}`);
    }

    // 4. Screenshots (light), the theme toggle, the figures in the dark, screenshots (dark).
    const firstChapter = chapters.find((c) => fs.existsSync(path.join(HTML_DIR, "chapters", c + ".html")));
    const front = `${origin}/book/index.html`;
    const chapterUrl = firstChapter ? `${origin}/chapters/${firstChapter}.html` : null;
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
        checkImages(`chapters/${firstChapter}.html (dark)`, await page.evaluate(readPage), "dark");
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
        expect(events.length === 0, `chapters/${firstChapter}.html, switching themes: ${events.join("; ")}`);
      }
    }

    // 5. Copy buttons: a code listing's code, and a console block's commands without prompts.
    if (chapterUrl) {
      await visit(chapterUrl);
      const targets = [
        { what: "a code listing", pre: page.locator(".book-listing div.highlight pre").first(), console: false },
        { what: "a console block", pre: page.locator("div.highlight-console div.highlight pre").first(), console: true },
      ];
      for (const t of targets) {
        if (!expect(await t.pre.count(), `chapters/${firstChapter}.html has no ${t.what}`)) continue;
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
      expect(events.length === 0, `chapters/${firstChapter}.html, copying: ${events.join("; ")}`);
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
