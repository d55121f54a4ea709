/// <reference lib="dom" />
// DOM construction from data as text only: values reach the page through text nodes and
// attributes, never parsed as HTML markup.

export type Child = Node | string | number | null | undefined | false | readonly Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') node.addEventListener(key.replace(/^on/, ''), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else
      node.appendChild(
        typeof child === 'string' || typeof child === 'number'
          ? document.createTextNode(String(child))
          : (child as Node),
      );
  }
}

export function replaceChildren(node: Element, ...children: Child[]): void {
  node.replaceChildren();
  append(node, children);
}

/** A labelled <select>; `options` are [value, text] pairs. */
export function selectControl(
  label: string,
  name: string,
  options: readonly (readonly [string, string])[],
  value: string,
  onChange: (value: string) => void,
): HTMLLabelElement {
  const select = h(
    'select',
    { name, onchange: (event: Event) => onChange((event.target as HTMLSelectElement).value) },
    ...options.map(([optionValue, text]) => h('option', { value: optionValue, selected: optionValue === value }, text)),
  );
  if (!options.some(([optionValue]) => optionValue === value) && value !== '')
    select.append(h('option', { value, selected: true }, value));
  return h('label', { class: 'control' }, h('span', {}, label), select);
}

export function inputControl(
  label: string,
  name: string,
  type: string,
  value: string,
  onChange: (value: string) => void,
  extra: Attrs = {},
): HTMLLabelElement {
  const input = h('input', { name, type, value, ...extra });
  input.addEventListener(type === 'search' || type === 'text' ? 'input' : 'change', () => onChange(input.value));
  return h('label', { class: 'control' }, h('span', {}, label), input);
}

export function button(text: string, onClick: () => void, attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', onclick: () => onClick(), ...attrs }, text);
}

export function link(text: string, target: string, attrs: Attrs = {}): HTMLAnchorElement {
  return h('a', { href: target, ...attrs }, text);
}

/** A definition list of label → value pairs (provenance, parameters). */
export function facts(rows: readonly (readonly [string, Child])[]): HTMLDListElement {
  return h('dl', { class: 'facts' }, ...rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value ?? '—')]));
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...children);
}
