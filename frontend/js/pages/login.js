// @ts-check
// login.html: OAuth2 password sign-in; afterwards back to the page that sent the user here.
import { call, safeNext } from '../lib/api.js';
import { byId } from '../lib/dom.js';
import { busy, clearErrors, control, showErrors, showOk } from '../lib/forms.js';
import { t } from '../lib/i18n.js';
import { pageReady, startPage } from '../lib/shell.js';
import { cacheSettings, cacheUser, setToken } from '../lib/storage.js';

await startPage({ auth: 'none' });
const params = new URLSearchParams(location.search);
const form = byId('login-form', HTMLFormElement);
const username = control(form, 'username', HTMLInputElement);
const password = control(form, 'password', HTMLInputElement);

if (params.get('registered')) showOk(form, t('register.done'));
const email = params.get('email');
if (email) username.value = email;
(email ? password : username).focus();

form.addEventListener('submit', (e) => {
  e.preventDefault();
  busy(form.querySelector('button[type="submit"]'), async () => {
    clearErrors(form);
    try {
      const r = await call('post', '/auth/login', { auth: false, form: { username: username.value.trim(), password: password.value } });
      setToken(r.access_token);
      // The next page starts in the user's language and theme.
      try {
        const [user, settings] = await Promise.all([call('get', '/users/me'), call('get', '/users/me/settings')]);
        cacheUser(user);
        cacheSettings(settings);
      } catch {
        /* the next page asks again */
      }
      location.assign(safeNext(params.get('next')));
    } catch (err) {
      showErrors(form, err);
    }
  });
});
pageReady();
