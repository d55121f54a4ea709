/// <reference lib="dom" />
// One label set: its labels (searchable, numbered in order), prompt templates, and links to its
// evaluation and mining runs.
import { gql } from '../app/api';
import type { Page, PageModule } from '../app/page';
import { href, updateParams, type Route } from '../app/route';
import { facts, h, inputControl, link, replaceChildren, section } from '../ui/dom';
import { int, when } from '../ui/format';
import { errorBox } from '../ui/notice';
import LABEL_SET from './label-set.graphql';

interface LabelSetDetail {
  readonly labelSet: {
    readonly id: string;
    readonly name: string;
    readonly labels: readonly string[];
    readonly promptTemplates: readonly string[];
    readonly archived: boolean;
    readonly labelCount: number;
    readonly createdAt: string;
    readonly updatedAt: string;
  };
  readonly evaluationRuns: { readonly totalCount: number };
  readonly miningRuns: { readonly totalCount: number };
}

class LabelSetPage implements Page {
  private data: LabelSetDetail | undefined;
  private readonly body = h('div');
  private readonly list = h('ol', { class: 'labels', start: '0' });
  private route: Route;

  constructor(main: HTMLElement, route: Route) {
    this.route = route;
    replaceChildren(main, h('h1', {}, 'Label set'), this.body);
    void this.load(main);
  }

  private async load(main: HTMLElement): Promise<void> {
    try {
      this.data = await gql<LabelSetDetail>(LABEL_SET, 'LabelSetDetail', { id: this.route.id });
      const { labelSet, evaluationRuns, miningRuns } = this.data;
      main.querySelector('h1')?.replaceChildren(`Label set ${labelSet.name}`);
      replaceChildren(
        this.body,
        section(
          'Overview',
          facts([
            ['id', labelSet.id],
            ['labels', int(labelSet.labelCount)],
            ['prompt templates', labelSet.promptTemplates.join(' | ')],
            ['archived', labelSet.archived ? 'yes' : 'no'],
            ['created', when(labelSet.createdAt)],
            ['updated', when(labelSet.updatedAt)],
            [
              'evaluation runs',
              link(`${int(evaluationRuns.totalCount)} runs`, href('runs', undefined, { labelSet: labelSet.id })),
            ],
            [
              'mining runs',
              link(`${int(miningRuns.totalCount)} runs`, href('mining', undefined, { labelSet: labelSet.id })),
            ],
          ]),
        ),
        section(
          'Labels',
          inputControl('Search labels', 'q', 'search', this.route.params.get('q') ?? '', (value) =>
            updateParams({ q: value }, { replace: true }),
          ),
          this.list,
        ),
      );
      this.renderLabels();
    } catch (error) {
      replaceChildren(this.body, errorBox(error, `load label set ${this.route.id ?? ''}`));
    }
  }

  update(route: Route): void {
    this.route = route;
    this.renderLabels();
  }

  private renderLabels(): void {
    const labels = this.data?.labelSet.labels ?? [];
    const q = (this.route.params.get('q') ?? '').toLowerCase();
    const shown = labels
      .map((label, index) => ({ label, index }))
      .filter(({ label }) => label.toLowerCase().includes(q));
    replaceChildren(this.list, ...shown.map(({ label, index }) => h('li', { value: String(index) }, label)));
  }
}

export const labelSetPage: PageModule = {
  view: 'label-set',
  nav: 'label-sets',
  title: () => 'Label set',
  mount: (main, route) => new LabelSetPage(main, route),
};
