#!/usr/bin/env node
// Runs the unit tests of the extension: bundles each test/*.test.ts with
// esbuild into out/test (the tested modules do not import vscode) and runs them
// with Node's test runner. Exits non-zero when a test fails.

import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const extDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(extDir, 'out', 'test');
const tests = readdirSync(join(extDir, 'test')).filter((f) => f.endsWith('.test.ts'));
rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints: tests.map((f) => join(extDir, 'test', f)),
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  outdir: outDir,
  external: ['vscode'],
  logLevel: 'warning',
});
const files = tests.map((f) => join(outDir, f.replace(/\.ts$/, '.js')));
const r = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
