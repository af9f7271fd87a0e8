import type { SolveResponse, SystemInfo } from '../view/types.ts';
import { ApiError, getJson, postJson } from './api.ts';
import { byId, h } from './dom.ts';
import { comparisonTable, jsonLink, placesOf, renderPlan } from './plan-panel.ts';

/**
 * The Plan tab: a scenario (generated on the server from a seed, or opened from a file), one or
 * two algorithms, and the solved plans side by side. Solving happens on the server, through the
 * same code as `mec solve` and the system's independent checker.
 */
interface Loaded {
  system: string;
  scenario: unknown;
  summary: { text: string; devices: number };
}

let systems: SystemInfo[] = [];
let loaded: Loaded | null = null;

const el = {
  system: () => byId<HTMLSelectElement>('system'),
  seed: () => byId<HTMLInputElement>('seed'),
  options: () => byId<HTMLFieldSetElement>('generate-options'),
  summary: () => byId('scenario-summary'),
  algorithmA: () => byId<HTMLSelectElement>('algorithm-a'),
  algorithmB: () => byId<HTMLSelectElement>('algorithm-b'),
  solve: () => byId<HTMLButtonElement>('solve'),
  error: () => byId('plan-error'),
  plans: () => byId('plans'),
  comparison: () => byId('comparison'),
  note: () => byId('algorithm-note'),
  bound: () => byId<HTMLInputElement>('bound'),
  boundLabel: () => byId('bound-label'),
};

function showError(err: unknown): void {
  const e = el.error();
  e.hidden = false;
  e.textContent = err instanceof ApiError ? `${err.message}` : `Error: ${(err as Error).message}`;
}

function clearError(): void {
  el.error().hidden = true;
  el.error().textContent = '';
}

const current = (): SystemInfo => systems.find((s) => s.name === el.system().value) ?? systems[0];

function fillOptions(): void {
  const sys = current();
  el.options().replaceChildren(h('legend', {}, `Generator options (as \`mec generate ${sys.name}\`)`),
    ...sys.generateOptions.map((o) => h('label', { title: o.description }, o.description,
      h('input', { name: o.flag, 'data-option': o.flag, type: o.type === 'string' ? 'text' : 'number', step: o.type === 'int' ? '1' : 'any', value: String(o.default), 'aria-label': `${o.description} (--${o.flag})` }))));
}

function fillAlgorithms(systemName: string): void {
  const sys = systems.find((s) => s.name === systemName)!;
  const options = (withNone: boolean) => [
    ...(withNone ? [h('option', { value: '' }, '(none)')] : []),
    ...sys.algorithms.map((a) => h('option', { value: a.name, title: a.description }, `${a.name}${a.name === sys.defaultAlgorithm ? ' (default)' : ''}${a.maxSize !== null ? ` (size ≤ ${a.maxSize})` : ''}`)),
  ];
  el.algorithmA().replaceChildren(...options(false));
  el.algorithmA().value = sys.defaultAlgorithm;
  el.algorithmB().replaceChildren(...options(true));
  el.boundLabel().hidden = !sys.bound;
  el.bound().checked = false;
  describeAlgorithms();
}

function describeAlgorithms(): void {
  const sys = systems.find((s) => s.name === loaded?.system) ?? current();
  const a = sys.algorithms.find((x) => x.name === el.algorithmA().value);
  const b = sys.algorithms.find((x) => x.name === el.algorithmB().value);
  el.note().textContent = [a, b].filter(Boolean).map((x) => `${x!.name}: ${x!.description}`).join(' — ');
}

function setScenario(next: Loaded): void {
  loaded = next;
  el.summary().replaceChildren(`${next.system}: ${next.summary.text} `, jsonLink(next.scenario, `${next.system}-scenario.json`, '(scenario JSON)'));
  el.summary().dataset.devices = String(next.summary.devices);
  // counts scenarios loaded, so a test (or a script) can tell a new one from the same one again
  el.summary().dataset.loaded = String(Number(el.summary().dataset.loaded ?? 0) + 1);
  fillAlgorithms(next.system);
  el.solve().disabled = false;
  el.plans().replaceChildren();
  el.comparison().replaceChildren();
}

