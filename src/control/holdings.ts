/**
 * Which device ids each device token holds (admitted through an agent, or stored), so one
 * token cannot create device ids without bound (`--max-devices-per-token`): a `sim-*` token
 * could otherwise fill the controller's state with made-up ids.
 */
export class DeviceHoldings {
  private readonly byToken = new Map<string, Set<string>>();

  constructor(private readonly max: number) {}

  private of(tokenId: string): Set<string> {
    let set = this.byToken.get(tokenId);
    if (!set) this.byToken.set(tokenId, (set = new Set()));
    return set;
  }

  /** Lets `tokenId` hold `deviceId`; an error message when the token already holds its maximum. */
  claim(tokenId: string, deviceId: string): string | null {
    const held = this.of(tokenId);
    if (held.has(deviceId)) return null;
    if (this.max > 0 && held.size >= this.max) return `this token already holds ${held.size} devices (--max-devices-per-token ${this.max})`;
    held.add(deviceId);
    return null;
  }

  /** Records a holding without the limit (devices reloaded from the database). */
  restore(tokenId: string, deviceId: string): void {
    this.of(tokenId).add(deviceId);
  }

  release(deviceId: string): void {
    for (const held of this.byToken.values()) held.delete(deviceId);
  }
}
