import { byId } from './dom.ts';

/** The Live tab (filled in by the control-plane view). */
export async function initLive(): Promise<void> {
  byId('live-status').textContent = 'No control plane here.';
}
