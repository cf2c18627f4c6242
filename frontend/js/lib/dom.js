// @ts-check
// A small DOM builder. Text goes in as text (textContent, text nodes): strings from the API are never
// parsed as HTML. Styles go through the CSSOM, so a CSP without 'unsafe-inline' styles allows them.

/** @typedef {Node | string | number | null | undefined | false} Child */
/** @typedef {Child | Child[]} Children */
/**
 * @typedef {Record<string, unknown> & {
 *   text?: string | number | null,
 *   class?: string | null,
 *   on?: Record<string, EventListener>,
 *   dataset?: Record<string, string>,
 *   styles?: Record<string, string>,
 * }} Attrs
 */

/** @param {Element} node @param {Attrs | null | undefined} attrs */
function setAttrs(node, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'class') node.setAttribute('class', String(v));
    else if (k === 'on') for (const [ev, fn] of Object.entries(/** @type {Record<string, EventListener>} */ (v))) node.addEventListener(ev, fn);
    else if (k === 'dataset' && node instanceof HTMLElement) Object.assign(node.dataset, v);
    else if (k === 'styles' && (node instanceof HTMLElement || node instanceof SVGElement)) {
      for (const [prop, value] of Object.entries(/** @type {Record<string, string>} */ (v))) node.style.setProperty(prop, value);
    } else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
}

/** @param {Element} node @param {Children[]} children */
function append(node, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * el('a', { href, class, text, on: { click } }, child...)
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Children} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...Children} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attrs, ...children) {
  const node = /** @type {SVGElementTagNameMap[K]} */ (document.createElementNS(SVG_NS, tag));
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

/**
 * The element with this id, of the given type; throws when the page lacks it (a broken page, not input).
 * @template {typeof Element} [T=typeof HTMLElement]
 * @param {string} id
 * @param {T} [type]
 * @returns {InstanceType<T>}
 */
export function byId(id, type) {
  const node = document.getElementById(id);
  const want = type ?? HTMLElement;
  if (!(node instanceof want)) throw new Error(`#${id} missing`);
  return /** @type {InstanceType<T>} */ (node);
}
