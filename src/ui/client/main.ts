import './style.css';
import { initPlan } from './plan.ts';
import { initFigures } from './figures.ts';
import { initLive } from './live.ts';
import { byId } from './dom.ts';

/**
 * The dashboard page: three tabs (Plan, Live, Figures) switched by the URL hash. A tab's data is
 * loaded the first time it is shown.
 */
const TABS = ['plan', 'live', 'figures'] as const;
type Tab = (typeof TABS)[number];
const started = new Set<Tab>();
const init: Record<Tab, () => Promise<void>> = { plan: initPlan, live: initLive, figures: initFigures };

function show(tab: Tab): void {
  for (const t of TABS) {
    byId(`view-${t}`).hidden = t !== tab;
    byId(`tab-${t}`).setAttribute('aria-selected', String(t === tab));
    // one tab stop for the tab list; the arrow keys move between tabs (WAI-ARIA tabs pattern)
    byId(`tab-${t}`).tabIndex = t === tab ? 0 : -1;
  }
  if (!started.has(tab)) {
    started.add(tab);
    init[tab]().catch((err: Error) => {
      const status = byId(tab === 'plan' ? 'plan-error' : `${tab}-status`);
      status.hidden = false;
      status.textContent = `Could not load: ${err.message}`;
    });
  }
}

function route(): void {
  const tab = location.hash.slice(1) as Tab;
  show(TABS.includes(tab) ? tab : 'plan');
}

window.addEventListener('hashchange', route);
document.querySelector('[role="tablist"]')!.addEventListener('keydown', (ev) => {
  const key = (ev as KeyboardEvent).key;
  if (key !== 'ArrowLeft' && key !== 'ArrowRight' && key !== 'Home' && key !== 'End') return;
  ev.preventDefault();
  const current = TABS.indexOf((location.hash.slice(1) as Tab) || 'plan');
  const next = key === 'Home' ? 0 : key === 'End' ? TABS.length - 1 : (Math.max(0, current) + (key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length;
  location.hash = `#${TABS[next]}`;
  byId(`tab-${TABS[next]}`).focus();
});
// the sign-out form is only there when the dashboard sits behind the controller's token
if (document.body.dataset.auth === 'token') byId('logout').hidden = false;
route();
document.body.dataset.ready = 'true';
