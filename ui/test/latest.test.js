import assert from 'node:assert/strict';
import { mock, test } from 'node:test';

import { createSequence, debounce } from '../src/latest.js';

test('sequence keeps only the newest request', () => {
  const sequence = createSequence();
  const first = sequence.next();
  const second = sequence.next();
  assert.equal(sequence.isLatest(first), false);
  assert.equal(sequence.isLatest(second), true);
  sequence.invalidate();
  assert.equal(sequence.isLatest(second), false);
});

test('debounce calls once with the last arguments', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const calls = [];
    const debounced = debounce((term) => calls.push(term), 120);
    debounced('v');
    mock.timers.tick(100);
    debounced('ve');
    mock.timers.tick(100);
    debounced('ver');
    assert.deepEqual(calls, []);
    mock.timers.tick(120);
    assert.deepEqual(calls, ['ver']);
  } finally {
    mock.timers.reset();
  }
});

test('debounce cancel drops the pending call', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const calls = [];
    const debounced = debounce((term) => calls.push(term), 120);
    debounced('v');
    debounced.cancel();
    mock.timers.tick(500);
    assert.deepEqual(calls, []);
  } finally {
    mock.timers.reset();
  }
});
