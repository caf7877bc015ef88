#!/usr/bin/env node
// Generates the settings that the editors contribute from the Go settings schema
// (analysis.SettingsSchema, printed by `go run ./editors/internal/settingsjson`):
//
//   - contributes.configuration in editors/vscode/package.json: every planls
//     setting with its type, default, enum and description, plus the
//     extension's own planls.path and planls.trace.server;
//   - the commented list of every setting with its default in
//     editors/nvim/lsp/planls.lua, between "-- settings:begin" and
//     "-- settings:end".
//
// Run it after changing analysis/settings.go: `npm run gen-settings` (in
// editors/vscode). The outputs are committed; analysis/editors_test.go fails
// when they drift from the schema.
//
// With --schema FILE it reads the schema JSON from FILE instead of running Go.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const extDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(extDir, '..', '..');
const packageJSON = join(extDir, 'package.json');
const nvimConfig = join(repoRoot, 'editors', 'nvim', 'lsp', 'planls.lua');

/** Reads the schema: from --schema FILE, else from the Go program. */
function readSchema() {
  const i = process.argv.indexOf('--schema');
  if (i > 0 && process.argv[i + 1]) {
    return JSON.parse(readFileSync(process.argv[i + 1], 'utf8'));
  }
  const out = execFileSync('go', ['run', './editors/internal/settingsjson'], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out);
}

/** The extension's own settings, which the server never sees. */
const extensionSettings = {
  'planls.path': {
    type: 'string',
    default: '',
    scope: 'machine-overridable',
    markdownDescription:
      'Path of the `planls` executable. When empty, the extension uses the binary bundled with it, else `planls` on `PATH`. `~` stands for the home directory; a relative path is resolved against the first workspace folder. Changing it restarts the server.',
    order: 0,
  },
  'planls.trace.server': {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: 'off',
    scope: 'window',
    markdownDescription:
      'Traces the messages between VS Code and the planls language server in the **planls** output channel.',
    order: 1,
  },
};

/** Converts one schema entry to a VS Code configuration property. */
function property(info, order) {
  const p = { type: info.type };
  switch (info.type) {
    case 'array':
      p.items = { type: info.items || 'string' };
      break;
    case 'object':
      p.additionalProperties = { type: info.items || 'string' };
      if (info.enum) p.additionalProperties.enum = info.enum;
      break;
    case 'integer':
      if (info.minimum !== undefined) p.minimum = info.minimum;
      break;
    default:
      if (info.enum) p.enum = info.enum;
  }
  p.default = info.default;
  p.scope = 'resource';
  p.markdownDescription = info.description;
  p.order = order;
  return p;
}

/** Returns package.json with its configuration section generated from schema. */
function generatePackage(schema) {
  const pkg = JSON.parse(readFileSync(packageJSON, 'utf8'));
  const properties = { ...extensionSettings };
  schema.forEach((info, i) => {
    properties['planls.' + info.key] = property(info, i + 2);
  });
  pkg.contributes.configuration = { title: 'planls', properties };
  return JSON.stringify(pkg, null, 2) + '\n';
}

const luaKeywords = new Set(
  ('and break do else elseif end false for function goto if in local nil not or ' +
    'repeat return then true until while').split(' '),
);

/** Formats a string as a Lua single-quoted literal. */
function luaString(s) {
  return "'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'";
}

/** Formats a table key: a bare name when Lua allows it, else ['…']. */
function luaKey(k) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !luaKeywords.has(k) ? k : '[' + luaString(k) + ']';
}

/** Formats a JSON default (string, boolean, number, string list or map) as Lua. */
function luaValue(v, indent) {
  if (typeof v === 'string') return luaString(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) {
    return v.length === 0 ? '{}' : '{ ' + v.map(luaString).join(', ') + ' }';
  }
  const keys = Object.keys(v).sort();
  if (keys.length === 0) return '{}';
  const lines = keys.map((k) => `${indent}  ${luaKey(k)} = ${luaValue(v[k], indent + '  ')},`);
  return '{\n' + lines.join('\n') + `\n${indent}}`;
}

/** Returns the lines of the commented settings list, each prefixed by pad. */
function luaSettingsLines(schema, pad) {
  // Group dotted keys (severity.x, fixAll.x) into nested tables, in schema order.
  const groups = new Map();
  for (const info of schema) {
    const dot = info.key.indexOf('.');
    if (dot < 0) {
      groups.set(info.key, info.default);
      continue;
    }
    const group = info.key.slice(0, dot);
    if (!groups.has(group)) groups.set(group, new Map());
    groups.get(group).set(info.key.slice(dot + 1), info.default);
  }
  const body = [];
  for (const [key, value] of groups) {
    if (value instanceof Map) {
      body.push(`${luaKey(key)} = {`);
      for (const [k, v] of value) body.push(`  ${luaKey(k)} = ${luaValue(v, '  ')},`);
      body.push('},');
    } else {
      body.push(`${luaKey(key)} = ${luaValue(value, '')},`);
    }
  }
  return body
    .join('\n')
    .split('\n')
    .map((l) => `${pad}--   ${l}`.trimEnd());
}

/** Returns planls.lua with the lines between the settings markers regenerated. */
function generateLua(schema) {
  const text = readFileSync(nvimConfig, 'utf8');
  const lines = text.split('\n');
  const begin = lines.findIndex((l) => l.trim() === '-- settings:begin');
  const end = lines.findIndex((l) => l.trim() === '-- settings:end');
  if (begin < 0 || end < begin) {
    throw new Error(`${nvimConfig}: no "-- settings:begin" … "-- settings:end" block`);
  }
  const pad = lines[begin].slice(0, lines[begin].indexOf('--'));
  lines.splice(begin + 1, end - begin - 1, ...luaSettingsLines(schema, pad));
  return lines.join('\n');
}

const schema = readSchema();
writeFileSync(packageJSON, generatePackage(schema));
writeFileSync(nvimConfig, generateLua(schema));
console.log(`gen-settings: wrote ${schema.length} settings to package.json and nvim/lsp/planls.lua`);
