/**
 * What turns MACs into the cnn-coop model's "cycles": a cycles-per-MAC factor per server class,
 * and the bits an activation value takes at each precision.
 *
 * The model's server speed F_n is in GHz (1e9 cycles/s) and the paper's servers have 600-800
 * GHz: an aggregate over many cores. A factor below is therefore cycles of ONE core (or one
 * CUDA core) per MAC at its peak rate; F_n is read as cores x clock. Peak rates overstate what a
 * CNN achieves (memory traffic, im2col, depthwise layers); divide by a utilisation factor when
 * you know yours (ProfileOptions.utilisation).
 */

export const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

export const BITS_PER_VALUE: Record<Precision, number> = { fp32: 32, fp16: 16, int8: 8 };

export interface ServerClass {
  name: string;
  description: string;
  cyclesPerMac: Record<Precision, number>;
  /** Why these numbers. */
  basis: string;
}

export const SERVER_CLASSES: Record<string, ServerClass> = {
  scalar: {
    name: 'scalar',
    description: 'one MAC per cycle at every precision (F_n in GHz reads as G MAC/s)',
    cyclesPerMac: { fp32: 1, fp16: 1, int8: 1 },
    basis: 'a scalar multiply-add unit; the neutral reading, and the one whose p^k land on the scale of the paper\'s Table I',
  },
  gpu: {
    name: 'gpu',
    description: 'a CUDA core: 1 fp32 FMA, 2 fp16 (half2) or 4 int8 (dp4a) MACs per cycle',
    cyclesPerMac: { fp32: 1, fp16: 0.5, int8: 0.25 },
    basis: 'NVIDIA CUDA cores (Pascal and later): FFMA = 1 MAC/cycle, HFMA2 = 2, DP4A = 4 int8 MACs with int32 accumulate; tensor cores not counted',
  },
  'cpu-avx512': {
    name: 'cpu-avx512',
    description: 'an x86 core with two AVX-512 FMA units: 32 fp32, 64 fp16, 128 int8 MACs per cycle',
    cyclesPerMac: { fp32: 1 / 32, fp16: 1 / 64, int8: 1 / 128 },
    basis: '2 FMA ports x 512-bit lanes: 16 fp32 (VFMADD), 32 fp16 (AVX512-FP16) or 64 int8 (VNNI VPDPBUSD, 4 products a 32-bit lane) per port and cycle',
  },
};

export const DEFAULT_SERVER_CLASS = 'scalar';

/**
 * The input the device uploads, S_m, is counted as raw 8-bit pixels: an uncompressed 224x224 RGB
 * image is 1.204 Mbit. Activations are counted at the chosen precision, so at fp32 the same
 * number of values is 4 times as many bits as the image it came from.
 */
export const INPUT_BITS_PER_VALUE = 8;
