import type { CnnProfile } from '../model.ts';
import { InputError } from '../../core/errors.ts';
import { analyzeNetwork, elements, type Network, type Shape } from './layers.ts';
import { BITS_PER_VALUE, DEFAULT_SERVER_CLASS, INPUT_BITS_PER_VALUE, PRECISIONS, SERVER_CLASSES, type Precision } from './hardware.ts';

/**
 * Network -> cnn-coop profile. With S = bits of the input image and, for split point k,
 * A_k = bits of the activation leaving it and M_k = MACs of every layer up to it:
 *   r^k = A_k / S                                     (may exceed 1: early activations are big)
 *   p^k = M_k * cyclesPerMac / S   in Gcycles per Mbit (1e9 cycles per 1e6 bits)
 *   totalGigacyclesPerMbit = (MACs of the whole network) * cyclesPerMac / S
 * Both are per input bit, so a task of S_m Mbit (several images) scales linearly, as the model
 * assumes.
 */
export interface ProfileOptions {
  /** Bits of each activation value sent over the backhaul (default fp32). */
  precision?: Precision;
  /** A key of SERVER_CLASSES (default "scalar"). */
  serverClass?: string;
  /** Fraction of the class's peak MAC rate achieved, in (0, 1] (default 1 = peak). */
  utilisation?: number;
  /** "blocks" (default): the network's block boundaries; "all": after every top-level layer; or names. */
  splits?: 'blocks' | 'all' | string[];
  /** Bits of one input value (default 8: raw pixels). */
  inputBitsPerValue?: number;
}

export interface SplitRow {
  /** 1-based split index k. */
  k: number;
  name: string;
  shape: Shape;
  activationMbit: number;
  reduction: number;
  cumulativeGmacs: number;
  gigacyclesPerMbit: number;
}

export interface BuiltProfile {
  profile: CnnProfile;
  splits: SplitRow[];
  inputMbit: number;
  totalGmacs: number;
  cyclesPerMac: number;
  precision: Precision;
  serverClass: string;
}

export function buildProfile(net: Network, opts: ProfileOptions = {}): BuiltProfile {
  const precision = opts.precision ?? 'fp32';
  if (!PRECISIONS.includes(precision)) throw new InputError(`unknown precision "${precision}" (known: ${PRECISIONS.join(', ')})`, 'precision');
  const className = opts.serverClass ?? DEFAULT_SERVER_CLASS;
  const serverClass = Object.hasOwn(SERVER_CLASSES, className) ? SERVER_CLASSES[className] : undefined;
  if (!serverClass) throw new InputError(`unknown server class "${className}" (known: ${Object.keys(SERVER_CLASSES).join(', ')})`, 'serverClass');
  const utilisation = opts.utilisation ?? 1;
  if (!(utilisation > 0 && utilisation <= 1)) throw new InputError(`must be in (0, 1], got ${utilisation}`, 'utilisation');
  const inputBits = opts.inputBitsPerValue ?? INPUT_BITS_PER_VALUE;
  if (!(inputBits > 0)) throw new InputError(`must be > 0, got ${inputBits}`, 'inputBitsPerValue');
  const cyclesPerMac = serverClass.cyclesPerMac[precision] / utilisation;

  const rows = analyzeNetwork(net);
  const inputMbit = (elements(net.input) * inputBits) / 1e6;
  // cumulative MACs at the end of each top-level layer (inner rows of a residual block precede its add row)
  let running = 0;
  const topLevel: Array<{ name: string; type: string; shape: Shape; cumulativeMacs: number }> = [];
  for (const row of rows) {
    running += row.macs;
    if (row.depth === 0) topLevel.push({ name: row.name, type: row.type, shape: row.output, cumulativeMacs: running });
  }
  const totalMacs = running;
  const candidates = topLevel.slice(0, -1); // the output layer is "all at the edge", not a split

  let chosen: typeof candidates;
  const splits = opts.splits ?? 'blocks';
  if (splits === 'all') {
    // a layer that changes neither the tensor nor the work (flatten, an identity pool) repeats the point before it
    chosen = candidates.filter((c, i) => i === 0 || elements(c.shape) !== elements(candidates[i - 1].shape) || c.cumulativeMacs !== candidates[i - 1].cumulativeMacs);
  } else {
    const names = splits === 'blocks' ? net.blocks : splits;
    if (names.length === 0) throw new InputError('needs at least one split point', 'splits');
    const index = new Map(candidates.map((c, i) => [c.name, i]));
    const positions = names.map((n) => {
      const i = index.get(n);
      if (i === undefined) {
        throw new InputError(`"${n}" is not a top-level layer of ${net.name} before its output (known: ${candidates.map((c) => c.name).join(', ')})`, 'splits');
      }
      return i;
    });
    positions.forEach((p, i) => {
      if (i > 0 && p <= positions[i - 1]) throw new InputError(`split points must be distinct and in network order ("${names[i]}" after "${names[i - 1]}")`, 'splits');
    });
    chosen = positions.map((p) => candidates[p]);
  }

  const bitsPerValue = BITS_PER_VALUE[precision];
  const splitRows: SplitRow[] = chosen.map((c, i) => {
    const activationMbit = (elements(c.shape) * bitsPerValue) / 1e6;
    return {
      k: i + 1,
      name: c.name,
      shape: c.shape,
      activationMbit,
      reduction: activationMbit / inputMbit,
      cumulativeGmacs: c.cumulativeMacs / 1e9,
      // Gcycles per Mbit: (MACs * cycles/MAC / 1e9) / (bits / 1e6)
      gigacyclesPerMbit: (c.cumulativeMacs * cyclesPerMac) / 1e9 / inputMbit,
    };
  });
  const where = [precision, className === DEFAULT_SERVER_CLASS ? '' : className,
    utilisation === 1 ? '' : `${utilisation} utilisation`].filter(Boolean).join(', ');
  return {
    profile: {
      reduction: splitRows.map((s) => s.reduction),
      gigacyclesPerMbit: splitRows.map((s) => s.gigacyclesPerMbit),
      totalGigacyclesPerMbit: (totalMacs * cyclesPerMac) / 1e9 / inputMbit,
      source: `${net.description}; computed from layer shapes (${where}, ${cyclesPerMac.toPrecision(3)} cycles/MAC, ` +
        `input ${net.input.channels}x${net.input.height}x${net.input.width} at ${inputBits} bit = ${inputMbit.toPrecision(4)} Mbit); ${net.source}`,
      layerNames: splitRows.map((s) => s.name),
    },
    splits: splitRows,
    inputMbit,
    totalGmacs: totalMacs / 1e9,
    cyclesPerMac,
    precision,
    serverClass: className,
  };
}
