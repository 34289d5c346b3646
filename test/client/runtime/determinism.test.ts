import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RuntimeEvent } from '../../../client/runtime/api.js';
import { readySet, newRuntime, closeSync, insert, find, secondaryPreferred } from './helpers.js';

/** A line per event: virtual time, name and the fields that identify it. */
function line(atMs: number, e: RuntimeEvent): string {
  const pick = ['address', 'connectionId', 'requestId', 'commandName', 'awaited', 'reason', 'attempt'].map((k) => (e[k] === undefined ? '' : String(e[k])));
  const d = e['newDescription'] as { type?: string } | undefined;
  return `${atMs} ${e.name} ${pick.join(' ')} ${d?.type ?? ''}`;
}

function scenario(seed: number): string[] {
  const { world, rs, primary } = readySet(seed);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  const lines: string[] = [];
  h.runtime.subscribe((e) => lines.push(line(world.nowMs, e)));
  for (let i = 0; i < 5; i++) h.runtime.run(insert('c', [{ _id: i }]), () => undefined);
  for (let i = 0; i < 5; i++) h.runtime.run(find('c', {}, { readPreference: secondaryPreferred }), () => undefined);
  world.scheduler.runFor(3_000);
  h.runtime.run(insert('c', [{ _id: 99 }]), () => undefined);
  rs.crash(primary);
  world.scheduler.runFor(30_000);
  closeSync(h);
  return lines;
}

test('same seed ⇒ same event sequence; another seed ⇒ a different one', () => {
  const a = scenario(51);
  const b = scenario(51);
  assert.ok(a.length > 200, `events: ${a.length}`);
  assert.equal(a, b);
  const c = scenario(52);
  assert.not.equal(a, c);
});

test.run();
