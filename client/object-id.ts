/**
 * Client-side `_id`s for inserted documents (as the Node driver adds them), built from the
 * runtime's clock and random port so a simulated run stays a pure function of its seed.
 * Layout as in the BSON ObjectId spec: 4-byte seconds, 5-byte per-client random value,
 * 3-byte counter.
 */
import { ObjectId } from 'bson';
import type { ClockPort } from './runtime/ports.js';
import type { RandomSource } from '../core/random.js';

const processUniqueBytes = 5;
const counterModulo = 0x1000000;
const byteModulo = 256;
const msPerSecond = 1000;

export class ObjectIdFactory {
  private readonly unique: Uint8Array;
  private counter: number;

  constructor(
    private readonly clock: ClockPort,
    random: RandomSource,
  ) {
    this.unique = new Uint8Array(processUniqueBytes);
    for (let i = 0; i < processUniqueBytes; i++) this.unique[i] = random.int(byteModulo);
    this.counter = random.int(counterModulo);
  }

  next(): ObjectId {
    const bytes = new Uint8Array(12);
    const seconds = Math.floor(this.clock.now() / msPerSecond) >>> 0;
    bytes[0] = (seconds >>> 24) & 0xff;
    bytes[1] = (seconds >>> 16) & 0xff;
    bytes[2] = (seconds >>> 8) & 0xff;
    bytes[3] = seconds & 0xff;
    bytes.set(this.unique, 4);
    this.counter = (this.counter + 1) % counterModulo;
    bytes[9] = (this.counter >>> 16) & 0xff;
    bytes[10] = (this.counter >>> 8) & 0xff;
    bytes[11] = this.counter & 0xff;
    return new ObjectId(bytes);
  }
}
