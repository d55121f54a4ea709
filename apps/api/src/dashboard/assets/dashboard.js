// negmine dashboard: run history, a run's detail (metrics, ROC curves, score histograms) and a
// side-by-side comparison, read from /graphql. Plain browser JavaScript served as is (no build).
// Every operation is defined in dashboard-queries.graphql and sent by its name through the gql
// helper below; dashboard.spec.ts checks those names and validates the document against the schema.
// Data reaches the DOM only as text nodes, textContent or attributes, never as parsed HTML.
'use strict';

(function () {
  const POLL_MS = 2000;
  const ACTIVE = ['queued', 'running'];
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const state = {
    filters: { labelSetId: '', method: '', status: '', first: 20 },
    evalPages: [null],
    miningPages: [null],
    evalPage: null,
    miningPage: null,
    selected: new Map(),
    detailId: null,
    detailRun: null,
    compareIds: null,
    compareRuns: [],
    generation: 0,
    timer: null,
  };

  // ---- GraphQL ----------------------------------------------------------------------------
  let documentText = null;
  function queriesDocument() {
    documentText ??= fetch('/dashboard/dashboard-queries.graphql').then((response) => {
      if (!response.ok) throw new Error('could not load the dashboard queries (HTTP ' + response.status + ')');
      return response.text();
    });
    documentText.catch(() => {
      documentText = null;
    });
    return documentText;
  }

  async function gql(operationName, variables) {
    const query = await queriesDocument();
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, operationName, variables: variables || {} }),
    });
    let body;
    try {
      body = await response.json();
    } catch {
      throw new Error(operationName + ': HTTP ' + response.status);
    }
    if (body.errors && body.errors.length > 0) {
      throw new Error(operationName + ': ' + body.errors.map((error) => error.message).join('; '));
    }
    if (!response.ok || !body.data) throw new Error(operationName + ': HTTP ' + response.status);
    return body.data;
  }

  // ---- DOM helpers (text only) ------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'onclick' || key === 'onchange') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }

  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    }
  }

  function $(id) {
    return document.getElementById(id);
  }

  function showError(error) {
    const box = $('error');
    if (error) {
      box.textContent = error instanceof Error ? error.message : String(error);
      box.hidden = false;
    } else {
      box.hidden = true;
      box.textContent = '';
    }
  }

  // ---- formatting -------------------------------------------------------------------------
  function pct(value) {
    return typeof value === 'number' && Number.isFinite(value) ? (100 * value).toFixed(2) : '—';
  }

  function num(value, digits) {
    return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';
  }

  function when(iso) {
    if (!iso) return '—';
    const date = new Date(iso);
    const two = (n) => String(n).padStart(2, '0');
    return date.getFullYear() + '-' + two(date.getMonth() + 1) + '-' + two(date.getDate()) + ' ' + two(date.getHours()) + ':' + two(date.getMinutes()) + ':' + two(date.getSeconds());
  }

  function duration(run) {
    if (!run.startedAt) return '—';
    const end = run.finishedAt ? new Date(run.finishedAt) : new Date();
    const seconds = Math.max(0, (end.getTime() - new Date(run.startedAt).getTime()) / 1000);
    const text = seconds < 60 ? seconds.toFixed(1) + ' s' : seconds < 3600 ? Math.floor(seconds / 60) + ' min ' + Math.round(seconds % 60) + ' s' : (seconds / 3600).toFixed(1) + ' h';
    return run.finishedAt ? text : text + ' …';
  }

  function shortId(id) {
    return id ? id.slice(0, 8) : '—';
  }

  function mean(results, key) {
    const values = results.map((result) => result[key]).filter((value) => typeof value === 'number' && Number.isFinite(value));
    return values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
  }

  function isActive(run) {
    return Boolean(run) && ACTIVE.includes(run.status);
  }

  function statusCell(run) {
    const children = [el('span', { class: 'badge status-' + run.status, title: run.statusReason || undefined }, run.status)];
    if (isActive(run)) {
      children.push(' ', el('progress', { max: '1', value: String(run.progress || 0) }), ' ', el('span', { class: 'muted small' }, Math.round(100 * (run.progress || 0)) + '%'));
    }
    return el('td', { class: 'nowrap' }, children);
  }

  // ---- filters and paging -----------------------------------------------------------------
  function fillSelect(select, values) {
    for (const { value, label } of values) select.append(el('option', { value }, label));
  }

  async function loadOptions() {
    const data = await gql('DashboardOptions');
    fillSelect($('filter-label-set'), data.labelSets.map((set) => ({ value: set.id, label: set.name })));
    fillSelect($('filter-method'), (data.scoringMethods ? data.scoringMethods.enumValues : []).map((value) => ({ value: value.name, label: value.name })));
    fillSelect($('filter-status'), (data.runStatuses ? data.runStatuses.enumValues : []).map((value) => ({ value: value.name, label: value.name })));
  }

  function onFilterChange() {
    state.filters = {
      labelSetId: $('filter-label-set').value,
      method: $('filter-method').value,
      status: $('filter-status').value,
      first: Number($('filter-page-size').value) || 20,
    };
    state.evalPages = [null];
    state.miningPages = [null];
    refresh();
  }

  function wirePager(id, pagesKey, pageKey) {
    $(id).addEventListener('click', (event) => {
      const action = event.target instanceof Element ? event.target.getAttribute('data-page') : null;
      const pages = state[pagesKey];
      const page = state[pageKey];
      if (action === 'first') state[pagesKey] = [null];
      else if (action === 'prev' && pages.length > 1) pages.pop();
      else if (action === 'next' && page && page.pageInfo.hasNextPage) pages.push(page.pageInfo.endCursor);
      else return;
      refresh();
    });
  }

  function renderPager(id, pages, page) {
    const pager = $(id);
    const pageCount = Math.max(1, Math.ceil(page.totalCount / state.filters.first));
    pager.querySelector('[data-page="label"]').textContent = 'page ' + pages.length + ' of ' + pageCount;
    pager.querySelector('[data-page="first"]').disabled = pages.length <= 1;
    pager.querySelector('[data-page="prev"]').disabled = pages.length <= 1;
    pager.querySelector('[data-page="next"]').disabled = !page.pageInfo.hasNextPage;
  }

  // ---- evaluation and mining run lists ----------------------------------------------------
  function evalFilter() {
    const filter = {};
    if (state.filters.labelSetId) filter.labelSetId = state.filters.labelSetId;
    if (state.filters.method) filter.method = state.filters.method;
    if (state.filters.status) filter.status = state.filters.status;
    return filter;
  }

  function metricCells(row) {
    return [pct(row.fprAtTprId), pct(row.auroc), pct(row.auprIn), pct(row.auprOut)].map((text) => el('td', { class: 'num' }, text));
  }

  function renderEvaluationRuns(page) {
    const body = $('eval-table').querySelector('tbody');
    body.replaceChildren();
    $('eval-count').textContent = '(' + page.totalCount + ')';
    if (page.edges.length === 0) body.append(el('tr', {}, el('td', { colspan: '13', class: 'muted' }, 'No evaluation runs match the filters.')));
    for (const { node: run } of page.edges) {
      const results = run.results || [];
      const checkbox = el('input', { type: 'checkbox', title: 'select for comparison', 'aria-label': 'select run ' + run.id });
      checkbox.checked = state.selected.has(run.id);
      checkbox.addEventListener('click', (event) => event.stopPropagation());
      checkbox.addEventListener('change', () => {
        if (checkbox.checked) state.selected.set(run.id, run);
        else state.selected.delete(run.id);
        updateCompareButtons();
      });
      const summary =
        results.length === 0
          ? [el('td', { class: 'set muted' }, isActive(run) ? 'pending' : '—'), ...metricCells({})]
          : results.length === 1
            ? [el('td', { class: 'set' }, results[0].oodImageSet.name), ...metricCells(results[0])]
            : [
                el('td', { class: 'set' }, el('strong', {}, 'mean of ' + results.length + ' sets')),
                ...metricCells({ fprAtTprId: mean(results, 'fprAtTprId'), auroc: mean(results, 'auroc'), auprIn: mean(results, 'auprIn'), auprOut: mean(results, 'auprOut') }),
              ];
      const row = el(
        'tr',
        { class: 'clickable' + (run.id === state.detailId ? ' current' : ''), title: 'show the details of run ' + run.id, onclick: () => openDetail(run.id) },
        el('td', {}, checkbox),
        el('td', { class: 'nowrap' }, when(run.createdAt)),
        el('td', {}, el('strong', {}, run.method)),
        statusCell(run),
        el('td', {}, run.labelSet ? run.labelSet.name : '—'),
        el('td', {}, run.model ? run.model.name : '—'),
        el('td', { class: 'mono', title: run.miningRunId || undefined }, shortId(run.miningRunId)),
        el('td', { class: 'nowrap' }, duration(run)),
        summary,
      );
      body.append(row);
      if (results.length > 1) {
        for (const result of results) {
          body.append(el('tr', { class: 'sub' }, el('td', { colspan: '8' }), el('td', { class: 'set' }, result.oodImageSet.name), ...metricCells(result)));
        }
      }
    }
    renderPager('eval-pager', state.evalPages, page);
  }

  function renderMiningRuns(page) {
    const body = $('mining-table').querySelector('tbody');
    body.replaceChildren();
    $('mining-count').textContent = '(' + page.totalCount + ')';
    if (page.edges.length === 0) body.append(el('tr', {}, el('td', { colspan: '8', class: 'muted' }, 'No mining runs match the filters.')));
    for (const { node: run } of page.edges) {
      body.append(
        el(
          'tr',
          {},
          el('td', { class: 'nowrap' }, when(run.createdAt)),
          el('td', { class: 'mono', title: run.id }, shortId(run.id)),
          el('td', {}, el('strong', {}, run.selectionMethod)),
          statusCell(run),
          el('td', {}, run.labelSet ? run.labelSet.name : '—'),
          el('td', {}, run.model ? run.model.name : '—'),
          el('td', { class: 'num' }, String(run.negativeCount)),
          el('td', { class: 'nowrap' }, duration(run)),
        ),
      );
    }
    renderPager('mining-pager', state.miningPages, page);
  }

  // ---- charts (inline SVG) ----------------------------------------------------------------
  const PLOT = { width: 400, height: 300, left: 48, right: 28, top: 12, bottom: 40 };

  function axes(xLabel, yLabel, xTicks, yTicks, sx, sy) {
    const group = svg('g', { class: 'axes' });
    const x0 = PLOT.left;
    const y0 = PLOT.height - PLOT.bottom;
    group.append(svg('line', { x1: x0, y1: y0, x2: PLOT.width - PLOT.right, y2: y0, stroke: '#555' }), svg('line', { x1: x0, y1: PLOT.top, x2: x0, y2: y0, stroke: '#555' }));
    for (const tick of xTicks) {
      group.append(svg('line', { x1: sx(tick.value), y1: y0, x2: sx(tick.value), y2: y0 + 4, stroke: '#555' }), svg('text', { x: sx(tick.value), y: y0 + 16, 'text-anchor': 'middle' }, tick.label));
    }
    for (const tick of yTicks) {
      group.append(svg('line', { x1: x0 - 4, y1: sy(tick.value), x2: x0, y2: sy(tick.value), stroke: '#555' }), svg('text', { x: x0 - 6, y: sy(tick.value) + 4, 'text-anchor': 'end' }, tick.label));
    }
    group.append(svg('text', { x: (x0 + PLOT.width - PLOT.right) / 2, y: PLOT.height - 6, 'text-anchor': 'middle', class: 'axis-label' }, xLabel));
    group.append(svg('text', { x: 12, y: (PLOT.top + y0) / 2, 'text-anchor': 'middle', class: 'axis-label', transform: 'rotate(-90 12 ' + (PLOT.top + y0) / 2 + ')' }, yLabel));
    return group;
  }

  function unitTicks() {
    return [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, label: String(value) }));
  }

  function rocChart(results) {
    const sx = (v) => PLOT.left + v * (PLOT.width - PLOT.left - PLOT.right);
    const sy = (v) => PLOT.height - PLOT.bottom - v * (PLOT.height - PLOT.top - PLOT.bottom);
    const chart = svg('svg', { viewBox: '0 0 ' + PLOT.width + ' ' + PLOT.height, width: PLOT.width, height: PLOT.height, role: 'img', 'aria-label': 'ROC curves' });
    chart.append(svg('title', {}, 'ROC curves (ID positive)'));
    chart.append(axes('false positive rate (OOD accepted)', 'true positive rate (ID)', unitTicks(), unitTicks(), sx, sy));
    chart.append(svg('line', { x1: sx(0), y1: sy(0), x2: sx(1), y2: sy(1), stroke: '#aaa', 'stroke-dasharray': '4 4' }));
    chart.append(svg('line', { x1: sx(0), y1: sy(0.95), x2: sx(1), y2: sy(0.95), stroke: '#ccc', 'stroke-dasharray': '2 3' }));
    results.forEach((result, index) => {
      const points = (result.rocPoints || []).map((p) => sx(p.fpr).toFixed(1) + ',' + sy(p.tpr).toFixed(1)).join(' ');
      if (points) chart.append(svg('polyline', { points, fill: 'none', stroke: COLORS[index % COLORS.length], 'stroke-width': '2' }, svg('title', {}, result.oodImageSet.name)));
    });
    const legend = el(
      'ul',
      { class: 'legend' },
      results.map((result, index) => el('li', {}, swatch(COLORS[index % COLORS.length]), result.oodImageSet.name + ' (AUROC ' + pct(result.auroc) + ')')),
    );
    return el('figure', {}, chart, el('figcaption', {}, 'ROC curve per OOD set (ID positive; dotted line: TPR 95%)'), legend);
  }

  function swatch(color) {
    return svg('svg', { width: '12', height: '12', class: 'swatch' }, svg('rect', { width: '12', height: '12', fill: color }));
  }

  function histogramChart(result) {
    const h = result.histograms || { edges: [], idCounts: [], oodCounts: [] };
    const figure = el('figure', {});
    if (h.edges.length < 2) {
      figure.append(el('p', { class: 'muted' }, 'No histogram stored for ' + result.oodImageSet.name + '.'));
      return figure;
    }
    const lo = h.edges[0];
    const hi = h.edges[h.edges.length - 1];
    const span = hi - lo || 1;
    const idTotal = h.idCounts.reduce((a, b) => a + b, 0) || 1;
    const oodTotal = h.oodCounts.reduce((a, b) => a + b, 0) || 1;
    const idFrac = h.idCounts.map((c) => c / idTotal);
    const oodFrac = h.oodCounts.map((c) => c / oodTotal);
    const top = Math.max(1e-9, ...idFrac, ...oodFrac);
    const sx = (v) => PLOT.left + ((v - lo) / span) * (PLOT.width - PLOT.left - PLOT.right);
    const sy = (v) => PLOT.height - PLOT.bottom - (v / top) * (PLOT.height - PLOT.top - PLOT.bottom);
    const chart = svg('svg', { viewBox: '0 0 ' + PLOT.width + ' ' + PLOT.height, width: PLOT.width, height: PLOT.height, role: 'img', 'aria-label': 'score histograms' });
    chart.append(svg('title', {}, 'ID and OOD score histograms: ' + result.oodImageSet.name));
    const xTicks = [0, 0.5, 1].map((t) => ({ value: lo + t * span, label: formatScore(lo + t * span) }));
    const yTicks = [0, 0.5, 1].map((t) => ({ value: t * top, label: (100 * t * top).toFixed(0) + '%' }));
    chart.append(axes('score', 'share of images', xTicks, yTicks, sx, sy));
    const series = [
      { frac: idFrac, counts: h.idCounts, color: COLORS[0], name: 'ID' },
      { frac: oodFrac, counts: h.oodCounts, color: COLORS[1], name: 'OOD' },
    ];
    for (const { frac, counts, color, name } of series) {
      frac.forEach((value, i) => {
        if (value <= 0) return;
        const x = sx(h.edges[i]);
        const width = Math.max(0.5, sx(h.edges[i + 1]) - x);
        chart.append(
          svg('rect', { x: x.toFixed(1), y: sy(value).toFixed(1), width: width.toFixed(1), height: (sy(0) - sy(value)).toFixed(1), fill: color, 'fill-opacity': '0.5' }, svg('title', {}, name + ': ' + counts[i] + ' in [' + formatScore(h.edges[i]) + ', ' + formatScore(h.edges[i + 1]) + ')')),
        );
      });
    }
    if (typeof result.thresholdAtTprId === 'number' && result.thresholdAtTprId >= lo && result.thresholdAtTprId <= hi) {
      const x = sx(result.thresholdAtTprId);
      chart.append(svg('line', { x1: x, y1: PLOT.top, x2: x, y2: sy(0), stroke: '#333', 'stroke-dasharray': '4 3' }, svg('title', {}, 'threshold at 95% TPR: ' + formatScore(result.thresholdAtTprId))));
    }
    const legend = el('ul', { class: 'legend' }, el('li', {}, swatch(COLORS[0]), 'ID (' + result.nId + ')'), el('li', {}, swatch(COLORS[1]), 'OOD (' + result.nOod + ')'), el('li', {}, 'dashed: threshold at TPR 95%'));
    figure.append(chart, el('figcaption', {}, 'Score histograms: ' + result.oodImageSet.name), legend);
    return figure;
  }

  function formatScore(value) {
    const abs = Math.abs(value);
    return abs !== 0 && (abs < 0.01 || abs >= 1000) ? value.toExponential(2) : value.toFixed(3);
  }

  // ---- run detail -------------------------------------------------------------------------
  // The open detail and comparison are kept in the address (#run=<id>&compare=<id>,<id>) so a view can be linked.
  function saveLocation() {
    const parts = [];
    if (state.detailId) parts.push('run=' + encodeURIComponent(state.detailId));
    if (state.compareIds && state.compareIds.length > 0) parts.push('compare=' + state.compareIds.map(encodeURIComponent).join(','));
    history.replaceState(null, '', parts.length > 0 ? '#' + parts.join('&') : location.pathname + location.search);
  }

  function restoreLocation() {
    const params = new URLSearchParams(location.hash.slice(1));
    const run = params.get('run');
    const compare = (params.get('compare') || '').split(',').filter(Boolean);
    if (run) {
      state.detailId = run;
      $('detail').hidden = false;
    }
    if (compare.length > 0) {
      state.compareIds = compare;
      for (const id of compare) state.selected.set(id, null);
      $('compare').hidden = false;
    }
  }

  function openDetail(id) {
    state.detailId = id;
    saveLocation();
    state.detailRun = null;
    $('detail').hidden = false;
    $('detail-title').textContent = 'Evaluation run ' + shortId(id);
    $('detail-body').replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
    refresh().then(() => $('detail').scrollIntoView({ behavior: 'smooth', block: 'start' }));
  }

  function closeDetail() {
    state.detailId = null;
    state.detailRun = null;
    $('detail').hidden = true;
    saveLocation();
    refresh();
  }

  function keyValues(pairs) {
    return el('dl', { class: 'facts' }, pairs.map(([key, value]) => [el('dt', {}, key), el('dd', {}, value)]));
  }

  function renderDetail(run) {
    $('detail-title').textContent = 'Evaluation run ' + shortId(run.id) + ' · ' + run.method;
    const results = run.results || [];
    const facts = keyValues([
      ['id', el('span', { class: 'mono' }, run.id)],
      ['status', el('span', {}, el('span', { class: 'badge status-' + run.status }, run.status), isActive(run) ? ' ' + Math.round(100 * run.progress) + '%' : '', run.statusReason ? ' — ' + run.statusReason : '')],
      ['label set', run.labelSet ? run.labelSet.name : '—'],
      ['model', run.model ? run.model.name : '—'],
      ['mining run', run.miningRun ? shortId(run.miningRun.id) + ' (' + run.miningRun.selectionMethod + ', ' + run.miningRun.negativeCount + ' negatives)' : '—'],
      ['ID images', run.idImageSet ? run.idImageSet.name + ' (' + run.idImageSet.imageCount + ')' : '—'],
      ['created', when(run.createdAt)],
      ['duration', duration(run)],
    ]);
    const parts = [facts];
    if (run.error) parts.push(el('p', { class: 'error' }, (run.errorCode ? run.errorCode + ': ' : '') + run.error));
    if (results.length === 0) {
      parts.push(el('p', { class: 'muted' }, isActive(run) ? 'Results appear when the run succeeds.' : 'This run has no results.'));
    } else {
      const head = el('tr', {}, ['OOD set', 'n ID', 'n OOD', 'FPR95 (%)', 'FPR95 OOD+ (%)', 'AUROC (%)', 'AUPR-In (%)', 'AUPR-Out (%)', 'threshold', 'guard hits'].map((h) => el('th', {}, h)));
      const rows = results.map((r) =>
        el('tr', {}, el('td', {}, r.oodImageSet.name), el('td', { class: 'num' }, String(r.nId)), el('td', { class: 'num' }, String(r.nOod)), ...[pct(r.fprAtTprId), pct(r.fprAtTprOod), pct(r.auroc), pct(r.auprIn), pct(r.auprOut), formatScore(r.thresholdAtTprId), String(r.guardHits)].map((t) => el('td', { class: 'num' }, t))),
      );
      if (results.length > 1) {
        rows.push(
          el('tr', { class: 'mean' }, el('td', {}, 'mean'), el('td', {}), el('td', {}), ...[pct(mean(results, 'fprAtTprId')), pct(mean(results, 'fprAtTprOod')), pct(mean(results, 'auroc')), pct(mean(results, 'auprIn')), pct(mean(results, 'auprOut')), '', ''].map((t) => el('td', { class: 'num' }, t))),
        );
      }
      parts.push(el('h3', {}, 'Metrics per OOD set'), el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, head), el('tbody', {}, rows))));
      parts.push(el('h3', {}, 'Curves'), el('div', { class: 'charts' }, rocChart(results), results.map(histogramChart)));
    }
    const provenance = {
      idempotencyKey: run.idempotencyKey,
      seed: run.seed,
      permutations: run.permutations,
      modelHash: run.modelHash,
      codeVersion: run.codeVersion,
      shardSize: run.shardSize,
      attempts: run.attempts,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      heartbeatAt: run.heartbeatAt,
      model: run.model,
      labelSet: run.labelSet,
      miningRun: run.miningRun,
      idImageSet: run.idImageSet,
      oodImageSets: run.oodImageSets,
    };
    parts.push(
      el('div', { class: 'json-pair' }, el('div', {}, el('h3', {}, 'Parameters'), el('pre', {}, JSON.stringify(run.params, null, 2))), el('div', {}, el('h3', {}, 'Provenance'), el('pre', {}, JSON.stringify(provenance, null, 2)))),
    );
    $('detail-body').replaceChildren(...parts);
  }

  // ---- compare ----------------------------------------------------------------------------
  function updateCompareButtons() {
    $('compare-button').disabled = state.selected.size < 1;
    $('compare-button').textContent = 'Compare selected (' + state.selected.size + ')';
    $('compare-clear').disabled = state.selected.size === 0;
  }

  function openCompare() {
    state.compareIds = Array.from(state.selected.keys());
    saveLocation();
    $('compare').hidden = false;
    $('compare-body').replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
    refresh().then(() => $('compare').scrollIntoView({ behavior: 'smooth', block: 'start' }));
  }

  function closeCompare() {
    state.compareIds = null;
    state.compareRuns = [];
    $('compare').hidden = true;
    saveLocation();
  }

  function renderCompare(comparison) {
    const runs = comparison.runs;
    const metrics = [
      ['fprAtTprId', 'FPR95'],
      ['auroc', 'AUROC'],
      ['auprIn', 'AUPR-In'],
      ['auprOut', 'AUPR-Out'],
    ];
    const headRuns = el(
      'tr',
      {},
      el('th', { rowspan: '2' }, 'OOD set'),
      runs.map((run, index) => el('th', { colspan: String(metrics.length), class: 'run-head', title: run.id }, '#' + (index + 1) + ' ' + run.method + ' · ' + shortId(run.id), el('br'), el('span', { class: 'muted small' }, (run.labelSet ? run.labelSet.name : '') + ' / ' + (run.model ? run.model.name : '') + ' / ' + run.status))),
    );
    const headMetrics = el('tr', {}, runs.map(() => metrics.map(([, label]) => el('th', { class: 'num' }, label + ' (%)'))));
    const body = comparison.rows.map((row) => {
      const cells = runs.map((run) => {
        const cell = row.cells.find((c) => c.evaluationRunId === run.id);
        return metrics.map(([key]) => {
          const best = (key === 'fprAtTprId' && row.bestByFprAtTprId === run.id) || (key === 'auroc' && row.bestByAuroc === run.id);
          return el('td', { class: 'num' + (best ? ' best' : ''), title: best ? 'best on this set' : undefined }, cell ? pct(cell[key]) : '—');
        });
      });
      return el('tr', { class: row.oodImageSetId === 'average' ? 'mean' : undefined }, el('td', {}, row.oodImageSetName), cells);
    });
    const parts = [];
    if (runs.length < 2) parts.push(el('p', { class: 'muted' }, 'Select two or more evaluation runs for a side-by-side view.'));
    parts.push(el('div', { class: 'table-wrap' }, el('table', { class: 'compare' }, el('thead', {}, headRuns, headMetrics), el('tbody', {}, body))));
    parts.push(el('p', { class: 'muted small' }, 'Bold: the best FPR95 (lowest) and AUROC (highest) on each OOD set. Percentages.'));
    $('compare-body').replaceChildren(...parts);
  }

  // ---- refresh and polling ----------------------------------------------------------------
  async function refresh() {
    const generation = ++state.generation;
    clearTimeout(state.timer);
    state.timer = null;
    const { labelSetId, status, first } = state.filters;
    const jobs = [
      gql('DashboardEvaluationRuns', { first, after: state.evalPages[state.evalPages.length - 1], filter: evalFilter() }),
      gql('DashboardMiningRuns', { first, after: state.miningPages[state.miningPages.length - 1], labelSetId: labelSetId || null, status: status || null }),
      state.detailId ? gql('DashboardEvaluationRun', { id: state.detailId }) : null,
      state.compareIds && state.compareIds.length > 0 ? gql('DashboardCompareRuns', { ids: state.compareIds }) : null,
    ];
    try {
      const [evals, mining, detail, compare] = await Promise.all(jobs);
      if (generation !== state.generation) return;
      state.evalPage = evals.evaluationRuns;
      state.miningPage = mining.miningRuns;
      renderEvaluationRuns(state.evalPage);
      renderMiningRuns(state.miningPage);
      if (detail) {
        state.detailRun = detail.evaluationRun;
        renderDetail(state.detailRun);
      }
      if (compare) {
        state.compareRuns = compare.compareRuns.runs;
        renderCompare(compare.compareRuns);
      }
      showError(null);
    } catch (error) {
      if (generation !== state.generation) return;
      showError(error);
    }
    schedulePoll(generation);
  }

  function schedulePoll(generation) {
    if (generation !== state.generation) return;
    const runs = [
      ...(state.evalPage ? state.evalPage.edges.map((edge) => edge.node) : []),
      ...(state.miningPage ? state.miningPage.edges.map((edge) => edge.node) : []),
      state.detailRun,
      ...state.compareRuns,
    ];
    const active = runs.filter(isActive).length;
    $('poll-note').textContent = active > 0 ? 'refreshing every 2 s while ' + active + ' run' + (active === 1 ? ' is' : 's are') + ' queued or running' : '';
    if (active > 0) state.timer = setTimeout(refresh, POLL_MS);
  }

  async function start() {
    for (const id of ['filter-label-set', 'filter-method', 'filter-status', 'filter-page-size']) $(id).addEventListener('change', onFilterChange);
    wirePager('eval-pager', 'evalPages', 'evalPage');
    wirePager('mining-pager', 'miningPages', 'miningPage');
    $('detail-close').addEventListener('click', closeDetail);
    $('compare-close').addEventListener('click', closeCompare);
    $('compare-button').addEventListener('click', openCompare);
    $('compare-clear').addEventListener('click', () => {
      state.selected.clear();
      for (const box of document.querySelectorAll('#eval-table input[type=checkbox]')) box.checked = false;
      updateCompareButtons();
    });
    restoreLocation();
    updateCompareButtons();
    try {
      await loadOptions();
    } catch (error) {
      showError(error);
    }
    await refresh();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
