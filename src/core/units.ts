/** Unit conversions. Names say the unit; every physical quantity in the project carries one. */

export const dbmToW = (dbm: number): number => 10 ** ((dbm - 30) / 10);
export const wToDbm = (w: number): number => 10 * Math.log10(w) + 30;
export const dbToLinear = (db: number): number => 10 ** (db / 10);
export const linearToDb = (x: number): number => 10 * Math.log10(x);

export const MEGA = 1e6;
export const GIGA = 1e9;
