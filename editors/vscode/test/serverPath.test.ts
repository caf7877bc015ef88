// Unit tests of resolveServerPath: the order setting, bundled binary, PATH and
// `go install` folders, and the error when nothing is found.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandPath, ResolveInput, resolveServerPath, vscodeTarget } from '../src/serverPath';

/** Builds an input whose file system holds files (name → executable?). */
function input(files: Record<string, boolean>, over: Partial<ResolveInput> = {}): ResolveInput {
  return {
    configured: '',
    extensionPath: '/ext',
    workspaceFolder: '/ws',
    home: '/home/u',
    platform: 'linux',
    arch: 'x64',
    env: { PATH: '/usr/local/bin:/usr/bin' },
    isFile: (f) => f in files,
    isExecutable: (f) => files[f] === true,
    readFile: (f) => (f.endsWith('/TARGET') && '/ext/bin/TARGET' in files ? 'linux-x64\n' : undefined),
    ...over,
  };
}

test('the setting wins over the bundled binary and PATH', () => {
  const r = resolveServerPath(input({ '/opt/planls': true, '/ext/bin/planls': true, '/usr/bin/planls': true }, { configured: '/opt/planls' }));
  assert.deepEqual(r, { ok: true, path: '/opt/planls', source: 'setting' });
});

test('a setting naming a missing file is an error, not a fallback', () => {
  const r = resolveServerPath(input({ '/ext/bin/planls': true }, { configured: '/nope/planls' }));
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.message, /planls\.path is set to "\/nope\/planls", but there is no file/);
});

test('a setting naming a file that is not executable is an error', () => {
  const r = resolveServerPath(input({ '/opt/planls': false }, { configured: '/opt/planls' }));
  assert.match(r.ok ? '' : r.message, /is not executable/);
});

test('~ and relative settings are expanded', () => {
  assert.deepEqual(resolveServerPath(input({ '/home/u/bin/planls': true }, { configured: '~/bin/planls' })), {
    ok: true,
    path: '/home/u/bin/planls',
    source: 'setting',
  });
  assert.deepEqual(resolveServerPath(input({ '/ws/tools/planls': true }, { configured: 'tools/planls' })), {
    ok: true,
    path: '/ws/tools/planls',
    source: 'setting',
  });
});

test('the bundled binary comes before PATH, even without its exec bit', () => {
  const r = resolveServerPath(input({ '/ext/bin/planls': false, '/ext/bin/TARGET': false, '/usr/bin/planls': true }));
  assert.deepEqual(r, { ok: true, path: '/ext/bin/planls', source: 'bundled' });
});

test('a bundled binary built for another platform is skipped', () => {
  const r = resolveServerPath(
    input({ '/ext/bin/planls': true, '/ext/bin/TARGET': false, '/usr/bin/planls': true }, { platform: 'darwin', arch: 'arm64' }),
  );
  assert.deepEqual(r, { ok: true, path: '/usr/bin/planls', source: 'PATH' });
});

test('PATH is searched in order and needs an executable', () => {
  const r = resolveServerPath(input({ '/usr/local/bin/planls': false, '/usr/bin/planls': true }));
  assert.deepEqual(r, { ok: true, path: '/usr/bin/planls', source: 'PATH' });
});

test('the go install folders come last', () => {
  assert.deepEqual(resolveServerPath(input({ '/home/u/go/bin/planls': true })), {
    ok: true,
    path: '/home/u/go/bin/planls',
    source: 'go install',
  });
  assert.deepEqual(resolveServerPath(input({ '/gp/bin/planls': true }, { env: { GOPATH: '/gp' } })), {
    ok: true,
    path: '/gp/bin/planls',
    source: 'go install',
  });
  assert.deepEqual(resolveServerPath(input({ '/gb/planls': true }, { env: { GOBIN: '/gb' } })), {
    ok: true,
    path: '/gb/planls',
    source: 'go install',
  });
});

test('Windows looks for planls.exe with PATHEXT', () => {
  const r = resolveServerPath(
    input(
      { 'C:\\tools\\planls.exe': true },
      { platform: 'win32', home: 'C:\\Users\\u', extensionPath: 'C:\\ext', env: { PATH: 'C:\\bin;C:\\tools', PATHEXT: '.COM;.EXE' } },
    ),
  );
  assert.deepEqual(r, { ok: true, path: 'C:\\tools\\planls.exe', source: 'PATH' });
});

test('nothing found gives the install command and what was tried', () => {
  const r = resolveServerPath(input({}));
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.message, /go install github\.com\/planls\/planls\/cmd\/planls@latest/);
    assert.match(r.message, /linux-x64/);
    assert.ok(r.tried.includes('/ext/bin/planls'));
    assert.ok(r.tried.includes('planls on PATH'));
  }
});

test('vscodeTarget and expandPath', () => {
  assert.equal(vscodeTarget('linux', 'x64'), 'linux-x64');
  assert.equal(vscodeTarget('win32', 'arm64'), 'win32-arm64');
  assert.equal(expandPath('~', '/h', undefined, 'linux'), '/h');
  assert.equal(expandPath(' /abs/x ', '/h', '/ws', 'linux'), '/abs/x');
  assert.equal(expandPath('rel', '/h', undefined, 'linux'), 'rel');
});
