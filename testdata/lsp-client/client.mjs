// client.mjs is an independent LSP client for planls, built on the npm packages
// VS Code's own client uses (vscode-jsonrpc, vscode-languageserver-protocol).
// It starts the planls binary over stdio, opens copies of the example plans
// and a CJK/emoji document in a temporary workspace, and checks diagnostics
// and their UTF-16 ranges (JS strings are UTF-16, so text.slice() on the
// offsets must select exactly the expected text), "Mark done" and
// source.fixAll.planls applied by the client itself, completion of anchors,
// and a clean shutdown. It prints one "ok"/"not ok" line per check and a
// "N passed, M failed" summary, and exits non-zero on failure.
//
// Usage: node client.mjs PLANLS_BINARY EXAMPLES_DIR

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node.js';
import lsp from 'vscode-languageserver-protocol/node.js';

const [binary, examplesDir] = process.argv.slice(2);
if (!binary || !examplesDir) {
  console.error('usage: node client.mjs PLANLS_BINARY EXAMPLES_DIR');
  process.exit(2);
}

// waitMs bounds every wait, so that the client never hangs.
const waitMs = 15000;

let passed = 0;
let failed = 0;

// check records one check and prints it TAP-style.
function check(ok, what, detail) {
  if (ok) {
    passed++;
    console.log(`ok ${passed + failed} - ${what}`);
  } else {
    failed++;
    console.log(`not ok ${passed + failed} - ${what}`);
    if (detail !== undefined) {
      for (const line of String(typeof detail === 'string' ? detail : JSON.stringify(detail, null, 2)).split('\n')) {
        console.log(`#   ${line}`);
      }
    }
  }
  return ok;
}

// equal checks that got and want are the same JSON value.
function equal(got, want, what) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  return check(g === w, what, `got:  ${g}\nwant: ${w}`);
}

// offsetOf returns the JS string index (a UTF-16 offset) of an LSP position
// in text, where lines end at "\n" (a "\r" before it belongs to the break).
function offsetOf(text, pos) {
  let off = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  let end = text.indexOf('\n', off);
  if (end < 0) end = text.length;
  if (end > off && text[end - 1] === '\r') end--;
  return Math.min(off + pos.character, end);
}

// positionOf returns the LSP position of a JS string index of text.
function positionOf(text, off) {
  const before = text.slice(0, off);
  const line = before.split('\n').length - 1;
  return { line, character: off - (before.lastIndexOf('\n') + 1) };
}

// sliceRange returns the text an LSP range selects.
function sliceRange(text, range) {
  return text.slice(offsetOf(text, range.start), offsetOf(text, range.end));
}

// splitsSurrogate reports whether a position falls inside a surrogate pair.
function splitsSurrogate(text, pos) {
  const off = offsetOf(text, pos);
  const c = text.charCodeAt(off);
  return off > 0 && off < text.length && c >= 0xdc00 && c <= 0xdfff;
}

// applyEdits applies LSP text edits to text, as a client does: all positions
// refer to the original text.
function applyEdits(text, edits) {
  const spans = edits
    .map((e) => ({ start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  for (const s of spans) {
    text = text.slice(0, s.start) + s.newText + text.slice(s.end);
  }
  return text;
}

// ---------------------------------------------------------------------------
// The workspace: copies of the examples plus a CJK/emoji document with a
// duplicate task, a dead anchor after emoji on the same line, and a closed
// task in an open section.

const cjkText = [
  '# 计划 🎉',
  '',
  '## 1. doing',
  '',
  '* [ ] 写代码 👨‍👩‍👧 家庭任务',
  '* [ ] 表情 😀🎉 [链接](#nowhere) 之后 🇨🇳',
  '* [x] 已完成 ✅ 在 doing',
  '* [ ] 写代码 👨‍👩‍👧 家庭任务',
  '',
  '## 4. done',
  '',
  '* [x] 旧任务 🇨🇳',
  '',
].join('\n');

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'planls-node-client-'));
const files = {};
for (const name of fs.readdirSync(examplesDir).filter((n) => n.endsWith('.md')).sort()) {
  files[name] = fs.readFileSync(path.join(examplesDir, name), 'utf8');
}
files['cjk.md'] = cjkText;
for (const [name, text] of Object.entries(files)) {
  fs.writeFileSync(path.join(workspace, name), text);
}
const uriOf = (name) => pathToFileURL(path.join(workspace, name)).href;

// ---------------------------------------------------------------------------
// The connection.

const server = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
server.stderr.on('data', (d) => {
  stderr += d;
});
const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));

