// Unit tests of the workspace/configuration answer: only user-set values are
// sent, nested as the server reads them, and the extension's own settings are
// left out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectUserSettings, Inspected, isPlanlsSection, serverSettingKeys, settingsForSection, userValue } from '../src/settings';

test('userValue: defaults are not user values; the most specific scope wins', () => {
  assert.equal(userValue(undefined), undefined);
  assert.equal(userValue({ defaultValue: 'top' }), undefined);
  assert.equal(userValue({ defaultValue: 'top', globalValue: 'bottom' }), 'bottom');
  assert.equal(userValue({ globalValue: 1, workspaceValue: 2 }), 2);
  assert.equal(userValue({ globalValue: 1, workspaceValue: 2, workspaceFolderValue: 3 }), 3);
  assert.equal(userValue({ globalValue: false }), false);
  assert.equal(userValue({ globalValue: '' }), '');
  assert.deepEqual(userValue({ globalValue: ['a'], workspaceValue: ['b'] }), ['b']);
});

test('userValue: objects merge across scopes', () => {
  assert.deepEqual(userValue({ defaultValue: { doing: 'in_progress' }, globalValue: { a: 'todo' }, workspaceValue: { b: 'done', a: 'on_hold' } }), {
    a: 'on_hold',
    b: 'done',
  });
});

test('serverSettingKeys drops the extension settings', () => {
  const keys = serverSettingKeys({
    'planls.path': {},
    'planls.trace.server': {},
    'planls.severity.duplicate-task': {},
    'planls.moveTo': {},
    'other.x': {},
  });
  assert.deepEqual(keys, ['severity.duplicate-task', 'moveTo']);
});

test('collectUserSettings nests dotted keys and keeps only set values', () => {
  const set: Record<string, Inspected> = {
    'severity.duplicate-task': { defaultValue: 'warning', globalValue: 'error' },
    'severity.wip-limit': { defaultValue: 'off' },
    'fixAll.moveOpen': { defaultValue: true, workspaceValue: false },
    moveTo: { defaultValue: 'top' },
    wipLimit: { defaultValue: 0, workspaceFolderValue: 3 },
    wipLimt: { globalValue: 4 },
    path: { globalValue: '/x' },
  };
  const got = collectUserSettings(
    ['severity.duplicate-task', 'severity.wip-limit', 'fixAll.moveOpen', 'moveTo', 'wipLimit'],
    ['severity', 'fixAll', 'moveTo', 'wipLimit', 'wipLimt', 'path', 'trace'],
    (k) => set[k],
  );
  assert.deepEqual(got, {
    severity: { 'duplicate-task': 'error' },
    fixAll: { moveOpen: false },
    wipLimit: 3,
    wipLimt: 4,
  });
});

test('collectUserSettings with nothing set is an empty object', () => {
  assert.deepEqual(collectUserSettings(['moveTo'], [], () => ({ defaultValue: 'top' })), {});
});

test('settingsForSection answers planls and its sub-sections', () => {
  const s = { severity: { 'duplicate-task': 'error' }, wipLimit: 3 };
  assert.deepEqual(settingsForSection(s, 'planls'), s);
  assert.deepEqual(settingsForSection(s, 'planls.severity'), { 'duplicate-task': 'error' });
  assert.equal(settingsForSection(s, 'planls.severity.duplicate-task'), 'error');
  assert.equal(settingsForSection(s, 'planls.wipLimit'), 3);
  assert.equal(settingsForSection(s, 'planls.moveTo'), null);
  assert.equal(settingsForSection(s, 'planls.wipLimit.x'), null);
});

test('isPlanlsSection', () => {
  assert.equal(isPlanlsSection('planls'), true);
  assert.equal(isPlanlsSection('planls.fixAll'), true);
  assert.equal(isPlanlsSection('planlsx'), false);
  assert.equal(isPlanlsSection('editor'), false);
  assert.equal(isPlanlsSection(undefined), false);
  assert.equal(isPlanlsSection(null), false);
});
