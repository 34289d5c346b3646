/**
 * Validation of replSetInitiate / replSetReconfig arguments against this node: the config the
 * command would install, or the server's error for it.
 */
import type { Document } from '../protocol.js';
import { type ReplSetConfig, parseReplSetConfig } from './config.js';
import { CommandError, ErrorCodes } from './errors.js';
import { forceConfigTerm } from './safe-reconfig.js';
import { isPlainObject } from './values.js';

/** The config replSetInitiate installs on `host` of set `replSet` (a one-member set when no config is given). */
export function initiateConfig(body: Readonly<Document>, replSet: string, host: string): ReplSetConfig {
  const raw = body['replSetInitiate'];
  const rawConfig = isPlainObject(raw) ? raw : { _id: replSet, version: 1, members: [{ _id: 0, host }] };
  const config = parseReplSetConfig(rawConfig, { version: 1, term: 0 });
  if (config._id !== replSet) {
    throw new CommandError(ErrorCodes.InvalidReplicaSetConfig, `Attempting to initiate a replica set with name ${config._id}, but command line reports ${replSet}; rejecting`);
  }
  if (!config.members.some((m) => m.host === host)) {
    throw new CommandError(ErrorCodes.NodeNotFound, `No host described in new configuration with {version: ${config.version}, term: ${config.term}} for replica set ${config._id} maps to this node`);
  }
  return config;
}

/**
 * The config replSetReconfig installs over `current` in `term` (the caller checked we may
 * reconfigure). A force reconfig installs it without a term (forceConfigTerm), as the server does.
 */
export function reconfigConfig(body: Readonly<Document>, current: ReplSetConfig, term: number, host: string): ReplSetConfig {
  const raw = body['replSetReconfig'];
  if (!isPlainObject(raw)) throw new CommandError(ErrorCodes.TypeMismatch, 'replSetReconfig argument must be a configuration object');
  const config = parseReplSetConfig(raw, { version: current.version + 1, term });
  if (config._id !== current._id) {
    throw new CommandError(ErrorCodes.NewReplicaSetConfigurationIncompatible, `New and old configurations differ in replica set name; old was ${current._id}, and new is ${config._id}`);
  }
  if (config.version <= current.version) {
    throw new CommandError(ErrorCodes.NewReplicaSetConfigurationIncompatible, `New replica set configuration version must be greater than old, but ${config.version} is not greater than ${current.version} for replica set ${current._id}`);
  }
  if (!config.members.some((m) => m.host === host) && body['force'] !== true) {
    throw new CommandError(ErrorCodes.NodeNotFound, `No host described in new configuration with {version: ${config.version}, term: ${config.term}} for replica set ${config._id} maps to this node`);
  }
  return { ...config, term: body['force'] === true ? forceConfigTerm : term };
}