async function generate(): Promise<void> {
  clearError();
  const options: Record<string, number | string> = { seed: Number(el.seed().value) };
  for (const input of el.options().querySelectorAll<HTMLInputElement>('input[data-option]')) {
    options[input.dataset.option!] = input.type === 'number' ? Number(input.value) : input.value;
  }
  const system = current().name;
  const got = await postJson<{ scenario: unknown; summary: Loaded['summary'] }>('api/generate', { system, options });
  setScenario({ system, ...got });
}

async function openFile(file: File): Promise<void> {
  clearError();
  const got = await postJson<{ scenario: { system: string }; summary: Loaded['summary'] }>('api/scenario', { text: await file.text(), name: file.name });
  el.system().value = got.scenario.system;
  fillOptions();
  setScenario({ system: got.scenario.system, scenario: got.scenario, summary: got.summary });
}

async function solve(): Promise<void> {
  if (!loaded) return;
  clearError();
  const names = [el.algorithmA().value, el.algorithmB().value].filter((n, i, all) => n && all.indexOf(n) === i);
  const button = el.solve();
  delete el.plans().dataset.solved;
  button.disabled = true;
  button.textContent = 'Solving…';
  el.plans().setAttribute('aria-busy', 'true');
  try {
    // one after the other: the server solves on one thread anyway, and the first answer shows sooner
    const answers: SolveResponse[] = [];
    const options = el.bound().checked && !el.boundLabel().hidden ? { bound: true } : {};
    for (const algorithm of names) answers.push(await postJson<SolveResponse>('api/solve', { scenario: loaded.scenario, algorithm, options }));
    const views = answers.map((a) => a.view);
    const places = placesOf(views);
    const cards = await Promise.all(answers.map((a, i) => renderPlan(a.view, i === 0 ? 'a' : 'b', places, a.notes, a.result)));
    el.plans().replaceChildren(...cards);
    el.comparison().replaceChildren(...(views.length === 2 ? [comparisonTable(views[0], views[1])] : []));
    await Promise.all(cards.map((c) => (c as HTMLElement & { drawCharts(): Promise<void> }).drawCharts()));
    el.plans().dataset.solved = names.join(',');
  } finally {
    button.disabled = false;
    button.textContent = 'Solve';
    el.plans().removeAttribute('aria-busy');
  }
}

let ready: Promise<void> | null = null;

/** Loads the systems and wires the forms, once (the Live tab may ask before the Plan tab is shown). */
export function initPlan(): Promise<void> {
  ready ??= setUp().catch((err) => {
    ready = null;
    throw err;
  });
  return ready;
}

async function setUp(): Promise<void> {
  systems = await getJson<SystemInfo[]>('api/systems');
  el.system().replaceChildren(...systems.map((s) => h('option', { value: s.name, title: s.summary }, s.name)));
  fillOptions();
  fillAlgorithms(systems[0].name);
  el.system().addEventListener('change', () => fillOptions());
  el.algorithmA().addEventListener('change', describeAlgorithms);
  el.algorithmB().addEventListener('change', describeAlgorithms);
  byId<HTMLFormElement>('scenario-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    generate().catch(showError);
  });
  byId<HTMLInputElement>('scenario-file').addEventListener('change', (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (file) openFile(file).catch(showError);
  });
  byId<HTMLFormElement>('solve-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    solve().catch(showError);
  });
}

/** Shows a plan that came from elsewhere (the controller's latest plan) in the Plan tab. */
export async function showExternalPlan(system: string, scenario: unknown, summary: Loaded['summary'], response: SolveResponse): Promise<void> {
  await initPlan();
  clearError();
  el.system().value = system;
  fillOptions();
  setScenario({ system, scenario, summary });
  el.algorithmA().value = response.view.algorithm;
  describeAlgorithms();
  const card = await renderPlan(response.view, 'a', placesOf([response.view]), response.notes, response.result);
  el.plans().replaceChildren(card);
  await (card as HTMLElement & { drawCharts(): Promise<void> }).drawCharts();
  el.plans().dataset.solved = response.view.algorithm;
}
