/**
 * Elections, protocol version 1 (Raft-like): terms, one vote per term, dry runs before
 * incrementing the term, the up-to-date check, the randomized election timeout, priority
 * takeover, and the ways a primary stops being one (higher term, lost majority, replSetStepDown)
 * or a member is kept from running (replSetFreeze).
 */
import type { SimRandom } from '../kernel/random.js';
import type { Trace } from '../kernel/trace.js';
import type { Document } from '../protocol.js';
import type { CatchUp } from './catch-up.js';
import { type MemberConfig, type ReplSetConfig, majorityVoteCount } from './config.js';
import type { DurableState } from './durable-state.js';
import { CommandError, ErrorCodes, errorReply } from './errors.js';
import { simEpochMs } from './hello.js';
import { MemberState } from './member-state.js';
import type { ReplicationObserver } from './observer.js';
import { type OpTime, compareOpTime, formatOpTime, maxIncrementsPerSecond } from './oplog.js';
import { opTimeField } from './optime-field.js';
import { type PeerView, votingPeers } from './peer-view.js';
import type { Doc } from './query.js';
import type { Replication } from './replication.js';
import type { RoleState } from './role.js';
import { electionTimeoutMs, memberOf } from './set-settings.js';
import type { Clock, IncarnationTimers } from './timers.js';
import type { MemberTransitions } from './transitions.js';
import type { WriteConcernWaiters } from './write-concern-wait.js';

/** randomizedElectionTimeoutOffsetLimitFraction: the election timeout gets up to +15%. */
export const electionTimeoutOffsetFraction = 0.15;
/** A higher-priority member must be within this of the primary's last write to take over (priorityTakeoverFreshnessWindowSeconds). */
export const priorityTakeoverFreshnessWindowMs = 2000;
/** replSetStepDown defaults. */
export const defaultStepDownSecs = 60;
export const defaultSecondaryCatchUpPeriodSecs = 10;
/** How often a stepping-down primary re-checks for a caught-up secondary. */
const stepDownPollMs = 100;

interface Election {
  phase: 'dry' | 'real';
  readonly term: number;
  readonly granted: Set<string>;
  readonly responded: Set<string>;
}

export interface ElectionDeps {
  readonly host: string;
  readonly durable: DurableState;
  readonly role: RoleState;
  readonly peers: ReadonlyMap<string, PeerView>;
  readonly timers: IncarnationTimers;
  readonly trace: Trace;
  readonly random: SimRandom;
  readonly observer: ReplicationObserver | undefined;
  readonly transitions: MemberTransitions;
  readonly catchUp: Pick<CatchUp, 'begin' | 'clear'>;
  readonly replication: Pick<Replication, 'clearSyncSource' | 'maybeStartFetcher'>;
  readonly writeConcern: Pick<WriteConcernWaiters, 'interruptAll'>;
  /** Virtual time (the world's scheduler). */
  readonly clock: Clock;
  isRunning(): boolean;
}

export class Elections {
  private election: Election | null = null;
  private timerArmed = false;
  private offsetMs = 0;

  constructor(private readonly deps: ElectionDeps) {}

  /** True while we are a candidate (dry run or real). */
  get running(): boolean { return this.election !== null; }

  /** A new incarnation: no candidacy, no election timer. */
  reset(): void {
    this.election = null;
    this.timerArmed = false;
  }

  /** A higher term ends any candidacy of ours. */
  abandon(): void {
    this.election = null;
  }

  private lastApplied(): OpTime {
    return this.deps.durable.oplog.lastOpTime();
  }

  private myMember(): MemberConfig | undefined {
    return memberOf(this.deps.durable.config, this.deps.host);
  }

  private electionTimeoutMs(): number {
    return electionTimeoutMs(this.deps.durable.config);
  }

  canRunForElection(): boolean {
    const me = this.myMember();
    const { role } = this.deps;
    return this.deps.isRunning() && me !== undefined && me.priority > 0 && me.votes > 0 && !me.arbiterOnly
      && role.state === MemberState.SECONDARY && this.election === null && !role.rollingBack
      && this.deps.clock.nowMs >= role.stepDownUntilMs;
  }

