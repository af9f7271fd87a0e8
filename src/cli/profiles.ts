import { textTable } from '../core/table.ts';
import type { Command } from 'commander';
import { InputError } from '../core/errors.ts';
import { readDocument, toJson } from '../core/io.ts';
import { parseNumberFlag } from './parse.ts';
import { TABLE1_PROFILE } from '../cnn-coop/generate.ts';
import { builtinProfiles, knownProfileNames, parseProfileName, resolveBuilt, type BuiltProfile, type ProfileOptions } from '../cnn-coop/profiles/index.ts';
import { buildProfile } from '../cnn-coop/profiles/build.ts';
import { parseNetwork } from '../cnn-coop/profiles/schema.ts';
import { analyzeNetwork, elements, type Network } from '../cnn-coop/profiles/layers.ts';
import { NETWORKS } from '../cnn-coop/profiles/networks.ts';
import { PRECISIONS, SERVER_CLASSES, type Precision } from '../cnn-coop/profiles/hardware.ts';
import type { CnnProfile } from '../cnn-coop/model.ts';
import { studyDefaultScenarios, studyScenario, type SplitStudy } from '../cnn-coop/profiles/study.ts';

const table = (header: string[], rows: string[][]): string => `${textTable(header, rows)}\n`;

const num = (x: number, digits = 4) => Number(x.toPrecision(digits)).toString();
const shape = (s: { channels: number; height: number; width: number }) => (s.height === 1 && s.width === 1 ? `${s.channels}` : `${s.channels}x${s.height}x${s.width}`);

function listProfiles(): string {
  const rows = builtinProfiles().map((e) => [
    e.name,
    String(e.profile.reduction.length),
    num(Math.min(...e.profile.reduction), 3),
    num(e.profile.totalGigacyclesPerMbit ?? e.profile.gigacyclesPerMbit.at(-1)!, 4),
    e.description,
  ]);
  const classes = Object.values(SERVER_CLASSES).map((c) => `  ${c.name.padEnd(11)} ${c.description}`).join('\n');
  return table(['name', 'K', 'min r', 'total Gc/Mbit', 'description'], rows) +
    '\nNames: NETWORK[-PRECISION][@CLASS], e.g. vgg16-int8@gpu. PRECISION (bits of an activation on the backhaul):\n' +
    `  ${PRECISIONS.join(', ')} (default fp32). CLASS (cycles per MAC of a server core, F_n = cores x clock):\n${classes}\n` +
    'The input S_m is counted as raw 8-bit pixels (224x224x3 = 1.204 Mbit an image).\n' +
    '`mec profiles NAME` shows the split points; --json prints the profile to embed in a scenario\'s cnnProfiles.\n';
}

function splitTable(b: BuiltProfile): string {
  const rows = b.splits.map((s) => [String(s.k), s.name, shape(s.shape), num(s.activationMbit), num(s.reduction), num(s.cumulativeGmacs), num(s.gigacyclesPerMbit)]);
  return table(['k', 'split after', 'activation', 'Mbit', 'r^k', 'cum. G MACs', 'p^k Gc/Mbit'], rows) +
    `input ${num(b.inputMbit)} Mbit; whole network ${num(b.totalGmacs)} G MACs = ${num(b.profile.totalGigacyclesPerMbit!)} Gcycles/Mbit ` +
    `(${b.precision} activations, server class ${b.serverClass}, cycles per MAC: ${num(b.cyclesPerMac, 3)})\n`;
}

function layerTable(net: Network, splitNames: string[]): string {
  const splits = new Set(splitNames);
  let cumulative = 0;
  const rows = analyzeNetwork(net).map((r) => {
    cumulative += r.macs;
    return [`${'  '.repeat(r.depth)}${r.name}${splits.has(r.name) && r.depth === 0 ? ' *' : ''}`, r.type, shape(r.output),
      String(elements(r.output)), num(r.macs / 1e6), num(cumulative / 1e9), num(r.params / 1e6)];
  });
  return table(['layer (* = split point)', 'type', 'output', 'values', 'M MACs', 'cum. G MACs', 'M weights'], rows);
}

function table1Text(p: CnnProfile): string {
  return table(['k', 'r^k', 'p^k Gc/Mbit'], p.reduction.map((r, k) => [String(k + 1), num(r), num(p.gigacyclesPerMbit[k])])) + `${p.source}\n`;
}

function studyText(st: SplitStudy, what: string): string {
  const rows = st.choices.map((c) => [c.where, String(c.tasks), num((100 * c.tasks) / Math.max(1, st.tasks), 3)]);
  return `\nPA's plans on ${what}: ${st.tasks} tasks, ${st.deadlinesMet} meet their deadline; mean total latency ${num(st.meanTotalLatencyS)} s\n` +
    table(['where the task is cut', 'tasks', '%'], rows);
}