const conn = rpc.createMessageConnection(
  new rpc.StreamMessageReader(server.stdout),
  new rpc.StreamMessageWriter(server.stdin),
);

// State the server tells the client about.
const published = new Map(); // uri -> [{version, diagnostics}]
const logs = [];
let changed = () => {};
conn.onNotification(lsp.PublishDiagnosticsNotification.type, (p) => {
  if (!published.has(p.uri)) published.set(p.uri, []);
  published.get(p.uri).push(p);
  changed();
});
conn.onNotification((method, params) => {
  logs.push(`${method} ${JSON.stringify(params)}`);
});
// Requests the server may send: settings (none), registrations, progress.
conn.onRequest(lsp.ConfigurationRequest.type, (p) => p.items.map(() => null));
conn.onRequest(lsp.RegistrationRequest.type, () => null);
conn.onRequest(lsp.WorkDoneProgressCreateRequest.type, () => null);
conn.onRequest((method) => new rpc.ResponseError(rpc.ErrorCodes.MethodNotFound, `the test client does not handle ${method}`));
conn.listen();

// timeout rejects after waitMs.
function timeout(what) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), waitMs).unref());
}

// request sends a request with a timeout.
function request(type, params) {
  return Promise.race([conn.sendRequest(type, params), timeout(type.method)]);
}

// diagnosticsAt returns the last diagnostics published for uri at version
// once their codes are wantCodes (any codes when wantCodes is null), or, after
// waitMs, whatever was last published (so that the caller's check reports it).
// The server publishes a change twice (the line being typed is held back at
// first), so a caller that knows what to expect waits for it.
async function diagnosticsAt(uri, version, wantCodes) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const list = (published.get(uri) || []).filter((p) => p.version === version);
    const last = list.length > 0 ? list[list.length - 1].diagnostics : null;
    if (last && (wantCodes === null || JSON.stringify(last.map((d) => d.code)) === JSON.stringify(wantCodes))) return last;
    if (Date.now() > deadline) {
      if (last) return last;
      throw new Error(`no diagnostics for ${uri} at version ${version}`);
    }
    await new Promise((r) => {
      changed = r;
      setTimeout(r, 200);
    });
  }
}

// Documents as the client has them.
const docs = new Map(); // uri -> {text, version}

function open(name) {
  const uri = uriOf(name);
  docs.set(uri, { text: files[name], version: 1 });
  conn.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'markdown', version: 1, text: files[name] },
  });
  return uri;
}

// edit applies LSP text edits to the client's copy of uri and sends them as
// incremental changes (last first, so that each change's positions hold in the
// text the previous ones leave). It returns the new version.
function edit(uri, edits) {
  const doc = docs.get(uri);
  const sorted = [...edits].sort(
    (a, b) => offsetOf(doc.text, b.range.start) - offsetOf(doc.text, a.range.start) ||
      offsetOf(doc.text, b.range.end) - offsetOf(doc.text, a.range.end),
  );
  doc.text = applyEdits(doc.text, edits);
  doc.version++;
  conn.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: doc.version },
    contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })),
  });
  return doc.version;
}

// workspaceEditOf returns the text edits of a WorkspaceEdit for uri, checking
// that it uses documentChanges with the version the action was computed for.
function workspaceEditOf(we, uri, version, what) {
  const changes = (we && we.documentChanges) || [];
  const tde = changes.filter((c) => c.textDocument && c.textDocument.uri === uri);
  check(tde.length === 1 && tde[0].textDocument.version === version,
    `${what}: one TextDocumentEdit for the document at version ${version}`, we);
  return tde.flatMap((c) => c.edits);
}

// ---------------------------------------------------------------------------
// The checks.

