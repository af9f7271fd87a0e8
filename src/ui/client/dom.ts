/** Tiny DOM helpers: the page is small enough to need no framework. */
type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | number | null | undefined | false;

/** Creates an element; attributes set as given (false/null/undefined left out), children appended. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

/** A number for the page: 6 significant digits, with the unit. */
export function fmt(value: number | null, unit = ''): string {
  if (value === null) return '–';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const text = abs !== 0 && (abs >= 1e7 || abs < 1e-4) ? value.toExponential(4) : String(Number(value.toPrecision(6)));
  return unit ? `${text} ${unit}` : text;
}

export function pct(value: number | null): string {
  return value === null ? '–' : `${Number((value * 100).toPrecision(3))} %`;
}
