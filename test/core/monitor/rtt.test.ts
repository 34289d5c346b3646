import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addRttSample, emptyRttStats, minRoundTripTime, minRttWindowSamples, rttEwmaAlpha, updateAverageRtt, type RttStats } from '../../../core/monitor/index.js';
import { MongoInvalidArgumentError } from '../../../core/errors.js';

test('the first sample becomes the average (including 0)', () => {
  assert.is(updateAverageRtt(null, 10), 10);
  assert.is(updateAverageRtt(null, 0), 0);
});

test('later samples use the EWMA with alpha 0.2', () => {
  assert.is(rttEwmaAlpha, 0.2);
  assert.is(updateAverageRtt(0, 5), 1);
  assert.is(updateAverageRtt(1, 1000), 200.8);
  // A repeated value is a fixed point; a sample below the average pulls it down by a fifth of the gap.
  assert.is(updateAverageRtt(9.12, 9.12), 9.12);
  assert.is(updateAverageRtt(100, 50), 90);
});

test('bad samples and averages are rejected with the bad value named', () => {
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => updateAverageRtt(1, bad), (e: unknown) => e instanceof MongoInvalidArgumentError && /RTT sample/.test((e as Error).message));
  }
  assert.throws(() => updateAverageRtt(-3, 1), /previous average RTT.*-3/);
});

test('addRttSample tracks the average and keeps at most 10 recent samples', () => {
  let stats: RttStats = emptyRttStats;
  stats = addRttSample(stats, 10);
  assert.equal(stats, { averageMS: 10, recentSamplesMS: [10] });
  stats = addRttSample(stats, 20);
  assert.is(stats.averageMS, 12);
  for (let i = 0; i < 20; i++) stats = addRttSample(stats, 30 + i);
  assert.is(stats.recentSamplesMS.length, minRttWindowSamples);
  assert.equal(stats.recentSamplesMS, [40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
  // The input is not mutated.
  assert.equal(emptyRttStats, { averageMS: null, recentSamplesMS: [] });
});

test('minimum RTT is 0 until two samples exist, then the minimum of the last 10', () => {
  let stats = emptyRttStats;
  assert.is(minRoundTripTime(stats), 0);
  stats = addRttSample(stats, 7);
  assert.is(minRoundTripTime(stats), 0, 'one sample reports 0');
  stats = addRttSample(stats, 9);
  assert.is(minRoundTripTime(stats), 7);
  stats = addRttSample(stats, 3);
  assert.is(minRoundTripTime(stats), 3);
  // Nine more samples push the 3 out of the window of 10.
  for (let i = 0; i < 9; i++) stats = addRttSample(stats, 20 + i);
  assert.is(minRoundTripTime(stats), 3, 'still inside the window (10 samples: 3, 20..28)');
  stats = addRttSample(stats, 50);
  assert.is(minRoundTripTime(stats), 20, 'the 3 dropped out');
});

test.run();
