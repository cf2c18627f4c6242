// @ts-check
// profile.html: name, phone and image (PATCH /users/me), settings (PUT /users/me/settings), password.
import { createAvatar } from '../components/avatar.js';
import { ApiError, call } from '../lib/api.js';
import { byId, el } from '../lib/dom.js';
import { formatDateTime } from '../lib/format.js';
import { busy, clearErrors, control, showErrors, showOk } from '../lib/forms.js';
import { applyI18n, isLang, lang, loadCatalog, t } from '../lib/i18n.js';
import { pageReady, refreshUser, renderHeader, startPage } from '../lib/shell.js';
import { cacheSettings, setToken } from '../lib/storage.js';
import { applyTheme } from '../lib/theme.js';

/** @typedef {import('../types/app').User} User */
/** @typedef {import('../types/app').Settings} Settings */

const ACTIVE = 'profile.html';
const started = await startPage({ active: ACTIVE });
const profileForm = byId('profile-form', HTMLFormElement);
const settingsForm = byId('settings-form', HTMLFormElement);
const passwordForm = byId('password-form', HTMLFormElement);
const field = (/** @type {HTMLFormElement} */ f, /** @type {string} */ name) => control(f, name, HTMLInputElement);

/** @param {User} u */
function showUser(u) {
  byId('me-email').textContent = u.email;
  byId('me-role').textContent = t(`role.${u.role}`);
  byId('me-last-login').textContent = formatDateTime(u.last_login_at);
  field(profileForm, 'name').value = u.name;
  field(profileForm, 'phone').value = u.phone ?? '';
  field(profileForm, 'profile_image').value = u.profile_image ?? '';
  byId('avatar').replaceChildren(createAvatar({ name: u.name, src: u.profile_image, alt: t('profile.avatar_alt', { name: u.name }) }));
}

/** @param {Settings} s */
function showSettings(s) {
  control(settingsForm, 'theme', HTMLSelectElement).value = s.theme;
  control(settingsForm, 'language', HTMLSelectElement).value = s.language;
  field(settingsForm, 'timezone').value = s.timezone;
  field(settingsForm, 'email_notifications').checked = s.email_notifications;
}

function fillTimezones() {
  let zones = ['Asia/Seoul', 'UTC', 'Asia/Tokyo', 'America/New_York', 'Europe/London'];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    /* the short list */
  }
  byId('timezones').replaceChildren(...zones.map((z) => el('option', { value: z })));
}

/** @param {HTMLFormElement} form @param {() => Promise<void>} fn */
function onSubmit(form, fn) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('button[type="submit"]'), async () => {
      clearErrors(form);
      try {
        await fn();
      } catch (err) {
        showErrors(form, err);
      }
    });
  });
}

fillTimezones();
if (started.user && started.settings) {
  showUser(started.user);
  showSettings(started.settings);
}

onSubmit(profileForm, async () => {
  const v = (/** @type {string} */ n) => field(profileForm, n).value.trim();
  await call('patch', '/users/me', { body: { name: v('name'), phone: v('phone') || null, profile_image: v('profile_image') || null } });
  showUser(await refreshUser(ACTIVE));
  showOk(profileForm, t('profile.saved'));
});

// Preview the theme as soon as it is picked; saving makes it stick.
control(settingsForm, 'theme', HTMLSelectElement).addEventListener('change', (e) => {
  if (e.target instanceof HTMLSelectElement) applyTheme(e.target.value);
});
onSubmit(settingsForm, async () => {
  const language = control(settingsForm, 'language', HTMLSelectElement).value;
  const theme = control(settingsForm, 'theme', HTMLSelectElement).value;
  const s = await call('put', '/users/me/settings', {
    body: {
      theme: theme === 'dark' || theme === 'system' ? theme : 'light',
      language: isLang(language) ? language : 'ko',
      timezone: field(settingsForm, 'timezone').value.trim(),
      email_notifications: field(settingsForm, 'email_notifications').checked,
    },
  });
  cacheSettings(s);
  applyTheme(s.theme);
  if (s.language !== lang()) {
    await loadCatalog(s.language);
    applyI18n();
  }
  const u = await refreshUser(ACTIVE);
  renderHeader(ACTIVE, u);
  showUser(u);
  showSettings(s);
  showOk(settingsForm, t('profile.settings_saved'));
});

onSubmit(passwordForm, async () => {
  const next = field(passwordForm, 'new_password').value;
  if (next !== field(passwordForm, 'new_password_confirm').value) {
    throw new ApiError(400, { detail: t('error.password_mismatch'), errors: [{ field: 'new_password_confirm', message: t('error.password_mismatch') }] });
  }
  // Other sessions end with the change; this one goes on with the token the answer carries.
  const r = await call('post', '/users/me/password', { body: { current_password: field(passwordForm, 'current_password').value, new_password: next } });
  setToken(r.access_token);
  passwordForm.reset();
  showOk(passwordForm, t('profile.password_changed'));
});
pageReady();
