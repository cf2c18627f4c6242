// @ts-check
// Light and dark themes. "system" follows the OS while the page is open. js/boot.js applies the cached
// choice before the first paint; this module keeps it current afterwards.

/** @typedef {'light' | 'dark' | 'system'} ThemeChoice */

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
/** @type {ThemeChoice} */
let choice = 'light';

/** The theme in effect now. @returns {'light' | 'dark'} */
export function currentTheme() {
  return document.documentElement.dataset['theme'] === 'dark' ? 'dark' : 'light';
}

/**
 * Applies a theme choice; components that draw with theme colours hear `pm:themechange`.
 * @param {string | null | undefined} wanted
 */
export function applyTheme(wanted) {
  choice = wanted === 'dark' || wanted === 'system' ? wanted : 'light';
  const dark = choice === 'dark' || (choice === 'system' && !!darkQuery?.matches);
  const before = currentTheme();
  document.documentElement.dataset['theme'] = dark ? 'dark' : 'light';
  if (before !== currentTheme()) document.dispatchEvent(new CustomEvent('pm:themechange', { detail: currentTheme() }));
}

/** The page's starting choice: what boot.js resolved from the cached setting or the markup's default. */
export function initTheme() {
  const start = document.documentElement.dataset['themeChoice'];
  choice = start === 'dark' || start === 'system' ? start : 'light';
  darkQuery?.addEventListener('change', () => applyTheme(choice));
}

/**
 * A colour from the stylesheet's custom properties (for canvas drawing, which CSS cannot reach).
 * @param {string} name e.g. '--accent'
 */
export function cssColor(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
