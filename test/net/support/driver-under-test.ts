/**
 * The few client calls the served-cluster scenarios use, so one scenario runs against both
 * the official `mongodb` driver and mongosim's own MongoClient over net/ ports.
 */
import { MongoClient as OfficialClient } from 'mongodb';
import { MongoClient as SimClient } from '../../../client/index.js';
import { netPorts } from '../../../net/index.js';

export type Doc = Record<string, unknown>;

export interface TestCursor {
  sort(spec: Doc): TestCursor;
  toArray(): Promise<Doc[]>;
}

export interface TestCollection {
  insertOne(doc: Doc): Promise<{ insertedId: unknown }>;
  insertMany(docs: Doc[]): Promise<unknown>;
  findOne(filter: Doc): Promise<Doc | null>;
  find(filter: Doc): TestCursor;
  updateOne(filter: Doc, update: Doc): Promise<{ modifiedCount: number }>;
  deleteOne(filter: Doc): Promise<{ deletedCount: number }>;
  countDocuments(filter: Doc): Promise<number>;
}

export interface InsertStarted {
  readonly address: string;
  readonly txnNumber: string;
}

export interface TestClient {
  command(db: string, command: Doc): Promise<Doc>;
  collection(db: string, name: string): TestCollection;
  /** Every insert command the client starts, in order. */
  readonly inserts: InsertStarted[];
  close(): Promise<void>;
}

export interface DriverUnderTest {
  readonly name: string;
  connect(uri: string): Promise<TestClient>;
}

/** Options both clients get: fast monitoring so a failover is seen within a second. */
export const serverSelectionTimeoutMS = 15_000;
export const heartbeatFrequencyMS = 500;

export const officialDriver: DriverUnderTest = {
  name: 'the official mongodb driver',
  async connect(uri) {
    const client = new OfficialClient(uri, { serverSelectionTimeoutMS, heartbeatFrequencyMS, monitorCommands: true });
    const inserts: InsertStarted[] = [];
    client.on('commandStarted', (e) => {
      if (e.commandName === 'insert') inserts.push({ address: e.address, txnNumber: String(e.command['txnNumber']) });
    });
    await client.connect();
    return {
      inserts,
      command: (db, command) => client.db(db).command(command),
      collection: (db, name) => client.db(db).collection(name) as unknown as TestCollection,
      close: () => client.close(),
    };
  },
};

export const mongosimClient: DriverUnderTest = {
  name: "mongosim's MongoClient over net/",
  async connect(uri) {
    const ports = netPorts();
    const client = new SimClient(uri, { ports, serverSelectionTimeoutMS, heartbeatFrequencyMS });
    const inserts: InsertStarted[] = [];
    client.on('commandStarted', (e: { commandName?: string; address?: string; command?: Doc }) => {
      if (e.commandName === 'insert') inserts.push({ address: String(e.address), txnNumber: String(e.command?.['txnNumber']) });
    });
    await client.connect();
    return {
      inserts,
      command: (db, command) => client.db(db).runCommand(command),
      collection: (db, name) => client.db(db).collection(name) as unknown as TestCollection,
      close: async () => {
        await client.close();
        if (ports.pendingTimers() !== 0 || ports.openConnections() !== 0) {
          throw new Error(`mongosim client left ${ports.pendingTimers()} timers and ${ports.openConnections()} connections after close`);
        }
      },
    };
  },
};
