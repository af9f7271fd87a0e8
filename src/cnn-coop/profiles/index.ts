import type { CnnProfile } from '../model.ts';
import { TABLE1_PROFILE } from '../generate.ts';

/** Built-in CNN profiles by name, for `mec generate cnn-coop --cnn NAME` and `mec profiles`. */
export interface ProfileEntry {
  name: string;
  description: string;
  profile: CnnProfile;
}

export function builtinProfiles(): ProfileEntry[] {
  return [{ name: 'table1', description: "the paper's Table I example (5 hidden layers)", profile: TABLE1_PROFILE }];
}

export function resolveProfile(name: string): CnnProfile | undefined {
  return builtinProfiles().find((p) => p.name === name)?.profile;
}
