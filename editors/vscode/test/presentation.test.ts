// Unit tests of the quick pick items of "Move task to…" and of the status bar
// text.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStats, moveItems, statusText } from '../src/presentation';

test('moveItems keeps refactor.move actions and shows their sections', () => {
  const items = moveItems([
    { title: 'Mark done', kind: 'refactor.rewrite' },
    { title: 'Move to "2. wait"', kind: 'refactor.move' },
    { title: 'Move to "计划 "x""', kind: 'refactor.move' },
    { title: 'Move to "plan"', kind: 'refactor.move', disabled: { reason: 'already there' } },
    { title: 'Move somewhere', kind: 'refactor.move.other' },
    { title: 'No kind' },
  ]);
  assert.deepEqual(items, [
    { label: '2. wait', description: 'Move to "2. wait"', index: 1 },
    { label: '计划 "x"', description: 'Move to "计划 "x""', index: 2 },
    { label: 'Move somewhere', index: 4 },
  ]);
  assert.deepEqual(moveItems([]), []);
});

test('isStats', () => {
  assert.equal(isStats({ open: 1, done: 2, sections: [] }), true);
  assert.equal(isStats({ open: 1, done: 2 }), true);
  assert.equal(isStats({ open: '1', done: 2 }), false);
  assert.equal(isStats(null), false);
  assert.equal(isStats([1, 2]), false);
});

test('statusText shows the state, then the counts', () => {
  assert.equal(statusText('starting', undefined).text, '$(loading~spin) planls');
  assert.equal(statusText('stopped', undefined).text, '$(circle-slash) planls');
  const failed = statusText('failed', undefined, 'planls was not found');
  assert.equal(failed.text, '$(error) planls');
  assert.match(failed.tooltip, /planls was not found/);
  assert.equal(statusText('running', undefined).text, '$(checklist) planls');
  const s = statusText('running', { open: 30, done: 66, sections: [{ name: 'doing|x', open: 11, done: 0 }] });
  assert.equal(s.text, '$(checklist) 30 open · 66 done');
  assert.match(s.tooltip, /\| doing\\\|x \| 11 \| 0 \|/);
});
