import type { CnnProfile } from '../model.ts';
import { TABLE1_PROFILE } from '../generate.ts';
import { InputError } from '../../core/errors.ts';
import { NETWORKS } from './networks.ts';
import { buildProfile, type BuiltProfile, type ProfileOptions } from './build.ts';
import { PRECISIONS, SERVER_CLASSES, type Precision } from './hardware.ts';

/**
 * Built-in CNN profiles by name, for `mec generate cnn-coop --cnn NAME` and `mec profiles`.
 *
 * Names: "table1" (the paper's illustrative Table I), or NETWORK[-PRECISION][@CLASS] with
 * NETWORK one of NETWORKS, PRECISION fp32 (the default), fp16 or int8 (bits of each activation
 * on the backhaul) and CLASS a server class of hardware.ts (default "scalar": 1 cycle per MAC).
 * Examples: "vgg16", "resnet18-int8", "mobilenet-v1-fp16@gpu".
 */
export interface ProfileEntry {
  name: string;
  description: string;
  profile: CnnProfile;
  /** For computed profiles: the per-split table and the settings behind it. */
  built?: BuiltProfile;
}

export function builtinProfiles(): ProfileEntry[] {
  const entries: ProfileEntry[] = [{ name: 'table1', description: "the paper's Table I example (5 hidden layers)", profile: TABLE1_PROFILE }];
  for (const [netName, make] of Object.entries(NETWORKS)) {
    const net = make();
    // every precision is listed; the @class suffix is accepted by resolveProfile only
    for (const precision of PRECISIONS) {
      const built = buildProfile(net, { precision });
      entries.push({
        name: precision === 'fp32' ? netName : `${netName}-${precision}`,
        description: `${net.description}; ${precision} activations, ${built.splits.length} split points, ${built.totalGmacs.toFixed(2)} G MACs`,
        profile: built.profile,
        built,
      });
    }
  }
  return entries;
}

export interface ParsedProfileName {
  network: string;
  precision?: Precision;
  serverClass?: string;
}

/** Splits NETWORK[-PRECISION][@CLASS]; undefined when NETWORK is not a built-in network. */
export function parseProfileName(name: string): ParsedProfileName | undefined {
  const at = name.indexOf('@');
  const base = at < 0 ? name : name.slice(0, at);
  const serverClass = at < 0 ? undefined : name.slice(at + 1);
  const m = /^(.*)-(fp32|fp16|int8)$/.exec(base);
  const network = m ? m[1] : base;
  if (!Object.hasOwn(NETWORKS, network)) return undefined;
  return { network, ...(m ? { precision: m[2] as Precision } : {}), ...(serverClass !== undefined ? { serverClass } : {}) };
}

/**
 * The computed profile for a name, with options for what the name does not say (precision,
 * server class, split points, utilisation). Undefined for an unknown network name; InputError
 * for a known network with a bad class, precision or split list.
 */
export function resolveBuilt(name: string, options: ProfileOptions = {}): BuiltProfile | undefined {
  const parsed = parseProfileName(name);
  if (!parsed) return undefined;
  if (parsed.serverClass !== undefined && !Object.hasOwn(SERVER_CLASSES, parsed.serverClass)) {
    throw new InputError(`unknown server class "${parsed.serverClass}" in "${name}" (known: ${Object.keys(SERVER_CLASSES).join(', ')})`, 'profile');
  }
  for (const key of ['precision', 'serverClass'] as const) {
    if (parsed[key] !== undefined && options[key] !== undefined && parsed[key] !== options[key]) {
      throw new InputError(`"${name}" says ${parsed[key]} but ${key} ${options[key]} was asked for`, key);
    }
  }
  const fromName: ProfileOptions = {
    ...(parsed.precision ? { precision: parsed.precision } : {}),
    ...(parsed.serverClass ? { serverClass: parsed.serverClass } : {}),
  };
  return buildProfile(NETWORKS[parsed.network](), { ...options, ...fromName });
}

export function resolveProfile(name: string, options: ProfileOptions = {}): CnnProfile | undefined {
  if (name === 'table1') return TABLE1_PROFILE;
  return resolveBuilt(name, options)?.profile;
}

/** Every name resolveProfile accepts without a class suffix, for error messages. */
export function knownProfileNames(): string[] {
  return ['table1', ...Object.keys(NETWORKS).flatMap((n) => [n, ...PRECISIONS.filter((p) => p !== 'fp32').map((p) => `${n}-${p}`)])];
}

export { buildProfile, type BuiltProfile, type ProfileOptions } from './build.ts';
export { NETWORKS } from './networks.ts';
export { SERVER_CLASSES, PRECISIONS, type Precision } from './hardware.ts';
