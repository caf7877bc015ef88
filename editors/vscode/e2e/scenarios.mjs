// The end-to-end scenarios of the planls VS Code extension: playwright-core
// drives headless Debian Chromium against a code-server that ./run started,
// with the extension installed and the workspace of ./run opened. Every
// scenario waits on UI state (never a fixed sleep), takes a screenshot when it
// fails, and prints PASS or FAIL; the summary "N passed, M failed" goes to
// $RESULT, which ./run prints as its last line.
//
// Environment (set by ./run): PLAYWRIGHT_CORE (the package folder), CS_URL,
// WS_DIR (the workspace), SHOTS (screenshot folder), EXPECTED (the expected
// files), RESULT (where to write the summary line), CHROME_PROFILE; optional
// PLANLS_E2E_ONLY (comma-separated scenario function names).

// Node's globals, and the browser's for the functions run in the page.
/* global console, process, document, NodeFilter */

import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL } from 'node:url';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`scenarios.mjs: ${name} is not set (run ./run)`);
  return v;
};
const { chromium } = createRequire(import.meta.url)(env('PLAYWRIGHT_CORE'));
const base = env('CS_URL');
const ws = env('WS_DIR');
const shots = env('SHOTS');
const expected = env('EXPECTED');
const resultFile = env('RESULT');
const profile = env('CHROME_PROFILE');

const t0 = Date.now();
const log = (...a) => console.log(`  [${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`, ...a);

/** The first row of a list or tree (Problems, suggestions, quick input, actions) holding text. */
const row = (page, scope, text) => page.locator(`${scope} .monaco-list-row`, { hasText: text }).first();

/** The texts of the visible rows of a list. */
const rowTexts = async (page, scope) =>
  (await page.locator(`${scope} .monaco-list-row`).allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());

