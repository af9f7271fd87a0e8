import { dbToLinear } from './units.ts';

/** Log-distance path loss: PL(dB) = intercept + slope·log10(d in `distanceUnit`). */
export interface PathLossModel {
  interceptDb: number;
  slopeDb: number;
  distanceUnit: 'm' | 'km';
  /** Distances below this are floored, so a device on top of a server keeps a finite gain. */
  minDistanceM: number;
}

export const distanceM = (ax: number, ay: number, bx: number, by: number): number => Math.hypot(ax - bx, ay - by);

export function pathLossDb(dM: number, model: PathLossModel): number {
  const d = Math.max(dM, model.minDistanceM);
  const inUnit = model.distanceUnit === 'km' ? d / 1000 : d;
  return model.interceptDb + model.slopeDb * Math.log10(inUnit);
}

/** Linear power gain (≤ 1 for any realistic distance) from the path-loss model. */
export const channelGain = (dM: number, model: PathLossModel): number => dbToLinear(-pathLossDb(dM, model));

/** Shannon rate in Mbit/s for a bandwidth in MHz: B·log2(1 + SNR). */
export const shannonRateMbps = (bandwidthMHz: number, snr: number): number => bandwidthMHz * Math.log2(1 + snr);

/** The same in bit/s for a bandwidth in Hz. */
export const shannonRateBps = (bandwidthHz: number, snr: number): number => bandwidthHz * Math.log2(1 + snr);
