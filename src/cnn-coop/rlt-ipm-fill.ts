/**
 * The server matrix's fill-in in the cone IPM's factorisation (rlt-ipm-kkt.ts): each device
 * subtracts its rank-2 term from the upper triangle of the K×K matrix S.
 */
export const FILL_BATCH = 4;

/** S −= e·fᵀ over the upper triangle for one device reaching every column (its columns at offset c). */
export function fillFull(S: Float64Array, K: number, c: number, e1: Float64Array, e2: Float64Array, f1: Float64Array, f2: Float64Array): void {
  for (let x = 0; x < K; x++) {
    const row = x * K, v1 = e1[c + x], v2 = e2[c + x];
    for (let y = x; y < K; y++) S[row + y] -= v1 * f1[c + y] + v2 * f2[c + y];
  }
}

/** fillFull for FILL_BATCH = 4 devices at offsets 0, C, 2C, 3C, in that order, in one sweep over S. */
export function fillBatch(S: Float64Array, K: number, C: number, e1: Float64Array, e2: Float64Array, f1: Float64Array, f2: Float64Array): void {
  const C2 = 2 * C, C3 = 3 * C;
  for (let x = 0; x < K; x++) {
    const row = x * K;
    const a1 = e1[x], a2 = e2[x], b1 = e1[C + x], b2 = e2[C + x], c1 = e1[C2 + x], c2 = e2[C2 + x], d1 = e1[C3 + x], d2 = e2[C3 + x];
    for (let y = x; y < K; y++) {
      let v = S[row + y];
      v -= a1 * f1[y] + a2 * f2[y];
      v -= b1 * f1[C + y] + b2 * f2[C + y];
      v -= c1 * f1[C2 + y] + c2 * f2[C2 + y];
      v -= d1 * f1[C3 + y] + d2 * f2[C3 + y];
      S[row + y] = v;
    }
  }
}
