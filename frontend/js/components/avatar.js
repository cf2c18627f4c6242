// @ts-check
// A profile picture that falls back to the person's initials when there is none or it fails to load.
import { el } from '../lib/dom.js';

/** @param {string} name */
export function initialsOf(name) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [name.trim()];
  return letters.map((w) => Array.from(w ?? '')[0] ?? '').join('').toUpperCase() || '?';
}

/**
 * @param {{ name: string, src?: string | null, alt: string }} opts
 * @returns {HTMLElement}
 */
export function createAvatar({ name, src, alt }) {
  const initials = el('span', { class: 'avatar initials', role: 'img', 'aria-label': alt, text: initialsOf(name) });
  if (!src) return initials;
  const img = el('img', { class: 'avatar', alt, hidden: true, decoding: 'async' });
  const box = el('span', { class: 'avatar-box', 'data-avatar': 'initials' }, initials, img);
  img.addEventListener('load', () => {
    img.hidden = false;
    initials.hidden = true;
    box.dataset['avatar'] = 'image';
  });
  img.addEventListener('error', () => {
    img.remove();
    box.dataset['avatar'] = 'fallback';
  });
  img.src = src;
  return box;
}
