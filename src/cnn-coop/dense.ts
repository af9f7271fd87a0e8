/**
 * Dense symmetric positive definite solves for the interior-point method's small systems (the
 * 4×4 pair blocks and the servers' Schur complement). Row-major n×n in a Float64Array.
 */

/** Overwrites the lower triangle of A with L (A = L·Lᵀ). A pivot that is not positive (a
 *  numerically singular matrix) is replaced by a tiny one, so the solve degrades instead of failing. */
export function choleskyInPlace(A: Float64Array, n: number): void {
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(A[i * n + i]));
  const floor = 1e-300 + 1e-16 * maxDiag;
  for (let j = 0; j < n; j++) {
    let djj = A[j * n + j];
    for (let k = 0; k < j; k++) djj -= A[j * n + k] * A[j * n + k];
    const ljj = Math.sqrt(Math.max(djj, floor));
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let v = A[i * n + j];
      for (let k = 0; k < j; k++) v -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = v / ljj;
    }
  }
}

/** Solves L·Lᵀ x = b in place (b becomes x), L from `choleskyInPlace`. */
export function choleskySolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let v = b[i];
    for (let k = 0; k < i; k++) v -= L[i * n + k] * b[k];
    b[i] = v / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = b[i];
    for (let k = i + 1; k < n; k++) v -= L[k * n + i] * b[k];
    b[i] = v / L[i * n + i];
  }
}
