import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Scheduler, maxEventsWithoutClockAdvance } from '../../../sim/kernel/scheduler.js';

test('events run in time order, and same-time events in insertion order', () => {
  const s = new Scheduler();
  const ran: string[] = [];
  s.at(30, 'c', () => ran.push('c30'));
  s.at(10, 'a', () => ran.push('a10'));
  s.at(20, 'b1', () => ran.push('b20-1'));
  s.at(20, 'b2', () => ran.push('b20-2'));
  s.at(10, 'a2', () => ran.push('a10-2'));
  s.at(20, 'b3', () => ran.push('b20-3'));
  while (s.step());
  assert.equal(ran, ['a10', 'a10-2', 'b20-1', 'b20-2', 'b20-3', 'c30']);
  assert.is(s.nowMs, 30);
  assert.is(s.step(), false);
});

test('an event scheduled for now from inside an event runs after events already due now', () => {
  const s = new Scheduler();
  const ran: string[] = [];
  s.at(5, 'first', () => {
    ran.push('first');
    s.after(0, 'nested', () => ran.push('nested'));
  });
  s.at(5, 'second', () => ran.push('second'));
  s.runFor(10);
  assert.equal(ran, ['first', 'second', 'nested']);
});

test('scheduling in the past or with a bad delay is rejected with the label named', () => {
  const s = new Scheduler();
  s.runFor(100);
  assert.throws(() => s.at(50, 'late-timer', () => {}), /late-timer.*50 ms.*100 ms/);
  assert.throws(() => s.after(-1, 'neg', () => {}), /neg.*-1/);
  assert.throws(() => s.after(Number.NaN, 'nan', () => {}), /nan/);
  assert.throws(() => s.at(Number.POSITIVE_INFINITY, 'inf', () => {}), /inf/);
  assert.throws(() => s.runFor(-5), /-5/);
  assert.throws(() => s.runUntil(() => false, Number.NaN), /NaN/);
});

test('cancel prevents the event; cancelling twice or after it ran is a no-op; pending counts live events', () => {
  const s = new Scheduler();
  const ran: number[] = [];
  const h1 = s.after(10, 't1', () => ran.push(1));
  const h2 = s.after(20, 't2', () => ran.push(2));
  s.after(30, 't3', () => ran.push(3));
  assert.is(s.pending, 3);
  s.cancel(h2);
  s.cancel(h2);
  assert.is(s.pending, 2);
  s.runFor(15);
  s.cancel(h1); // already ran
  assert.is(s.pending, 1);
  s.runFor(100);
  assert.equal(ran, [1, 3]);
  assert.is(s.pending, 0);
  assert.throws(() => s.cancel({ id: 1 }), /not created by this scheduler/);
  assert.throws(() => new Scheduler().cancel(h1), /not created by this scheduler/);
});

test('runFor runs events due up to and including the end, leaves later ones, and sets the clock to the end', () => {
  const s = new Scheduler();
  const ran: number[] = [];
  for (const t of [0, 50, 100, 101, 200]) s.at(t, `t${t}`, () => ran.push(t));
  s.runFor(100);
  assert.equal(ran, [0, 50, 100]);
  assert.is(s.nowMs, 100);
  assert.is(s.pending, 2);
  assert.is(s.nextEventTimeMs, 101);
  s.runFor(0);
  assert.equal(ran, [0, 50, 100]);
  s.runFor(1000);
  assert.equal(ran, [0, 50, 100, 101, 200]);
  assert.is(s.nowMs, 1100);
});

test('runFor also runs events scheduled during the run when they fall inside the window', () => {
  const s = new Scheduler();
  let ticks = 0;
  const tick = (): void => {
    ticks++;
    s.after(10, 'tick', tick);
  };
  s.after(10, 'tick', tick);
  s.runFor(95);
  assert.is(ticks, 9);
  assert.is(s.nowMs, 95);
  assert.is(s.pending, 1);
});

test('runUntil stops at the event that makes the predicate true, or runs to the limit and returns false', () => {
  const s = new Scheduler();
  let x = 0;
  for (let t = 10; t <= 100; t += 10) s.at(t, 'inc', () => x++);
  assert.is(s.runUntil(() => x >= 3, 1000), true);
  assert.is(s.nowMs, 30);
  assert.is(s.runUntil(() => true, 0), true, 'a predicate already true needs no event');
  assert.is(s.nowMs, 30);
  assert.is(s.runUntil(() => x >= 100, 45), false);
  assert.is(s.nowMs, 75);
  assert.is(x, 7);
  assert.is(s.runUntil(() => x >= 8, 5), true, 'an event exactly at the limit counts');
  assert.is(s.nowMs, 80);
  assert.is(new Scheduler().runUntil(() => false, 10), false);
});

test('an event that keeps rescheduling itself at the same time is reported as a livelock', () => {
  const s = new Scheduler();
  const spin = (): void => {
    s.after(0, 'spinner', spin);
  };
  s.after(0, 'spinner', spin);
  assert.throws(() => s.runFor(1), new RegExp(`more than ${maxEventsWithoutClockAdvance} events.*spinner`));
});