  /** A lone electable voter need not wait for anyone: it elects itself at once, as the server does. */
  electAloneIfSoleVoter(reason: string): void {
    if (this.canRunForElection() && votingPeers(this.deps.peers).length === 0) this.deps.timers.after(0, 'rs.selfElect', () => this.start(reason, true));
  }

  /** The election timer: fires electionTimeoutMillis (+ up to 15%) after we last heard from a primary. */
  armTimer(): void {
    if (this.timerArmed) return;
    const me = this.myMember();
    if (me === undefined || me.priority === 0 || me.arbiterOnly) return;
    const { role } = this.deps;
    this.timerArmed = true;
    this.offsetMs = this.deps.random.int(Math.floor(this.electionTimeoutMs() * electionTimeoutOffsetFraction) + 1);
    const due = Math.max(role.lastHeardFromPrimaryMs, role.stepDownUntilMs - this.electionTimeoutMs()) + this.electionTimeoutMs() + this.offsetMs;
    this.deps.timers.after(due - this.deps.clock.nowMs, 'rs.electionTimeout', () => {
      this.timerArmed = false;
      // A primary needs no election timer; stepping down re-arms it.
      if (role.state === MemberState.PRIMARY) return;
      const deadline = Math.max(role.lastHeardFromPrimaryMs, role.stepDownUntilMs - this.electionTimeoutMs()) + this.electionTimeoutMs() + this.offsetMs;
      if (this.deps.clock.nowMs >= deadline) {
        role.lastHeardFromPrimaryMs = this.deps.clock.nowMs;
        this.start('election timeout', false);
      }
      this.armTimer();
    });
  }

  private start(reason: string, skipDryRun: boolean): void {
    if (!this.canRunForElection()) return;
    const config = this.deps.durable.config as ReplSetConfig;
    this.deps.trace.record('rs.election', `${this.deps.host} ${skipDryRun ? 'start' : 'dryrun'} term=${this.deps.durable.term + 1} (${reason})`);
    const election: Election = { phase: skipDryRun ? 'real' : 'dry', term: this.deps.durable.term + 1, granted: new Set([this.deps.host]), responded: new Set() };
    this.election = election;
    if (skipDryRun) this.beginRealElection(election);
    else this.requestVotes(election, config);
  }

  /** The dry run succeeded (or was skipped): increment the term, vote for ourselves, ask for real votes. */
  private beginRealElection(election: Election): void {
    const { durable, role } = this.deps;
    const from = durable.term;
    durable.term = election.term;
    role.viewEpoch++;
    durable.lastVote = { term: election.term, host: this.deps.host };
    this.deps.observer?.termChanged(this.deps.host, from, election.term);
    election.phase = 'real';
    election.granted.clear();
    election.granted.add(this.deps.host);
    election.responded.clear();
    this.deps.trace.record('rs.election', `${this.deps.host} run term=${election.term}`);
    this.requestVotes(election, durable.config as ReplSetConfig);
  }

  private requestVotes(election: Election, config: ReplSetConfig): void {
    const needed = majorityVoteCount(config);
    if (election.granted.size >= needed) {
      this.roundWon(election);
      return;
    }
    const last = this.lastApplied();
    const request = {
      replSetRequestVotes: 1,
      setName: config._id,
      dryRun: election.phase === 'dry',
      term: election.term,
      candidate: this.deps.host,
      configVersion: config.version,
      configTerm: config.term,
      lastAppliedOpTime: { ts: last.ts, t: last.t },
    };
    const phase = election.phase;
    for (const peer of votingPeers(this.deps.peers)) {
      peer.channel.call('admin', request, (res) => {
        if (this.election !== election || election.phase !== phase || res === null) return;
        const term = Number(res['term']);
        if (term > this.deps.durable.term) {
          this.election = null;
          this.deps.transitions.updateTerm(term, `vote reply from ${peer.member.host}`);
          return;
        }
        election.responded.add(peer.member.host);
        if (res['voteGranted'] === true) election.granted.add(peer.member.host);
        if (election.granted.size >= needed) this.roundWon(election);
      });
    }
    // A round that does not reach a majority within an election timeout is lost.
    this.deps.timers.after(this.electionTimeoutMs(), 'rs.election.timeout', () => {
      if (this.election === election && election.phase === phase) {
        this.deps.trace.record('rs.election', `${this.deps.host} lost ${phase} term=${election.term}`);
        this.election = null;
      }
    });
  }

