// login.html and register.html.
(function () {
  'use strict';
  const t = (k, v) => PM.i18n.t(k, v);
  const params = new URLSearchParams(location.search);

  async function afterLogin(token) {
    PM.setToken(token);
    try {
      await PM.me();
      await PM.loadSettings();
    } catch { /* the dashboard loads them again */ }
    location.assign(PM.safeNext(params.get('next')));
  }

  function setupLogin(form) {
    if (params.get('registered')) PM.showOk(form, t('register.done'));
    const email = params.get('email');
    if (email) form.username.value = email;
    (email ? form.password : form.username).focus();
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      PM.busy(button, async () => {
        PM.clearErrors(form);
        try {
          // OAuth2 password flow: form-encoded username and password.
          const r = await PM.request('/auth/login', { method: 'POST', auth: false, form: { username: form.username.value.trim(), password: form.password.value } });
          await afterLogin(r.access_token);
        } catch (err) {
          PM.showErrors(form, err);
        }
      });
    });
  }

  function setupRegister(form) {
    form.name.focus();
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      PM.busy(button, async () => {
        PM.clearErrors(form);
        if (form.password.value !== form.password_confirm.value) {
          PM.showErrors(form, new PM.ApiError(400, { detail: t('error.password_mismatch'), errors: [{ field: 'password_confirm', message: t('error.password_mismatch') }] }));
          return;
        }
        const email = form.email.value.trim();
        try {
          await PM.request('/auth/register', { method: 'POST', auth: false, body: { name: form.name.value.trim(), email, password: form.password.value } });
          location.assign(`login.html?registered=1&email=${encodeURIComponent(email)}`);
        } catch (err) {
          PM.showErrors(form, err);
        }
      });
    });
  }

  PM.i18n.apply();
  const login = document.getElementById('login-form');
  const register = document.getElementById('register-form');
  if (login) setupLogin(login);
  if (register) setupRegister(register);
})();