test('property: with random schedules and cancels, events run exactly in (time, insertion) order', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('at' as const), delay: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('run' as const), ms: fc.integer({ min: 0, max: 30 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
      const s = new Scheduler();
      const ran: number[] = [];
      const expected: Array<{ time: number; seq: number; live: boolean }> = [];
      const handles: Array<ReturnType<Scheduler['at']>> = [];
      for (const o of ops) {
        if (o.kind === 'at') {
          const seq = expected.length;
          expected.push({ time: s.nowMs + o.delay, seq, live: true });
          handles.push(s.after(o.delay, 'e', () => ran.push(seq)));
        } else if (o.kind === 'cancel' && handles.length > 0) {
          const i = o.pick % handles.length;
          if (!ran.includes(i)) (expected[i] as { live: boolean }).live = false;
          s.cancel(handles[i]!);
        } else if (o.kind === 'run') {
          s.runFor(o.ms);
        }
      }
      while (s.step());
      // Every live event ran once; among events run, the order is (time, seq).
      const live = expected.filter((e) => e.live).map((e) => e.seq);
      assert.equal([...ran].sort((a, b) => a - b), live);
      for (let i = 1; i < ran.length; i++) {
        const a = expected[ran[i - 1]!]!;
        const b = expected[ran[i]!]!;
        assert.ok(a.time < b.time || (a.time === b.time && a.seq < b.seq), `order broken at ${i}`);
      }
    }),
    { numRuns: 150 },
  );
});

test('many cancellations compact the queue without losing live events', () => {
  const s = new Scheduler();
  const ran: number[] = [];
  const handles = [];
  for (let i = 0; i < 10_000; i++) handles.push(s.at(i, 'e', () => ran.push(i)));
  for (let i = 0; i < 10_000; i++) if (i % 10 !== 0) s.cancel(handles[i]!);
  assert.is(s.pending, 1000);
  s.runFor(20_000);
  assert.is(ran.length, 1000);
  assert.ok(ran.every((v, i) => v === i * 10));
});

test('a reusable timer can be armed again after it fires, keeps FIFO order, and rejects double arming', () => {
  const s = new Scheduler();
  const ran: string[] = [];
  const t = s.timer('reusable', () => ran.push(`timer@${s.nowMs}`));
  s.at(10, 'plain', () => ran.push('plain@10'));
  s.arm(t, 10);
  assert.throws(() => s.arm(t, 20), /already queued/);
  assert.is(s.pending, 2);
  s.runFor(10);
  assert.equal(ran, ['plain@10', 'timer@10']);
  s.arm(t, 15);
  s.runFor(10);
  assert.equal(ran, ['plain@10', 'timer@10', 'timer@15']);
  s.arm(t, 30);
  s.cancel(t);
  assert.throws(() => s.arm(t, 40), /already queued/, 'a cancelled timer still in the queue cannot be re-armed');
  s.runFor(100);
  assert.equal(ran.length, 3);
  s.arm(t, 200);
  s.runFor(100);
  assert.equal(ran[3], 'timer@200');
  assert.throws(() => s.arm(s.after(1, 'x', () => {}), 5), /not a timer/);
  assert.throws(() => s.arm(t, 1), /before the current virtual time/);
});

test('property: reusable timers and one-off events together run in (time, scheduling) order, through queue growth', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('at' as const), delay: fc.integer({ min: 0, max: 40 }), count: fc.integer({ min: 1, max: 60 }) }),
    fc.record({ kind: fc.constant('arm' as const), pick: fc.nat(), delay: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('run' as const), ms: fc.integer({ min: 0, max: 20 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
      const s = new Scheduler();
      // Every scheduling (an `at` or an `arm`) gets a sequence number; runs are logged by it.
      const expected: Array<{ time: number; live: boolean }> = [];
      const ran: number[] = [];
      const handles: Array<{ handle: ReturnType<Scheduler['at']>; seq: number }> = [];
      const timerCount = 8;
      const timerSeq: number[] = new Array<number>(timerCount).fill(-1);
      const timerFree: boolean[] = new Array<boolean>(timerCount).fill(true);
      const timers = Array.from({ length: timerCount }, (_, k) => s.timer(`t${k}`, () => {
        ran.push(timerSeq[k]!);
        timerFree[k] = true;
      }));
      for (const o of ops) {
        if (o.kind === 'at') {
          for (let c = 0; c < o.count; c++) {
            const seq = expected.length;
            expected.push({ time: s.nowMs + o.delay, live: true });
            handles.push({ handle: s.after(o.delay, 'e', () => ran.push(seq)), seq });
          }
        } else if (o.kind === 'arm') {
          const k = o.pick % timerCount;
          if (!timerFree[k]) continue;
          const seq = expected.length;
          expected.push({ time: s.nowMs + o.delay, live: true });
          timerSeq[k] = seq;
          timerFree[k] = false;
          s.arm(timers[k]!, s.nowMs + o.delay);
        } else if (o.kind === 'cancel' && handles.length > 0) {
          const { handle, seq } = handles[o.pick % handles.length]!;
          if (!ran.includes(seq)) expected[seq]!.live = false;
          s.cancel(handle);
        } else if (o.kind === 'run') {
          s.runFor(o.ms);
        }
      }
      while (s.step());
      const live = expected.map((e, seq) => (e.live ? seq : -1)).filter((seq) => seq >= 0);
      assert.equal([...ran].sort((a, b) => a - b), live);
      for (let i = 1; i < ran.length; i++) {
        const a = expected[ran[i - 1]!]!;
        const b = expected[ran[i]!]!;
        assert.ok(a.time < b.time || (a.time === b.time && ran[i - 1]! < ran[i]!), `order broken at ${i}`);
      }
    }),
    { numRuns: 100 },
  );
});

test.run();