  private roundWon(election: Election): void {
    if (election.phase === 'dry') {
      this.beginRealElection(election);
      return;
    }
    this.election = null;
    if (this.deps.durable.term !== election.term || this.deps.role.state !== MemberState.SECONDARY) return;
    this.becomePrimary();
  }

  /** replSetRequestVotes: grant at most one (real) vote per term, only to a candidate at least as up to date as us. */
  onRequestVotes(body: Readonly<Document>): Doc {
    const { durable, role } = this.deps;
    const config = durable.config;
    if (typeof body['term'] !== 'number') throw new CommandError(ErrorCodes.BadValue, "'term' must be a number");
    const term = body['term'];
    const dryRun = body['dryRun'] === true;
    const candidate = String(body['candidate']);
    const deny = (reason: string): Doc => {
      this.deps.trace.record('rs.vote', `${this.deps.host} deny ${candidate} t${term}${dryRun ? ' dry' : ''}: ${reason}`);
      return { term: durable.term, voteGranted: false, reason, ok: 1 };
    };
    const theirs = opTimeField(body, 'lastAppliedOpTime');
    if (config === null) return deny('no config');
    if (!dryRun && term > durable.term) this.deps.transitions.updateTerm(term, `vote request from ${candidate}`);
    if (body['setName'] !== config._id) return deny(`candidate's set name (${String(body['setName'])}) differs from mine (${config._id})`);
    if (term < durable.term) return deny(`candidate's term (${term}) is lower than mine (${durable.term})`);
    if (Number(body['configVersion']) < config.version && Number(body['configTerm']) <= config.term) {
      return deny(`candidate's config with {version: ${String(body['configVersion'])}} is older than mine with {version: ${config.version}}`);
    }
    if (compareOpTime(theirs, this.lastApplied()) < 0) {
      return deny(`candidate's data is staler than mine. candidate's last applied OpTime: ${formatOpTime(theirs)}, my last applied OpTime: ${formatOpTime(this.lastApplied())}`);
    }
    if (dryRun) {
      if (role.state === MemberState.PRIMARY && term <= durable.term) return deny('I am primary in this term');
      return { term: durable.term, voteGranted: true, reason: '', ok: 1 };
    }
    const vote = durable.lastVote;
    if (vote !== null && vote.term >= term) {
      return deny(`already voted for another candidate (${vote.host}) this term (${vote.term})`);
    }
    durable.lastVote = { term, host: candidate };
    this.deps.trace.record('rs.vote', `${this.deps.host} grant ${candidate} t${term}`);
    // Granting a vote resets our own election timer, as hearing from a primary does.
    role.lastHeardFromPrimaryMs = this.deps.clock.nowMs;
    return { term: durable.term, voteGranted: true, reason: '', ok: 1 };
  }

  private becomePrimary(): void {
    const { durable, role } = this.deps;
    const term = durable.term;
    role.electionTerm = term;
    role.primaryHost = this.deps.host;
    role.writable = false;
    this.deps.trace.record('rs.elected', `${this.deps.host} term=${term}`);
    this.deps.observer?.becamePrimary(this.deps.host, term);
    this.deps.transitions.setState(MemberState.PRIMARY, `won term ${term}`);
    for (const peer of this.deps.peers.values()) peer.priorityTakeoverAt = null;
    this.deps.replication.clearSyncSource();
    this.deps.catchUp.begin(term);
  }

  // ---- priority takeover ----------------------------------------------------------------------

