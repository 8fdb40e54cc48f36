// A tiny element builder: text always goes in as text nodes, never as markup.

export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined | ((e: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
      else if (k === 'class') el.className = String(v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Element from trusted markup (our own SVG renderers, which escape every text). */
export function fromMarkup(markup: string): Element {
  const t = document.createElement('template');
  t.innerHTML = markup.trim();
  return t.content.firstElementChild!;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
}

/** Re-renders markup at the host's width whenever it changes. Returns a disposer. */
export function mountChart(host: HTMLElement, render: (width: number) => string): () => void {
  let last = -1;
  const draw = (): void => {
    const width = Math.floor(host.clientWidth);
    if (width <= 0 || width === last) return;
    last = width;
    host.replaceChildren(fromMarkup(render(width)));
  };
  const ro = new ResizeObserver(() => draw());
  ro.observe(host);
  draw();
  return () => ro.disconnect();
}
