/**
 * The 7×7 pair blocks of the cone IPM's Newton system (rlt-ipm-kkt.ts): Cholesky factor and
 * solves, on the lower triangle packed row by row (28 doubles, (i, j) at i(i+1)/2 + j, j ≤ i).
 * Unrolled into locals because at the fleet size they run for 50,000 pairs several times per
 * iteration and the looped, indexed form spent most of its time on typed-array loads and index
 * arithmetic. The factor keeps the reciprocals of its diagonal, so that the solves multiply where
 * they divided: forward and back substitution are chains of dependent operations, and a division's
 * latency is several multiplications'. (The pivot is floored as in dense.ts.)
 */
/**
 * In-place Cholesky of the packed block at A[o..o+27]: A = L·Lᵀ, L written over it with each
 * diagonal entry stored as its reciprocal 1/L_ii.
 */
export function chol7(A: Float64Array, o: number): void {
  const a00 = A[o + 0];
  const a10 = A[o + 1], a11 = A[o + 2];
  const a20 = A[o + 3], a21 = A[o + 4], a22 = A[o + 5];
  const a30 = A[o + 6], a31 = A[o + 7], a32 = A[o + 8], a33 = A[o + 9];
  const a40 = A[o + 10], a41 = A[o + 11], a42 = A[o + 12], a43 = A[o + 13], a44 = A[o + 14];
  const a50 = A[o + 15], a51 = A[o + 16], a52 = A[o + 17], a53 = A[o + 18], a54 = A[o + 19], a55 = A[o + 20];
  const a60 = A[o + 21], a61 = A[o + 22], a62 = A[o + 23], a63 = A[o + 24], a64 = A[o + 25], a65 = A[o + 26], a66 = A[o + 27];
  const floor = 1e-300 + 1e-16 * Math.max(Math.abs(a00), Math.abs(a11), Math.abs(a22), Math.abs(a33), Math.abs(a44), Math.abs(a55), Math.abs(a66));
  const d0 = 1 / Math.sqrt(Math.max(a00, floor));
  const l10 = a10 * d0;
  const l20 = a20 * d0;
  const l30 = a30 * d0;
  const l40 = a40 * d0;
  const l50 = a50 * d0;
  const l60 = a60 * d0;
  const d1 = 1 / Math.sqrt(Math.max(a11 - l10 * l10, floor));
  const l21 = (a21 - l20 * l10) * d1;
  const l31 = (a31 - l30 * l10) * d1;
  const l41 = (a41 - l40 * l10) * d1;
  const l51 = (a51 - l50 * l10) * d1;
  const l61 = (a61 - l60 * l10) * d1;
  const d2 = 1 / Math.sqrt(Math.max(a22 - l20 * l20 - l21 * l21, floor));
  const l32 = (a32 - l30 * l20 - l31 * l21) * d2;
  const l42 = (a42 - l40 * l20 - l41 * l21) * d2;
  const l52 = (a52 - l50 * l20 - l51 * l21) * d2;
  const l62 = (a62 - l60 * l20 - l61 * l21) * d2;
  const d3 = 1 / Math.sqrt(Math.max(a33 - l30 * l30 - l31 * l31 - l32 * l32, floor));
  const l43 = (a43 - l40 * l30 - l41 * l31 - l42 * l32) * d3;
  const l53 = (a53 - l50 * l30 - l51 * l31 - l52 * l32) * d3;
  const l63 = (a63 - l60 * l30 - l61 * l31 - l62 * l32) * d3;
  const d4 = 1 / Math.sqrt(Math.max(a44 - l40 * l40 - l41 * l41 - l42 * l42 - l43 * l43, floor));
  const l54 = (a54 - l50 * l40 - l51 * l41 - l52 * l42 - l53 * l43) * d4;
  const l64 = (a64 - l60 * l40 - l61 * l41 - l62 * l42 - l63 * l43) * d4;
  const d5 = 1 / Math.sqrt(Math.max(a55 - l50 * l50 - l51 * l51 - l52 * l52 - l53 * l53 - l54 * l54, floor));
  const l65 = (a65 - l60 * l50 - l61 * l51 - l62 * l52 - l63 * l53 - l64 * l54) * d5;
  const d6 = 1 / Math.sqrt(Math.max(a66 - l60 * l60 - l61 * l61 - l62 * l62 - l63 * l63 - l64 * l64 - l65 * l65, floor));
  A[o + 0] = d0;
  A[o + 1] = l10; A[o + 2] = d1;
  A[o + 3] = l20; A[o + 4] = l21; A[o + 5] = d2;
  A[o + 6] = l30; A[o + 7] = l31; A[o + 8] = l32; A[o + 9] = d3;
  A[o + 10] = l40; A[o + 11] = l41; A[o + 12] = l42; A[o + 13] = l43; A[o + 14] = d4;
  A[o + 15] = l50; A[o + 16] = l51; A[o + 17] = l52; A[o + 18] = l53; A[o + 19] = l54; A[o + 20] = d5;
  A[o + 21] = l60; A[o + 22] = l61; A[o + 23] = l62; A[o + 24] = l63; A[o + 25] = l64; A[o + 26] = l65; A[o + 27] = d6;
}
/** Solves L·Lᵀ x = b for the packed factor at L[o..] (from chol7), b at x[xo..xo+6] (overwritten). */
export function solve7(L: Float64Array, o: number, x: Float64Array, xo: number): void {
  const d0 = L[o + 0];
  const l10 = L[o + 1], d1 = L[o + 2];
  const l20 = L[o + 3], l21 = L[o + 4], d2 = L[o + 5];
  const l30 = L[o + 6], l31 = L[o + 7], l32 = L[o + 8], d3 = L[o + 9];
  const l40 = L[o + 10], l41 = L[o + 11], l42 = L[o + 12], l43 = L[o + 13], d4 = L[o + 14];
  const l50 = L[o + 15], l51 = L[o + 16], l52 = L[o + 17], l53 = L[o + 18], l54 = L[o + 19], d5 = L[o + 20];
  const l60 = L[o + 21], l61 = L[o + 22], l62 = L[o + 23], l63 = L[o + 24], l64 = L[o + 25], l65 = L[o + 26], d6 = L[o + 27];
  const f0 = x[xo + 0] * d0;
  const f1 = (x[xo + 1] - l10 * f0) * d1;
  const f2 = (x[xo + 2] - l20 * f0 - l21 * f1) * d2;
  const f3 = (x[xo + 3] - l30 * f0 - l31 * f1 - l32 * f2) * d3;
  const f4 = (x[xo + 4] - l40 * f0 - l41 * f1 - l42 * f2 - l43 * f3) * d4;
  const f5 = (x[xo + 5] - l50 * f0 - l51 * f1 - l52 * f2 - l53 * f3 - l54 * f4) * d5;
  const f6 = (x[xo + 6] - l60 * f0 - l61 * f1 - l62 * f2 - l63 * f3 - l64 * f4 - l65 * f5) * d6;
  const x6 = f6 * d6;
  const x5 = (f5 - l65 * x6) * d5;
  const x4 = (f4 - l54 * x5 - l64 * x6) * d4;
  const x3 = (f3 - l43 * x4 - l53 * x5 - l63 * x6) * d3;
  const x2 = (f2 - l32 * x3 - l42 * x4 - l52 * x5 - l62 * x6) * d2;
  const x1 = (f1 - l21 * x2 - l31 * x3 - l41 * x4 - l51 * x5 - l61 * x6) * d1;
  const x0 = (f0 - l10 * x1 - l20 * x2 - l30 * x3 - l40 * x4 - l50 * x5 - l60 * x6) * d0;
  x[xo + 0] = x0; x[xo + 1] = x1; x[xo + 2] = x2; x[xo + 3] = x3; x[xo + 4] = x4; x[xo + 5] = x5; x[xo + 6] = x6;
}
function unit0(L: Float64Array, o: number, x: Float64Array, xo: number): void {
  const d0 = L[o + 0];
  const l10 = L[o + 1], d1 = L[o + 2];
  const l20 = L[o + 3], l21 = L[o + 4], d2 = L[o + 5];
  const l30 = L[o + 6], l31 = L[o + 7], l32 = L[o + 8], d3 = L[o + 9];
  const l40 = L[o + 10], l41 = L[o + 11], l42 = L[o + 12], l43 = L[o + 13], d4 = L[o + 14];
  const l50 = L[o + 15], l51 = L[o + 16], l52 = L[o + 17], l53 = L[o + 18], l54 = L[o + 19], d5 = L[o + 20];
  const l60 = L[o + 21], l61 = L[o + 22], l62 = L[o + 23], l63 = L[o + 24], l64 = L[o + 25], l65 = L[o + 26], d6 = L[o + 27];
  const f0 = d0;
  const f1 = (-l10 * f0) * d1;
  const f2 = (-l20 * f0 - l21 * f1) * d2;
  const f3 = (-l30 * f0 - l31 * f1 - l32 * f2) * d3;
  const f4 = (-l40 * f0 - l41 * f1 - l42 * f2 - l43 * f3) * d4;
  const f5 = (-l50 * f0 - l51 * f1 - l52 * f2 - l53 * f3 - l54 * f4) * d5;
  const f6 = (-l60 * f0 - l61 * f1 - l62 * f2 - l63 * f3 - l64 * f4 - l65 * f5) * d6;
  const x6 = f6 * d6;
  const x5 = (f5 - l65 * x6) * d5;
  const x4 = (f4 - l54 * x5 - l64 * x6) * d4;
  const x3 = (f3 - l43 * x4 - l53 * x5 - l63 * x6) * d3;
  const x2 = (f2 - l32 * x3 - l42 * x4 - l52 * x5 - l62 * x6) * d2;
  const x1 = (f1 - l21 * x2 - l31 * x3 - l41 * x4 - l51 * x5 - l61 * x6) * d1;
  const x0 = (f0 - l10 * x1 - l20 * x2 - l30 * x3 - l40 * x4 - l50 * x5 - l60 * x6) * d0;
  x[xo + 0] = x0; x[xo + 1] = x1; x[xo + 2] = x2; x[xo + 3] = x3; x[xo + 4] = x4; x[xo + 5] = x5; x[xo + 6] = x6;
}
function unit1(L: Float64Array, o: number, x: Float64Array, xo: number): void {
  const d0 = L[o + 0];
  const l10 = L[o + 1], d1 = L[o + 2];
  const l20 = L[o + 3], l21 = L[o + 4], d2 = L[o + 5];
  const l30 = L[o + 6], l31 = L[o + 7], l32 = L[o + 8], d3 = L[o + 9];
  const l40 = L[o + 10], l41 = L[o + 11], l42 = L[o + 12], l43 = L[o + 13], d4 = L[o + 14];
  const l50 = L[o + 15], l51 = L[o + 16], l52 = L[o + 17], l53 = L[o + 18], l54 = L[o + 19], d5 = L[o + 20];
  const l60 = L[o + 21], l61 = L[o + 22], l62 = L[o + 23], l63 = L[o + 24], l64 = L[o + 25], l65 = L[o + 26], d6 = L[o + 27];
  const f0 = 0;
  const f1 = d1;
  const f2 = (-l21 * f1) * d2;
  const f3 = (-l31 * f1 - l32 * f2) * d3;
  const f4 = (-l41 * f1 - l42 * f2 - l43 * f3) * d4;
  const f5 = (-l51 * f1 - l52 * f2 - l53 * f3 - l54 * f4) * d5;
  const f6 = (-l61 * f1 - l62 * f2 - l63 * f3 - l64 * f4 - l65 * f5) * d6;
  const x6 = f6 * d6;
  const x5 = (f5 - l65 * x6) * d5;
  const x4 = (f4 - l54 * x5 - l64 * x6) * d4;
  const x3 = (f3 - l43 * x4 - l53 * x5 - l63 * x6) * d3;
  const x2 = (f2 - l32 * x3 - l42 * x4 - l52 * x5 - l62 * x6) * d2;
  const x1 = (f1 - l21 * x2 - l31 * x3 - l41 * x4 - l51 * x5 - l61 * x6) * d1;
  const x0 = (f0 - l10 * x1 - l20 * x2 - l30 * x3 - l40 * x4 - l50 * x5 - l60 * x6) * d0;
  x[xo + 0] = x0; x[xo + 1] = x1; x[xo + 2] = x2; x[xo + 3] = x3; x[xo + 4] = x4; x[xo + 5] = x5; x[xo + 6] = x6;
}
function unit2(L: Float64Array, o: number, x: Float64Array, xo: number): void {
  const d0 = L[o + 0];
  const l10 = L[o + 1], d1 = L[o + 2];
  const l20 = L[o + 3], l21 = L[o + 4], d2 = L[o + 5];
  const l30 = L[o + 6], l31 = L[o + 7], l32 = L[o + 8], d3 = L[o + 9];
  const l40 = L[o + 10], l41 = L[o + 11], l42 = L[o + 12], l43 = L[o + 13], d4 = L[o + 14];
  const l50 = L[o + 15], l51 = L[o + 16], l52 = L[o + 17], l53 = L[o + 18], l54 = L[o + 19], d5 = L[o + 20];
  const l60 = L[o + 21], l61 = L[o + 22], l62 = L[o + 23], l63 = L[o + 24], l64 = L[o + 25], l65 = L[o + 26], d6 = L[o + 27];
  const f0 = 0;
  const f1 = 0;
  const f2 = d2;
  const f3 = (-l32 * f2) * d3;
  const f4 = (-l42 * f2 - l43 * f3) * d4;
  const f5 = (-l52 * f2 - l53 * f3 - l54 * f4) * d5;
  const f6 = (-l62 * f2 - l63 * f3 - l64 * f4 - l65 * f5) * d6;
  const x6 = f6 * d6;
  const x5 = (f5 - l65 * x6) * d5;
  const x4 = (f4 - l54 * x5 - l64 * x6) * d4;
  const x3 = (f3 - l43 * x4 - l53 * x5 - l63 * x6) * d3;
  const x2 = (f2 - l32 * x3 - l42 * x4 - l52 * x5 - l62 * x6) * d2;
  const x1 = (f1 - l21 * x2 - l31 * x3 - l41 * x4 - l51 * x5 - l61 * x6) * d1;
  const x0 = (f0 - l10 * x1 - l20 * x2 - l30 * x3 - l40 * x4 - l50 * x5 - l60 * x6) * d0;
  x[xo + 0] = x0; x[xo + 1] = x1; x[xo + 2] = x2; x[xo + 3] = x3; x[xo + 4] = x4; x[xo + 5] = x5; x[xo + 6] = x6;
}
function unit3(L: Float64Array, o: number, x: Float64Array, xo: number): void {
  const d0 = L[o + 0];
  const l10 = L[o + 1], d1 = L[o + 2];
  const l20 = L[o + 3], l21 = L[o + 4], d2 = L[o + 5];
  const l30 = L[o + 6], l31 = L[o + 7], l32 = L[o + 8], d3 = L[o + 9];
  const l40 = L[o + 10], l41 = L[o + 11], l42 = L[o + 12], l43 = L[o + 13], d4 = L[o + 14];
  const l50 = L[o + 15], l51 = L[o + 16], l52 = L[o + 17], l53 = L[o + 18], l54 = L[o + 19], d5 = L[o + 20];
  const l60 = L[o + 21], l61 = L[o + 22], l62 = L[o + 23], l63 = L[o + 24], l64 = L[o + 25], l65 = L[o + 26], d6 = L[o + 27];
  const f0 = 0;
  const f1 = 0;
  const f2 = 0;
  const f3 = d3;
  const f4 = (-l43 * f3) * d4;
  const f5 = (-l53 * f3 - l54 * f4) * d5;
  const f6 = (-l63 * f3 - l64 * f4 - l65 * f5) * d6;
  const x6 = f6 * d6;
  const x5 = (f5 - l65 * x6) * d5;
  const x4 = (f4 - l54 * x5 - l64 * x6) * d4;
  const x3 = (f3 - l43 * x4 - l53 * x5 - l63 * x6) * d3;
  const x2 = (f2 - l32 * x3 - l42 * x4 - l52 * x5 - l62 * x6) * d2;
  const x1 = (f1 - l21 * x2 - l31 * x3 - l41 * x4 - l51 * x5 - l61 * x6) * d1;
  const x0 = (f0 - l10 * x1 - l20 * x2 - l30 * x3 - l40 * x4 - l50 * x5 - l60 * x6) * d0;
  x[xo + 0] = x0; x[xo + 1] = x1; x[xo + 2] = x2; x[xo + 3] = x3; x[xo + 4] = x4; x[xo + 5] = x5; x[xo + 6] = x6;
}

/**
 * Solves L·Lᵀ x = e_k (k ≤ 3) into x[xo..xo+6]: the forward pass starts at row k, the x above it
 * being 0.
 */
export function solve7Unit(L: Float64Array, o: number, x: Float64Array, xo: number, k: number): void {
  if (k === 0) unit0(L, o, x, xo);
  else if (k === 1) unit1(L, o, x, xo);
  else if (k === 2) unit2(L, o, x, xo);
  else unit3(L, o, x, xo);
}