async function main() {
  const init = await request(lsp.InitializeRequest.type, {
    processId: process.pid,
    clientInfo: { name: 'planls-node-client', version: '1' },
    rootUri: pathToFileURL(workspace).href,
    workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'examples' }],
    capabilities: {
      // No general.positionEncodings: the server must pick UTF-16.
      workspace: { workspaceEdit: { documentChanges: true }, applyEdit: true },
      textDocument: {
        synchronization: { didSave: true },
        publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        completion: { completionItem: { snippetSupport: false } },
        codeAction: {
          codeActionLiteralSupport: { codeActionKind: { valueSet: Object.values(lsp.CodeActionKind) } },
          isPreferredSupport: true,
        },
      },
    },
  });
  equal(init.capabilities.positionEncoding, lsp.PositionEncodingKind.UTF16, 'initialize picks utf-16 when the client offers no encodings');
  const sync = init.capabilities.textDocumentSync;
  equal(typeof sync === 'object' ? sync.change : sync, lsp.TextDocumentSyncKind.Incremental, 'incremental sync');
  equal(init.serverInfo && init.serverInfo.name, 'planls', 'serverInfo.name');
  check(init.capabilities.codeActionProvider && init.capabilities.completionProvider, 'code actions and completion are announced', init.capabilities);
  conn.sendNotification(lsp.InitializedNotification.type, {});

  const uris = {};
  for (const name of Object.keys(files)) uris[name] = open(name);

  // Diagnostics of every document: their codes, and for the documents whose
  // findings are known, the exact text each UTF-16 range selects.
  const expected = {
    'cjk.md': [
      ['missing-anchor', '#nowhere'],
      ['done-outside-done', '[x]'],
      ['duplicate-task', '写代码 👨‍👩‍👧 家庭任务'],
    ],
    'demo-plan.md': [
      ['missing-file', 'notes/release-2.0.md'],
      ['done-outside-done', '[x]'],
      ['missing-anchor', '#惊群问题'],
      ['duplicate-task', null],
      ['malformed-checkbox', '[]'],
      ['missing-anchor', '#books'],
      ['open-in-done', '[ ]'],
    ],
    'wenfh2020-plan.md': [],
  };
  for (const name of Object.keys(files)) {
    const uri = uris[name];
    const text = files[name];
    const want = expected[name];
    const diags = await diagnosticsAt(uri, 1, want ? want.map((w) => w[0]) : null);
    for (const d of diags) {
      check(d.source === 'planls' && d.codeDescription && /^https:\/\//.test(d.codeDescription.href),
        `${name}: ${d.code} has source planls and a codeDescription`, d);
      check(!splitsSurrogate(text, d.range.start) && !splitsSurrogate(text, d.range.end),
        `${name}: ${d.code} range does not split a surrogate pair`, d.range);
    }
    if (!want) continue;
    const got = diags.map((d) => [d.code, sliceRange(text, d.range)]);
    equal(got.map((g) => g[0]), want.map((w) => w[0]), `${name}: diagnostic codes`);
    want.forEach(([code, sel], i) => {
      if (sel !== null && got[i]) equal(got[i][1], sel, `${name}: the ${code} range selects ${JSON.stringify(sel)}`);
    });
  }

  // "Mark done" on the wireshark task of the Jekyll example.
  {
    const name = 'wenfh2020-plan.md';
    const uri = uris[name];
    const doc = docs.get(uri);
    const lines = doc.text.split('\n');
    const at = lines.findIndex((l) => l.includes('[wireshark]'));
    const cursor = { line: at, character: lines[at].indexOf('wireshark') };
    const actions = await request(lsp.CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: cursor, end: cursor },
      context: { diagnostics: [], triggerKind: 1 },
    });
    const titles = actions.map((a) => a.title);
    check(titles.includes('Mark done') && titles.some((t) => t.startsWith('Move to')), `${name}: the wireshark task offers Mark done and Move to`, titles);
    const markDone = actions.find((a) => a.title === 'Mark done');
    if (markDone) {
      const edits = workspaceEditOf(markDone.edit, uri, 1, 'Mark done');
      const version = edit(uri, edits);
      const task = lines[at];
      const want = lines.filter((_, i) => i !== at);
      const done = want.indexOf('## 4. done');
      const first = want.findIndex((l, i) => i > done && l.startsWith('* '));
      want.splice(first, 0, task.replace('* [ ]', '* [x]'));
      equal(doc.text, want.join('\n'), `${name}: Mark done moves the task, checked, to the top of the done list and changes nothing else`);
      const after = doc.text.split('\n');
      check(after[first].startsWith('* [x] [wireshark]') && after[first - 2] === '## 4. done', `${name}: "* [x] [wireshark]…" sits right under "## 4. done"`, after.slice(first - 2, first + 2));
      equal((await diagnosticsAt(uri, version, [])).map((d) => d.code), [], `${name}: no diagnostics after Mark done`);
    }
  }

  // source.fixAll.planls on the CJK document: the closed task leaves doing,
  // the byte-identical duplicate goes; then fix-all has nothing left to do.
  {
    const name = 'cjk.md';
    const uri = uris[name];
    const doc = docs.get(uri);
    const fixAll = async () => {
      const end = positionOf(doc.text, doc.text.length);
      const actions = await request(lsp.CodeActionRequest.type, {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end },
        context: { diagnostics: [], only: ['source.fixAll.planls'], triggerKind: 1 },
      });
      return actions.filter((a) => a.kind === 'source.fixAll.planls');
    };
    const actions = await fixAll();
    check(actions.length === 1, `${name}: one source.fixAll.planls action`, actions);
    if (actions.length === 1) {
      const edits = workspaceEditOf(actions[0].edit, uri, 1, 'fix-all');
      const version = edit(uri, edits);
      const want = [
        '# 计划 🎉',
        '',
        '## 1. doing',
        '',
        '* [ ] 写代码 👨‍👩‍👧 家庭任务',
        '* [ ] 表情 😀🎉 [链接](#nowhere) 之后 🇨🇳',
        '',
        '## 4. done',
        '',
        '* [x] 已完成 ✅ 在 doing',
        '* [x] 旧任务 🇨🇳',
        '',
      ].join('\n');
      equal(doc.text, want, `${name}: fix-all moves the closed task to done and removes the identical duplicate`);
      equal((await diagnosticsAt(uri, version, ['missing-anchor'])).map((d) => [d.code, sliceRange(doc.text, d.range)]),
        [['missing-anchor', '#nowhere']], `${name}: only the dead anchor is left`);
      const again = await fixAll();
      const more = again.flatMap((a) => workspaceEditOf(a.edit, uri, version, 'fix-all again'));
      check(more.length === 0 || applyEdits(doc.text, more) === doc.text, `${name}: fix-all is idempotent`, again);
    }
  }

  // Completion after "](#": anchors, kramdown form in the Jekyll example and
  // GitHub form elsewhere, replacing exactly the typed prefix.
  for (const [name, prefix, wantLabel, notWanted] of [
    ['wenfh2020-plan.md', '](#', 'doing', '1-doing'],
    ['wenfh2020-plan.md', '](#do', 'doing', '1-doing'],
    ['cjk.md', '](#', '1-doing', null],
    ['cjk.md', '](#计', '计划-', null],
  ]) {
    const uri = uris[name];
    const doc = docs.get(uri);
    const end = positionOf(doc.text, doc.text.length);
    const line = `\n[see]${prefix.slice(1)}`;
    const version = edit(uri, [{ range: { start: end, end }, newText: line }]);
    const cursor = positionOf(doc.text, doc.text.length);
    const list = await request(lsp.CompletionRequest.type, { textDocument: { uri }, position: cursor });
    const items = Array.isArray(list) ? list : list.items;
    const texts = items.map((it) => (it.textEdit ? it.textEdit.newText : it.insertText || it.label));
    check(texts.includes(wantLabel), `${name}: completion after ${JSON.stringify(prefix)} offers ${JSON.stringify(wantLabel)}`, texts);
    if (notWanted) check(!texts.includes(notWanted), `${name}: and not the GitHub form ${JSON.stringify(notWanted)}`, texts);
    const item = items.find((it) => it.textEdit && it.textEdit.newText === wantLabel);
    if (item) {
      const typed = prefix.slice(3);
      equal(sliceRange(doc.text, item.textEdit.range), typed, `${name}: the item replaces the typed prefix ${JSON.stringify(typed)}`);
      const applied = applyEdits(doc.text, [item.textEdit]);
      check(applied.endsWith(`[see](#${wantLabel}`), `${name}: accepting it gives "[see](#${wantLabel}"`, applied.slice(-40));
    }
    // Take the line back out.
    const start = positionOf(doc.text, doc.text.length - line.length);
    edit(uri, [{ range: { start, end: positionOf(doc.text, doc.text.length) }, newText: '' }]);
    check(doc.version === version + 1, `${name}: edits tracked`);
  }

  // Shutdown and exit: exit code 0, and stdout carried only LSP.
  await request(lsp.ShutdownRequest.type, undefined);
  conn.sendNotification(lsp.ExitNotification.type);
  const { code, signal } = await Promise.race([exited, timeout('the process to exit')]);
  equal({ code, signal }, { code: 0, signal: null }, 'shutdown + exit ends the process with code 0');
}

let crashed = null;
try {
  await main();
} catch (e) {
  crashed = e;
  check(false, 'the session ran to the end', e.stack || String(e));
}
conn.dispose();
server.kill();
fs.rmSync(workspace, { recursive: true, force: true });
if (failed > 0 || crashed) {
  console.log('# planls stderr:');
  for (const line of stderr.split('\n').slice(-40)) console.log(`#   ${line}`);
  console.log('# notifications:');
  for (const line of logs.slice(-20)) console.log(`#   ${line.slice(0, 300)}`);
}
console.log(`1..${passed + failed}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
