import type { FigureInfo } from '../view/types.ts';
import { getJson } from './api.ts';
import { byId, h } from './dom.ts';

/** The Figures tab: every reproduced figure (figures/<system>/) with the paper's claims as checked on our data. */
export async function initFigures(): Promise<void> {
  const status = byId('figures-status');
  const body = byId('figures-body');
  const figures = await getJson<FigureInfo[]>('api/figures');
  if (figures.length === 0) {
    status.textContent = 'No reproduced figures found (make them with `mec reproduce all`).';
    return;
  }
  const bySystem = new Map<string, FigureInfo[]>();
  for (const f of figures) bySystem.set(f.system, [...(bySystem.get(f.system) ?? []), f]);
  const held = figures.flatMap((f) => f.claims).filter((c) => c.holds).length;
  const claims = figures.flatMap((f) => f.claims).length;
  status.textContent = `${figures.length} figures; ${held} of ${claims} of the papers' claims hold on our data.`;
  body.replaceChildren(...[...bySystem].map(([system, list]) => h('section', { 'aria-labelledby': `fig-${system}` },
    h('h3', { id: `fig-${system}` }, system),
    h('div', { class: 'figure-grid' }, ...list.map((f) => figureCard(f))))));
}

function figureCard(f: FigureInfo): HTMLElement {
  const id = `figure-${f.system}-${f.id}`;
  const image = f.files.svg ?? f.files.png;
  return h('article', { class: 'card figure', 'aria-labelledby': id, 'data-figure': `${f.system}/${f.id}` },
    h('h4', { id }, f.title),
    image ? h('img', { src: image, alt: `${f.title}. ${f.caption}`, loading: 'lazy', width: 640, height: 400 }) : h('p', { class: 'note' }, 'no image'),
    h('p', { class: 'note' }, f.caption),
    f.claims.length ? h('ul', { class: 'claims', 'aria-label': 'claims checked on our data' },
      ...f.claims.map((c) => h('li', {}, h('span', { class: c.holds ? 'holds' : 'fails' }, c.holds ? '✓ holds: ' : '✗ does not hold: '), c.claim, h('br'), h('span', { class: 'note' }, c.detail)))) : null,
    h('p', { class: 'note' }, `${f.runs ?? '?'} runs${f.quick ? ' (quick)' : ''}${f.generatedAt ? `, made ${f.generatedAt.slice(0, 10)}` : ''}. `,
      ...(['csv', 'json', 'png', 'svg'] as const).filter((k) => f.files[k]).flatMap((k) => [h('a', { href: f.files[k]!, download: '' }, k), ' '])),
  );
}
