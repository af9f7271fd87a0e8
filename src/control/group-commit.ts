/**
 * Group commit: units of work (report batches) queued until a window has passed since the first
 * one, then handed over together, so they share one transaction (one fsync). Agents forward what
 * their devices send at once, so 1,000 devices reporting once a second reach the controller as
 * hundreds of small batches a second; committed one batch per event-loop turn they took 11.4 s of
 * the controller's main thread in a 20 s bench window (CPU profile, 2026-12-04 08:30 UTC), which
 * then delayed the plan's hand-over and push. The window costs each report that much more before
 * its acknowledgement; `maxItems` queued items are handed over without waiting it out.
 */
export class GroupCommit<U extends { items: unknown[] }> {
  private pending: U[] = [];
  private items = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly windowMs: number, private readonly maxItems: number, private readonly commit: (units: U[]) => void) {}

  add(unit: U): void {
    this.pending.push(unit);
    this.items += unit.items.length;
    const full = this.items >= this.maxItems;
    if (full && this.timer) {
      // enough for one transaction: no need to wait out the window
      clearTimeout(this.timer);
      this.timer = null;
      this.scheduled = false;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.windowMs > 0 && !full) this.timer = setTimeout(() => this.flush(), this.windowMs);
    else setImmediate(() => this.flush());
  }

  /** Hands over what is queued now (also on stop). */
  flush(): void {
    this.scheduled = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.items = 0;
    const units = this.pending;
    this.pending = [];
    if (units.length > 0) this.commit(units);
  }
}
