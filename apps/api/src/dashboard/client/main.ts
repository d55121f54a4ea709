/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Entry of the dashboard bundle: the page modules by view, and the hash router that mounts one of
// them into <main> (or updates it in place when only its parameters changed).
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type { Page, PageModule } from './app/page';
import { currentRoute, onRoute, type Route } from './app/route';
import { h, link, replaceChildren } from './ui/dom';
import { comparePage } from './pages/compare.page';
import { detectorsPage } from './pages/detectors.page';
import { imageSetsPage } from './pages/image-sets.page';
import { labelSetPage } from './pages/label-set.page';
import { labelSetsPage } from './pages/label-sets.page';
import { miningPage } from './pages/mining.page';
import { modelsPage } from './pages/models.page';
import { negativesPage } from './pages/negatives.page';
import { runPage } from './pages/run.page';
import { runsPage } from './pages/runs.page';
import { sweepPage } from './pages/sweep.page';
import { sweepsPage } from './pages/sweeps.page';

const PAGES: readonly PageModule[] = [
  runsPage,
  runPage,
  comparePage,
  miningPage,
  negativesPage,
  labelSetsPage,
  labelSetPage,
  modelsPage,
  imageSetsPage,
  detectorsPage,
  sweepsPage,
  sweepPage,
];

let current: { module: PageModule; id: string | undefined; page: Page } | undefined;

function show(route: Route): void {
  const main = document.getElementById('main');
  if (main === null) return;
  const module = PAGES.find((candidate) => candidate.view === route.view);
  for (const anchor of document.querySelectorAll<HTMLAnchorElement>('#nav a[data-view]')) {
    if (anchor.dataset['view'] === module?.nav) anchor.setAttribute('aria-current', 'page');
    else anchor.removeAttribute('aria-current');
  }
  if (
    current !== undefined &&
    current.module === module &&
    current.id === route.id &&
    current.page.update !== undefined
  ) {
    current.page.update(route);
    return;
  }
  current?.page.dispose?.();
  current = undefined;
  if (module === undefined) {
    document.title = 'Not found · negmine';
    replaceChildren(
      main,
      h('h1', {}, 'Not found'),
      h('p', {}, `There is no dashboard view '${route.view}'. `, link('Evaluation runs', '#/runs')),
    );
    return;
  }
  document.title = `${module.title(route)} · negmine`;
  main.dataset['view'] = module.view;
  current = { module, id: route.id, page: module.mount(main, route) };
  if (document.activeElement === document.body || document.activeElement === null) main.focus({ preventScroll: true });
}

onRoute(show);
show(currentRoute());