  /** A primary with a lower priority than ours: run for election after a delay that ranks us among the higher-priority members. */
  considerPriorityTakeover(primary: PeerView): void {
    const me = this.myMember();
    if (me === undefined || me.priority <= primary.member.priority || !this.canRunForElection()) return;
    const fresh = this.lastApplied().ts >= primary.applied.ts - priorityTakeoverFreshnessWindowMs / 1000 * maxIncrementsPerSecond;
    if (!fresh || primary.priorityTakeoverAt !== null) return;
    // ReplSetConfig::getPriorityTakeoverDelay: (rank + 1) × electionTimeout, rank = members with a higher priority than us.
    const config = this.deps.durable.config as ReplSetConfig;
    const rank = config.members.filter((m) => m.priority > me.priority).length;
    const delay = (rank + 1) * this.electionTimeoutMs() + this.deps.random.int(Math.floor(this.electionTimeoutMs() * electionTimeoutOffsetFraction) + 1);
    primary.priorityTakeoverAt = this.deps.clock.nowMs + delay;
    this.deps.timers.after(delay, 'rs.priorityTakeover', () => {
      primary.priorityTakeoverAt = null;
      if (this.deps.role.primaryHost !== primary.member.host || primary.state !== MemberState.PRIMARY) return;
      if (me.priority <= primary.member.priority) return;
      if (this.lastApplied().ts < primary.applied.ts - priorityTakeoverFreshnessWindowMs / 1000 * maxIncrementsPerSecond) return;
      this.start(`priority takeover of ${primary.member.host}`, false);
    });
  }

  // ---- stepping down --------------------------------------------------------------------------

  /** Liveness: a primary that cannot see a majority of voters for an election timeout steps down. */
  checkPrimaryLiveness(config: ReplSetConfig): void {
    const cutoff = this.deps.clock.nowMs - this.electionTimeoutMs();
    let seen = this.myMember()?.votes ?? 0;
    for (const peer of this.deps.peers.values()) if (peer.member.votes > 0 && peer.lastHeardMs >= cutoff) seen++;
    if (seen < majorityVoteCount(config)) this.stepDownNow('cannot see a majority of the set');
  }

  /** Steps down from primary at once (a higher term, lost majority, stepDown, reconfig). */
  stepDownNow(why: string): void {
    const { role } = this.deps;
    if (role.state !== MemberState.PRIMARY) return;
    role.writable = false;
    role.electionTerm = null;
    role.primaryHost = null;
    this.deps.catchUp.clear();
    role.lastHeardFromPrimaryMs = this.deps.clock.nowMs;
    this.deps.writeConcern.interruptAll();
    this.deps.transitions.setState(MemberState.SECONDARY, `stepped down: ${why}`);
    this.armTimer();
    this.deps.replication.maybeStartFetcher();
  }

  /** replSetStepDown: validates the arguments, replies when the step-down is done or failed. */
  replSetStepDown(body: Readonly<Document>, respond: (r: Doc) => void): void {
    if (!(this.deps.role.state === MemberState.PRIMARY)) throw new CommandError(ErrorCodes.NotWritablePrimary, 'not primary so can\'t step down');
    const secsRaw = body['replSetStepDown'];
    if (typeof secsRaw !== 'number' && secsRaw !== true) throw new CommandError(ErrorCodes.TypeMismatch, "replSetStepDown's argument must be a number of seconds");
    const secs = typeof secsRaw === 'number' ? secsRaw : defaultStepDownSecs;
    const catchUpRaw = body['secondaryCatchUpPeriodSecs'];
    if (catchUpRaw !== undefined && typeof catchUpRaw !== 'number') throw new CommandError(ErrorCodes.TypeMismatch, "'secondaryCatchUpPeriodSecs' must be a number");
    const catchUpSecs = catchUpRaw ?? Math.min(defaultSecondaryCatchUpPeriodSecs, secs);
    if (!(secs >= 0)) throw new CommandError(ErrorCodes.BadValue, 'stepdown period must be a non-negative number');
    if (catchUpSecs > secs) throw new CommandError(ErrorCodes.BadValue, 'stepdown period must be longer than secondaryCatchUpPeriodSecs');
    this.stepDown(secs, catchUpSecs, body['force'] === true, (error) => respond(error ?? { ok: 1 }));
  }

