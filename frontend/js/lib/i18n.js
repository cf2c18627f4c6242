// @ts-check
// Korean and English strings from the catalogs in frontend/locales (the API reads the same files).
// Markup names its strings with data-i18n (text), data-i18n-placeholder and data-i18n-aria-label.
import { cachedSettings } from './storage.js';

/** @typedef {'ko' | 'en'} Lang */

/** @type {readonly Lang[]} */
export const LANGS = ['ko', 'en'];

/** @type {Record<string, string>} */
let catalog = {};
/** @type {Lang} */
let current = 'ko';
/** @type {Lang | null} */
let loaded = null;

/** @param {unknown} v @returns {v is Lang} */
export const isLang = (v) => v === 'ko' || v === 'en';

/** The user's language setting; before sign-in the browser's first ko/en language; else Korean. */
export function preferredLang() {
  const setting = cachedSettings().language;
  if (isLang(setting)) return setting;
  const wanted = typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language];
  for (const tag of wanted) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'ko';
}

/**
 * Loads the catalog of `lang` (once). Until it is loaded, t() answers with the key or fallback.
 * @param {Lang} [lang]
 */
export async function loadCatalog(lang = preferredLang()) {
  if (loaded === lang) return;
  const res = await fetch(new URL(`../../locales/${lang}.json`, import.meta.url));
  if (!res.ok) throw new Error(`locale ${lang}: HTTP ${res.status}`);
  catalog = /** @type {Record<string, string>} */ (await res.json());
  current = lang;
  loaded = lang;
}

/** Uses a catalog already at hand (tests, and pages that bundle one). @param {Lang} lang @param {Record<string, string>} strings */
export function useCatalog(lang, strings) {
  catalog = strings;
  current = lang;
  loaded = lang;
}

export function lang() {
  return current;
}

/**
 * The string for `key` with {name} placeholders filled; `fallback` (or the key) when missing.
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 * @param {string} [fallback]
 */
export function t(key, vars, fallback) {
  const s = catalog[key];
  if (s === undefined) return fallback ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (vars[name] !== undefined ? String(vars[name]) : m));
}

/** Fills the marked strings under `root` and sets <html lang>. @param {ParentNode} [root] */
export function applyI18n(root = document) {
  document.documentElement.lang = current;
  for (const node of root.querySelectorAll('[data-i18n]')) {
    if (node instanceof HTMLElement && node.dataset['i18n']) node.textContent = t(node.dataset['i18n']);
  }
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    if (node instanceof HTMLElement && node.dataset['i18nPlaceholder']) node.setAttribute('placeholder', t(node.dataset['i18nPlaceholder']));
  }
  for (const node of root.querySelectorAll('[data-i18n-aria-label]')) {
    if (node instanceof HTMLElement && node.dataset['i18nAriaLabel']) node.setAttribute('aria-label', t(node.dataset['i18nAriaLabel']));
  }
  document.documentElement.classList.add('i18n-ready');
}
