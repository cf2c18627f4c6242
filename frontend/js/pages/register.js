// @ts-check
// register.html: a new account, then to sign in with the email filled in.
import { ApiError, call } from '../lib/api.js';
import { byId } from '../lib/dom.js';
import { busy, clearErrors, control, showErrors } from '../lib/forms.js';
import { t } from '../lib/i18n.js';
import { pageReady, startPage } from '../lib/shell.js';

await startPage({ auth: 'none' });
const form = byId('register-form', HTMLFormElement);
const value = (/** @type {string} */ name) => control(form, name, HTMLInputElement).value;
control(form, 'name', HTMLInputElement).focus();

form.addEventListener('submit', (e) => {
  e.preventDefault();
  busy(form.querySelector('button[type="submit"]'), async () => {
    clearErrors(form);
    if (value('password') !== value('password_confirm')) {
      showErrors(form, new ApiError(400, { detail: t('error.password_mismatch'), errors: [{ field: 'password_confirm', message: t('error.password_mismatch') }] }));
      return;
    }
    const email = value('email').trim();
    try {
      await call('post', '/auth/register', { auth: false, body: { name: value('name').trim(), email, password: value('password') } });
      location.assign(`login.html?registered=1&email=${encodeURIComponent(email)}`);
    } catch (err) {
      showErrors(form, err);
    }
  });
});
pageReady();