  /**
   * Wait up to `catchUpSecs` for an electable secondary to catch up, step down for `secs`, then
   * hand the election to the caught-up secondary (electionHandoff).
   */
  stepDown(secs: number, catchUpSecs: number, force: boolean, done: (error: Doc | null) => void): void {
    const { role } = this.deps;
    if (role.state !== MemberState.PRIMARY) {
      done(errorReply(ErrorCodes.NotWritablePrimary, 'not primary so can\'t step down'));
      return;
    }
    const term = role.electionTerm;
    const deadline = this.deps.clock.nowMs + catchUpSecs * 1000;
    const attempt = (): void => {
      if (role.state !== MemberState.PRIMARY || role.electionTerm !== term) {
        done(errorReply(ErrorCodes.PrimarySteppedDown, 'primary stepped down while waiting for replication'));
        return;
      }
      const target = this.caughtUpElectableSecondary();
      const now = this.deps.clock.nowMs;
      if (target !== null || force || now >= deadline) {
        if (target === null && !force) {
          done(errorReply(ErrorCodes.ExceededTimeLimit, `No electable secondaries caught up as of ${new Date(simEpochMs + now).toISOString()}. Please use the replSetStepDown command with the argument {force: true} to force node to step down.`));
          return;
        }
        role.stepDownUntilMs = now + secs * 1000;
        this.stepDownNow(`replSetStepDown ${secs}s`);
        if (target !== null) target.channel.call('admin', { replSetStepUp: 1, skipDryRun: true }, () => undefined);
        done(null);
        return;
      }
      this.deps.timers.after(Math.min(stepDownPollMs, deadline - now), 'rs.stepdown.wait', attempt);
    };
    attempt();
  }

  /** The most electable secondary that has everything we have (the one to hand the election to), if any. */
  caughtUpElectableSecondary(): PeerView | null {
    const last = this.lastApplied();
    const cutoff = this.deps.clock.nowMs - this.electionTimeoutMs();
    let best: PeerView | null = null;
    for (const peer of this.deps.peers.values()) {
      if (peer.member.priority <= 0 || peer.member.arbiterOnly || peer.state !== MemberState.SECONDARY || peer.lastHeardMs < cutoff) continue;
      if (compareOpTime(peer.applied, last) < 0) continue;
      if (best === null || peer.member.priority > best.member.priority) best = peer;
    }
    return best;
  }

  /** replSetStepUp: run for election now (the handoff from a stepping-down primary skips the dry run). */
  replSetStepUp(body: Readonly<Document>): Doc {
    if (this.deps.role.state !== MemberState.SECONDARY) throw new CommandError(ErrorCodes.NotSecondary, 'Node is not a secondary');
    const me = this.myMember();
    if (me === undefined || me.priority === 0) throw new CommandError(ErrorCodes.NodeNotElectable, 'Election failed: this node is not electable');
    this.deps.role.stepDownUntilMs = 0;
    this.deps.timers.after(0, 'rs.stepUp', () => this.start('replSetStepUp', body['skipDryRun'] === true));
    return { ok: 1 };
  }

  replSetFreeze(body: Readonly<Document>): Doc {
    const secs = body['replSetFreeze'];
    if (typeof secs !== 'number' || !(secs >= 0)) throw new CommandError(ErrorCodes.BadValue, 'replSetFreeze argument must be a non-negative number of seconds');
    if (this.deps.role.state === MemberState.PRIMARY || this.election !== null) {
      throw new CommandError(ErrorCodes.NotSecondary, `cannot freeze node when primary or running for election. state: ${this.deps.role.state === MemberState.PRIMARY ? 'Primary' : 'Running-Election'}`);
    }
    this.freeze(secs);
    return secs === 0 ? { info: 'unfreezing', ok: 1 } : { ok: 1 };
  }

  /** No candidacy for `secs` (0 unfreezes). */
  freeze(secs: number): void {
    this.deps.role.stepDownUntilMs = secs === 0 ? 0 : this.deps.clock.nowMs + secs * 1000;
    this.deps.trace.record('rs.freeze', `${this.deps.host} ${secs}s`);
    // A lone electable voter unfreezing elects itself at once (server behaviour for single-node sets).
    if (secs === 0) this.electAloneIfSoleVoter('unfrozen single voter');
  }
}