/** Closes any quick input, action widget or suggestion list with Escape. */
async function closeWidgets(page) {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Opens the quick input (Quick Open, Go to Line or the palette) and waits until it takes keys. */
async function quickInput(page, key, prefix) {
  await page.keyboard.press(key);
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  if (prefix !== undefined) {
    // The palette starts with ">", Go to Line with ":": typing before that
    // prefix is in place would land in the wrong picker.
    await page.waitForFunction(
      (p) => document.querySelector('.quick-input-widget input.input')?.value === p,
      prefix,
    );
  }
  return input;
}

/** Opens a workspace file with Quick Open and waits until its editor has focus. */
async function openFile(page, name) {
  await closeWidgets(page);
  await quickInput(page, 'Control+P', '');
  await page.keyboard.type(name);
  // Enter opens the focused row: wait until the list has caught up with the typing.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
}

/**
 * Moves the cursor with Go to Line and waits until the status bar shows it
 * there. Go to Line and the status bar count columns visually (a CJK
 * character takes two), so col must lie in the ASCII start of the line.
 */
async function gotoLine(page, line, col) {
  await quickInput(page, 'Control+G', ':');
  await page.keyboard.type(`${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator('.statusbar-item', { hasText: `Ln ${line}, Col ${col}` }).first().waitFor();
}

/** Runs a command from the palette by (part of) its title. */
async function runCommand(page, title) {
  await quickInput(page, 'Control+Shift+P', '>');
  await page.keyboard.type(title);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).waitFor();
  await page.keyboard.press('Enter');
}

/** Waits until the planls status bar item shows the current file's counts (the server answers). */
async function waitForServer(page) {
  await page.locator('.statusbar-item', { hasText: /\d+ open · \d+ done/ }).first().waitFor({ timeout: 60000 });
}

/** Saves with Ctrl+S and waits until the file on disk is byte-exact the expected one. */
async function saveAndExpect(page, file, expectedName) {
  const want = readFileSync(join(expected, expectedName));
  await page.locator('.tabs-container .tab.active.dirty').waitFor();
  await page.keyboard.press('Control+S');
  const path = join(ws, file);
  let got = Buffer.alloc(0);
  for (const end = Date.now() + 20000; Date.now() < end; await sleep(100)) {
    got = readFileSync(path);
    if (got.equals(want)) break;
  }
  if (!got.equals(want)) {
    const g = got.toString('utf8').split('\n');
    const w = want.toString('utf8').split('\n');
    let i = 0;
    while (i < g.length && i < w.length && g[i] === w[i]) i++;
    throw new Error(
      `${file} on disk differs from expected/${expectedName} at line ${i + 1}:\n` +
        `      got:  ${JSON.stringify(g[i])}\n      want: ${JSON.stringify(w[i])}`,
    );
  }
  await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
}

/** Asserts that every wanted text is among the rows. */
function expectRows(rows, wanted, what) {
  for (const w of wanted) {
    if (!rows.some((r) => r.includes(w))) {
      throw new Error(`${what}: no row with ${JSON.stringify(w)} in ${JSON.stringify(rows)}`);
    }
  }
}

/**
 * The bounding box of the first occurrence of text on the rendered lines of
 * the active editor (the text may span several token elements).
 */
async function textBox(page, text) {
  const box = await page.evaluate((want) => {
    for (const line of document.querySelectorAll('.editor-group-container.active .view-lines .view-line')) {
      const nodes = [];
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let all = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push({ node: n, start: all.length });
        all += n.data;
      }
      const at = all.indexOf(want);
      if (at < 0) continue;
      const locate = (off) => {
        let k = nodes.length - 1;
        while (k > 0 && nodes[k].start > off) k--;
        return [nodes[k].node, off - nodes[k].start];
      };
      const range = document.createRange();
      range.setStart(...locate(at));
      range.setEnd(...locate(at + want.length));
      const r = range.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }
    return null;
  }, text);
  if (!box) throw new Error(`${JSON.stringify(text)} is not on screen`);
  return box;
}

// ---------------------------------------------------------------------------
// The scenarios.

/**
 * cjk.md: a duplicate task (line 7) and a dead anchor after an emoji and CJK
 * text (line 6, code point column 27, UTF-16 column 28). Both show as warning
 * squiggles and in the Problems panel at the right line and column; the dead
 * anchor's squiggle lies exactly under the rendered "#不存在", and hovering it
 * shows the message.
 */
async function diagnostics(page) {
  await openFile(page, 'cjk.md');
  await page.locator('.editor-group-container.active .squiggly-warning').nth(1).waitFor({ timeout: 60000 });
  log('squiggles:', await page.locator('.editor-group-container.active .squiggly-warning').count());

  if (!(await page.locator('.markers-panel').isVisible())) await page.keyboard.press('Control+Shift+M');
  const anchorRow = page.locator('.markers-panel .monaco-list-row', { hasText: 'No heading or anchor "#不存在"' }).first();
  const dupRow = page.locator('.markers-panel .monaco-list-row', { hasText: 'Duplicate task' }).first();
  await anchorRow.waitFor();
  await dupRow.waitFor();
  const rows = await rowTexts(page, '.markers-panel');
  log('problems:', JSON.stringify(rows));
  expectRows(rows, ['cjk.md'], 'Problems');
  const anchorText = (await anchorRow.innerText()).replace(/\s+/g, ' ');
  const dupText = (await dupRow.innerText()).replace(/\s+/g, ' ');
  if (!anchorText.includes('Ln 6, Col 28') || !anchorText.includes('missing-anchor')) {
    throw new Error(`the dead anchor should be at Ln 6, Col 28 (UTF-16), code missing-anchor: ${anchorText}`);
  }
  if (!dupText.includes('Ln 7, Col 7') || !dupText.includes('duplicate-task')) {
    throw new Error(`the duplicate should be at Ln 7, Col 7, code duplicate-task: ${dupText}`);
  }

  // The squiggle on line 6 lies exactly under the text "#不存在" (UTF-16
  // columns 28 to 32), measured on the rendered line.
  // The editor may re-render its decorations (a second publication of the
  // same diagnostics, the Problems panel resizing it): wait until a squiggle
  // is on the line rather than looking once.
  const text = await textBox(page, '#不存在');
  const handle = await page
    .waitForFunction(
      (t) => {
        for (const el of document.querySelectorAll('.editor-group-container.active .squiggly-warning')) {
          const b = el.getBoundingClientRect();
          if (b.y < t.y + t.height && b.y + b.height > t.y) return { x: b.x, y: b.y, width: b.width, height: b.height };
        }
        return null;
      },
      text,
      { timeout: 15000 },
    )
    .catch(() => null);
  const found = handle && (await handle.jsonValue());
  if (!found) throw new Error('no squiggle on the line of "#不存在"');
  log(`squiggle x=${found.x.toFixed(1)}..${(found.x + found.width).toFixed(1)}, "#不存在" x=${text.x.toFixed(1)}..${(text.x + text.width).toFixed(1)}`);
  if (Math.abs(found.x - text.x) > 2 || Math.abs(found.x + found.width - (text.x + text.width)) > 2) {
    throw new Error('the squiggle on line 6 is not under "#不存在"');
  }
  await page.mouse.move(found.x + found.width / 2, found.y + found.height / 2 - 4);
  await page.locator('.monaco-hover', { hasText: 'No heading or anchor "#不存在"' }).first().waitFor();
  await page.mouse.move(5, 5);
  await page.keyboard.press('Control+Shift+M'); // closes the Problems panel again
  await page.locator('.markers-panel').waitFor({ state: 'hidden' });
}

/**
 * plan.md (the example): Ctrl+. on a task of "1. doing" offers Mark done and
 * one Move to "…" per other section; Mark done moves the task to the top of
 * "4. done" as [x]; after Ctrl+S the file on disk is byte-exact.
 */
async function markDone(page) {
  await openFile(page, 'plan.md');
  await waitForServer(page);
  await gotoLine(page, 22, 3);
  const action = row(page, '.action-widget', 'Mark done');
  // Ctrl+. right after moving the cursor sometimes opens nothing: retry it.
  for (let i = 0; ; i++) {
    await page.keyboard.press('Control+.');
    try {
      await action.waitFor({ timeout: 5000 });
      break;
    } catch (e) {
      if (i >= 4) throw e;
      log('Ctrl+. opened no menu; again');
      await page.keyboard.press('Escape');
    }
  }
  const rows = await rowTexts(page, '.action-widget');
  log('code actions:', JSON.stringify(rows));
  expectRows(rows, ['Mark done', 'Move to "wait"', 'Move to "plan"', 'Move to "done"'], 'Ctrl+. menu');
  await action.click();
  await page.locator('.action-widget .monaco-list-row').first().waitFor({ state: 'hidden' });
  await saveAndExpect(page, 'plan.md', 'plan-markdone.md');
}

/**
 * plan.md: after "](#" completion offers the file's anchors (label: the
 * heading, inserted: the kramdown id, since the file has Jekyll front
 * matter); after "## " on a new line the section names not yet in the file,
 * continuing the numbering. The edits are reverted afterwards.
 */
async function completion(page) {
  await openFile(page, 'plan.md');
  await waitForServer(page);
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('see [notes](#');
  const suggest = '.editor-widget.suggest-widget.visible';
  await row(page, suggest, '2. wait').waitFor();
  let rows = await rowTexts(page, suggest);
  log('after "](#":', JSON.stringify(rows));
  expectRows(rows, ['1. doing', '2. wait', '3. plan', '4. done'], 'anchor completion');
  await row(page, suggest, '2. wait').click();
  await page.locator(suggest).waitFor({ state: 'hidden' });
  await page.locator('.editor-group-container.active .view-line', { hasText: 'see [notes](#wait' }).waitFor();

  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.type('## ');
  await row(page, suggest, 'todo').waitFor();
  rows = await rowTexts(page, suggest);
  log('after "## ":', JSON.stringify(rows));
  expectRows(rows, ['todo', 'backlog'], 'section completion');
  for (const s of ['doing', 'wait', 'plan', 'done']) {
    if (rows.some((r) => r.split(' ').includes(s))) throw new Error(`section completion offers "${s}", which the file has`);
  }
  await row(page, suggest, 'todo').click();
  await page.locator(suggest).waitFor({ state: 'hidden' });
  await page.locator('.editor-group-container.active .view-line', { hasText: '## 5. todo' }).waitFor();

  await runCommand(page, 'File: Revert File');
  await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
}

/**
 * move.md (the example): "planls: Move task to…" from the palette lists the
 * other sections in a quick pick; choosing "wait" moves the task to the top of
 * "2. wait"; after Ctrl+S the file on disk is byte-exact.
 */
async function moveTaskTo(page) {
  await openFile(page, 'move.md');
  await waitForServer(page);
  await gotoLine(page, 24, 3);
  await runCommand(page, 'planls: Move task to');
  await page.locator('.quick-input-widget', { hasText: 'Move task to…' }).waitFor();
  await row(page, '.quick-input-list', 'Move to "wait"').waitFor();
  const rows = await rowTexts(page, '.quick-input-list');
  log('quick pick:', JSON.stringify(rows));
  expectRows(rows, ['wait', 'plan', 'done'], 'Move task to… quick pick');
  if (rows.length !== 3) throw new Error(`the quick pick should list 3 sections, not ${rows.length}`);
  await row(page, '.quick-input-list', 'Move to "wait"').click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await saveAndExpect(page, 'move.md', 'move-wait.md');
}

/**
 * tidy.md, with "source.fixAll.planls": "explicit" on save in the
 * workspace's .vscode/settings.json: the user checks a task in "1. 进行中"
 * and presses Ctrl+S; the fix-all edits move both closed tasks (the other one
 * has a malformed "[ x]") to "2. 完成" and remove the identical duplicate.
 */
async function fixAllOnSave(page) {
  await openFile(page, 'tidy.md');
  await waitForServer(page);
  await gotoLine(page, 5, 4);
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.type('x');
  await page.locator('.editor-group-container.active .view-line', { hasText: '* [x] 写好解析器的测试。' }).waitFor();
  await saveAndExpect(page, 'tidy.md', 'tidy.md');
}

/**
 * plan.md: the Outline view in the Explorer lists the sections, with planls's
 * progress detail ("k/n done") and the tasks under them.
 */
async function outline(page) {
  await openFile(page, 'plan.md');
  await waitForServer(page);
  // Room for the outline: collapse the folders pane, open the Outline pane.
  const folders = page.locator('.pane-header[aria-label^="Explorer Section"]').first();
  if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
  const header = page.locator('.pane-header[aria-label="Outline Section"]').first();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  const pane = '.outline-pane';
  // VS Code's own Markdown support lists the headings too, in a group of its
  // own: collapse everything, then open planls's group, whose sections carry
  // planls's progress detail.
  const group = row(page, pane, 'planls: Markdown plan files');
  await group.waitFor();
  await header.locator('.action-label[aria-label="Collapse All"]').click();
  await page.locator(`${pane} .monaco-list-row[aria-expanded="true"]`).first().waitFor({ state: 'detached' });
  await group.locator('.monaco-tl-twistie').click();
  const sections = ['1. doing', '2. wait', '3. plan', '4. done'];
  for (const s of sections) await row(page, pane, s).waitFor();
  const rows = await rowTexts(page, pane);
  log('outline:', JSON.stringify(rows));
  for (const s of sections) {
    if (!rows.some((r) => r.startsWith(s) && /^\s*\d+\/\d+ done$/.test(r.slice(s.length)))) {
      throw new Error(`the outline has no row "${s} k/n done" in ${JSON.stringify(rows)}`);
    }
  }
}

const allScenarios = [
  ['diagnostics: squiggles and Problems on a CJK line', diagnostics],
  ['Ctrl+. Mark done, saved byte-exact', markDone],
  ['completion after "](#" and "## "', completion],
  ['Move task to… quick pick, saved byte-exact', moveTaskTo],
  ['source.fixAll.planls on save', fixAllOnSave],
  ['outline lists the sections', outline],
];
// PLANLS_E2E_ONLY=markDone,outline runs only those scenarios (inner loop).
const only = (process.env.PLANLS_E2E_ONLY ?? '').split(',').filter(Boolean);
const scenarios = allScenarios.filter(([, fn]) => only.length === 0 || only.includes(fn.name));

// ---------------------------------------------------------------------------

let passed = 0;
let failed = 0;
mkdirSync(shots, { recursive: true });
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ],
});
ctx.setDefaultTimeout(20000);
const page = ctx.pages()[0] ?? (await ctx.newPage());
ctx.on('request', (r) => {
  const u = new URL(r.url());
  if (!['127.0.0.1', ''].includes(u.hostname) && !['data:', 'blob:'].includes(u.protocol)) log('request off the machine:', r.url());
});

try {
  await page.goto(`${base}/?folder=${encodeURIComponent(ws)}`);
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'cjk.md' }).waitFor({ timeout: 90000 });
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
  log('workbench ready');
} catch (e) {
  console.log(`FAIL  setup: ${e instanceof Error ? e.message : String(e)}`);
  await page.screenshot({ path: join(shots, '0-setup.png') }).catch(() => undefined);
  failed = scenarios.length;
}

if (failed === 0) {
  for (const [i, [name, fn]] of scenarios.entries()) {
    const start = Date.now();
    console.log(`--- ${name}`);
    try {
      await fn(page);
      passed++;
      console.log(`PASS  ${name} (${((Date.now() - start) / 1000).toFixed(1)}s)`);
    } catch (e) {
      failed++;
      const shot = join(shots, `${i + 1}-${fn.name}.png`);
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.log(`FAIL  ${name} (${((Date.now() - start) / 1000).toFixed(1)}s): ${e instanceof Error ? e.message : String(e)}`);
      console.log(`      screenshot: ${shot}`);
      await closeWidgets(page).catch(() => undefined);
    }
  }
}

await ctx.close().catch(() => undefined);
rmSync(profile, { recursive: true, force: true });
const summary = `${passed} passed, ${failed} failed`;
// ./run prints it as the last line, after cleaning up.
writeFileSync(resultFile, summary);
process.exit(failed > 0 ? 1 : 0);
