/**
 * Round-trip-time statistics of one server: the exponentially weighted moving average used
 * by the latency window, and the minimum over recent samples used by CSOT. Pure values; an
 * update returns a new object.
 */
import { MongoInvalidArgumentError } from '../errors.js';
import { minRttRequiredSamples, minRttWindowSamples, rttEwmaAlpha } from './constants.js';

export interface RttStats {
  /** EWMA of the samples in ms, or null before the first sample (an Unknown server has no RTT). */
  readonly averageMS: number | null;
  /** The most recent samples in ms, oldest first; never more than `minRttWindowSamples`. */
  readonly recentSamplesMS: readonly number[];
}

export const emptyRttStats: RttStats = Object.freeze({ averageMS: null, recentSamplesMS: Object.freeze([]) as readonly number[] });

function checkSample(sampleMS: number): void {
  if (typeof sampleMS !== 'number' || !Number.isFinite(sampleMS) || sampleMS < 0) {
    throw new MongoInvalidArgumentError(`RTT sample must be a finite number of milliseconds >= 0, got ${String(sampleMS)}`);
  }
}

/**
 * server-selection.md "Calculation of Average Round Trip Times": with no prior average the
 * average becomes the first measurement; afterwards new = alpha * x + (1 - alpha) * old.
 */
export function updateAverageRtt(previousAverageMS: number | null, sampleMS: number): number {
  checkSample(sampleMS);
  if (previousAverageMS === null) return sampleMS;
  if (!Number.isFinite(previousAverageMS) || previousAverageMS < 0) {
    throw new MongoInvalidArgumentError(`previous average RTT must be null or a finite number of milliseconds >= 0, got ${String(previousAverageMS)}`);
  }
  return rttEwmaAlpha * sampleMS + (1 - rttEwmaAlpha) * previousAverageMS;
}

/** Adds one measurement: updates the average and keeps only the last `minRttWindowSamples` samples. */
export function addRttSample(stats: RttStats, sampleMS: number): RttStats {
  const averageMS = updateAverageRtt(stats.averageMS, sampleMS);
  const kept = stats.recentSamplesMS.length >= minRttWindowSamples ? stats.recentSamplesMS.slice(stats.recentSamplesMS.length - minRttWindowSamples + 1) : stats.recentSamplesMS;
  const recentSamplesMS = [...kept, sampleMS];
  if (recentSamplesMS.length > minRttWindowSamples) throw new Error('mongosim internal invariant violated: RTT sample window exceeds its bound');
  return { averageMS, recentSamplesMS };
}

/**
 * server-monitoring.md "Measuring RTT": the minimum of the (at most) last 10 samples,
 * reported as 0 until at least 2 samples have been gathered.
 */
export function minRoundTripTime(stats: RttStats): number {
  if (stats.recentSamplesMS.length < minRttRequiredSamples) return 0;
  return Math.min(...stats.recentSamplesMS);
}
