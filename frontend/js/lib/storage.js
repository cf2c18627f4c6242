// @ts-check
// What the browser keeps between pages: the token, the user's settings and who the user is.
// Storage can be unavailable (privacy modes): reads then give nothing and writes are dropped.

/** @typedef {import('../types/app').Settings} Settings */
/** @typedef {import('../types/app').Role} Role */
/** @typedef {{ id: number, name: string, role: Role, profile_image?: string | null }} CachedUser */

const TOKEN_KEY = 'pym.token';
const SETTINGS_KEY = 'pym.settings';
const USER_KEY = 'pym.me';

/** @param {string} key */
function read(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** @param {string} key @param {string | null} value */
function write(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    /* not kept: the next page asks the API again */
  }
}

/** @param {string} key @returns {unknown} */
function readJson(key) {
  try {
    return JSON.parse(read(key) ?? 'null');
  } catch {
    return null;
  }
}

export function getToken() {
  return read(TOKEN_KEY);
}

/** @param {string} token */
export function setToken(token) {
  write(TOKEN_KEY, token);
}

/** Forgets the session; settings stay, so the login page keeps the user's language and theme. */
export function clearSession() {
  write(TOKEN_KEY, null);
  write(USER_KEY, null);
}

/** @returns {Partial<Settings>} */
export function cachedSettings() {
  const s = readJson(SETTINGS_KEY);
  return s && typeof s === 'object' ? /** @type {Partial<Settings>} */ (s) : {};
}

/** @param {Settings} settings */
export function cacheSettings(settings) {
  write(SETTINGS_KEY, JSON.stringify(settings));
}

/** @returns {CachedUser | null} */
export function cachedUser() {
  const u = readJson(USER_KEY);
  if (!u || typeof u !== 'object') return null;
  const { id, name, role } = /** @type {Record<string, unknown>} */ (u);
  if (typeof id !== 'number' || typeof name !== 'string' || typeof role !== 'string') return null;
  return /** @type {CachedUser} */ (u);
}

/** @param {CachedUser} user */
export function cacheUser(user) {
  write(USER_KEY, JSON.stringify({ id: user.id, name: user.name, role: user.role, profile_image: user.profile_image ?? null }));
}