/** --scenario and --study: where PA cuts the network. */
function studies(flags: Flags, label: string, profile: CnnProfile): void {
  if (flags.scenario !== undefined) process.stdout.write(studyText(studyScenario(readDocument(flags.scenario), label, profile), flags.scenario));
  if (flags.study !== undefined) {
    const runs = parseNumberFlag('study', flags.study, 'int');
    const devices = parseNumberFlag('devices', flags.devices ?? '30', 'int');
    if (runs < 1) throw new InputError('must be at least 1', '--study');
    if (devices < 1) throw new InputError('must be at least 1', '--devices');
    process.stdout.write(studyText(studyDefaultScenarios(label, profile, runs, devices), `${runs} Table III scenarios (M = ${devices}, N = 2, seeds 1..${runs})`));
  }
}

interface Flags {
  precision?: string; serverClass?: string; utilisation?: string; splits?: string; arch?: string; layers?: boolean; json?: boolean;
  study?: string; devices?: string; scenario?: string;
}

function options(flags: Flags): ProfileOptions {
  const o: ProfileOptions = {};
  if (flags.precision !== undefined) {
    if (!(PRECISIONS as readonly string[]).includes(flags.precision)) throw new InputError(`unknown precision "${flags.precision}" (known: ${PRECISIONS.join(', ')})`, '--precision');
    o.precision = flags.precision as Precision;
  }
  if (flags.serverClass !== undefined) {
    if (!Object.hasOwn(SERVER_CLASSES, flags.serverClass)) throw new InputError(`unknown server class "${flags.serverClass}" (known: ${Object.keys(SERVER_CLASSES).join(', ')})`, '--server-class');
    o.serverClass = flags.serverClass;
  }
  if (flags.utilisation !== undefined) o.utilisation = parseNumberFlag('utilisation', flags.utilisation);
  if (flags.splits !== undefined) {
    o.splits = flags.splits === 'blocks' || flags.splits === 'all' ? flags.splits : flags.splits.split(',').map((s) => s.trim()).filter(Boolean);
  }
  return o;
}

export function registerProfilesCommand(program: Command): void {
  program.command('profiles')
    .description('cnn-coop CNN profiles: list the built-in ones, or show where a network can be split (r^k, p^k per split point)')
    .argument('[name]', `a profile (${Object.keys(NETWORKS).join(', ')}, table1; optional -fp16/-int8 and @class)`)
    .option('--precision <p>', `activation precision: ${PRECISIONS.join(', ')}`)
    .option('--server-class <c>', `cycles per MAC: ${Object.keys(SERVER_CLASSES).join(', ')}`)
    .option('--utilisation <u>', 'fraction of the peak MAC rate achieved, in (0, 1]')
    .option('--splits <list>', 'blocks (default), all, or comma-separated top-level layer names')
    .option('--arch <file>', 'compute the profile of your own architecture (JSON or YAML, see docs/profiles.md)')
    .option('--layers', 'also list every layer: output shape, MACs, weights')
    .option('--json', 'print only the profile as JSON (for a scenario\'s cnnProfiles)')
    .option('--scenario <file>', 'run PA on your cnn-coop scenario with this network on every server; count where it cuts')
    .option('--study <runs>', "run PA on this many seeded Table III scenarios (N = 2; device cost scaled to the network); count where it cuts")
    .option('--devices <n>', 'devices M of the --study scenarios', '30')
    .action((name: string | undefined, flags: Flags) => {
      const opts = options(flags);
      if (flags.arch !== undefined && name !== undefined) throw new InputError('give either a profile name or --arch, not both', '--arch');
      if (name === undefined && flags.arch === undefined) {
        if (Object.keys(opts).length > 0 || flags.layers || flags.json) throw new InputError('these options need a profile name or --arch', 'profiles');
        process.stdout.write(listProfiles());
        return;
      }
      if (name === 'table1') {
        if (Object.keys(opts).length > 0 || flags.layers) throw new InputError('table1 is a fixed table: no precision, class, splits or layers', 'profiles');
        process.stdout.write(flags.json ? toJson(TABLE1_PROFILE) : table1Text(TABLE1_PROFILE));
        if (!flags.json) studies(flags, name, TABLE1_PROFILE);
        return;
      }
      let net: Network;
      let built: BuiltProfile;
      if (flags.arch !== undefined) {
        net = parseNetwork(readDocument(flags.arch), flags.arch);
        built = buildProfile(net, opts);
      } else {
        const b = resolveBuilt(name!, opts);
        if (!b) throw new InputError(`unknown profile "${name}" (known: ${knownProfileNames().join(', ')}; add -fp16/-int8 or @class)`, 'profile');
        built = b;
        net = NETWORKS[parseProfileName(name!)!.network]();
      }
      if (flags.json) {
        process.stdout.write(toJson(built.profile));
        return;
      }
      process.stdout.write(`${net.description}\n${net.source}\n\n`);
      if (flags.layers) process.stdout.write(layerTable(net, built.profile.layerNames ?? []) + '\n');
      process.stdout.write(splitTable(built));
      studies(flags, name ?? net.name, built.profile);
    });
}
