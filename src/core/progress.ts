/**
 * A progress bar on stderr (stdout stays clean for data). Draws only on a terminal; elsewhere it
 * prints a line at every 10 %, so CI logs show progress without carriage-return noise.
 */
export class Progress {
  private done = 0;
  private lastDecile = -1;
  private readonly start = Date.now();
  constructor(private readonly total: number, private readonly label: string, private readonly enabled = true) {}

  tick(n = 1): void {
    this.done += n;
    if (!this.enabled || this.total === 0) return;
    const frac = Math.min(1, this.done / this.total);
    const elapsedS = (Date.now() - this.start) / 1000;
    const etaS = frac > 0 ? (elapsedS / frac) * (1 - frac) : 0;
    if (process.stderr.isTTY) {
      const width = 30;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      process.stderr.write(`\r${this.label} [${bar}] ${this.done}/${this.total} ${elapsedS.toFixed(0)}s eta ${etaS.toFixed(0)}s `);
      if (this.done >= this.total) process.stderr.write('\n');
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== this.lastDecile) {
        this.lastDecile = decile;
        process.stderr.write(`${this.label}: ${this.done}/${this.total} (${elapsedS.toFixed(1)} s)\n`);
      }
    }
  }
}
