// profile.html: name, phone and image (PATCH /users/me), settings (PUT /users/me/settings), password.
(function () {
  'use strict';
  const t = (k, v) => PM.i18n.t(k, v);
  const profileForm = document.getElementById('profile-form');
  const settingsForm = document.getElementById('settings-form');
  const passwordForm = document.getElementById('password-form');

  function showUser(u) {
    document.getElementById('me-email').textContent = u.email;
    document.getElementById('me-role').textContent = t(`role.${u.role}`);
    document.getElementById('me-last-login').textContent = PM.fmtDate(u.last_login_at);
    profileForm.elements.name.value = u.name;
    profileForm.elements.phone.value = u.phone || '';
    profileForm.elements.profile_image.value = u.profile_image || '';
    const img = document.getElementById('avatar');
    if (u.profile_image) {
      img.src = u.profile_image;
      img.alt = t('profile.avatar_alt', { name: u.name });
      img.hidden = false;
    } else {
      img.hidden = true;
      img.removeAttribute('src');
    }
  }

  function showSettings(s) {
    settingsForm.elements.theme.value = s.theme;
    settingsForm.elements.language.value = s.language;
    settingsForm.elements.timezone.value = s.timezone;
    settingsForm.elements.email_notifications.checked = s.email_notifications;
  }

  function fillTimezones() {
    const list = document.getElementById('timezones');
    let zones = [];
    try { zones = Intl.supportedValuesOf('timeZone'); } catch { zones = ['Asia/Seoul', 'UTC', 'Asia/Tokyo', 'America/New_York', 'Europe/London']; }
    list.replaceChildren(...zones.map((z) => PM.el('option', { value: z })));
  }

  function onSubmit(form, fn) {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      PM.busy(form.querySelector('button[type="submit"]'), async () => {
        PM.clearErrors(form);
        try {
          await fn();
        } catch (err) {
          PM.showErrors(form, err);
        }
      });
    });
  }

  async function start() {
    if (!PM.requireAuth()) return;
    PM.i18n.apply();
    PM.renderHeader('profile.html');
    fillTimezones();
    let user, settings;
    try {
      [user, settings] = await Promise.all([PM.me(), PM.loadSettings()]);
    } catch (err) {
      if (err.status !== 401) PM.showErrors(profileForm, err);
      return;
    }
    PM.i18n.apply();
    PM.renderHeader('profile.html');
    showUser(user);
    showSettings(settings);

    onSubmit(profileForm, async () => {
      const v = (n) => profileForm.elements[n].value.trim();
      const u = await PM.request('/users/me', { method: 'PATCH', body: { name: v('name'), phone: v('phone') || null, profile_image: v('profile_image') || null } });
      await PM.me();
      showUser(u);
      PM.renderHeader('profile.html');
      PM.showOk(profileForm, t('profile.saved'));
    });

    // Preview the theme as soon as it is picked; saving makes it stick.
    settingsForm.elements.theme.addEventListener('change', (e) => PM.applyTheme(e.target.value));
    onSubmit(settingsForm, async () => {
      const f = settingsForm.elements;
      const s = await PM.request('/users/me/settings', {
        method: 'PUT',
        body: { theme: f.theme.value, language: f.language.value, timezone: f.timezone.value.trim(), email_notifications: f.email_notifications.checked },
      });
      PM.cacheSettings(s);
      PM.i18n.apply();
      PM.renderHeader('profile.html');
      showUser(await PM.me());
      showSettings(s);
      PM.showOk(settingsForm, t('profile.settings_saved'));
    });

    onSubmit(passwordForm, async () => {
      const f = passwordForm.elements;
      if (f.new_password.value !== f.new_password_confirm.value) {
        throw new PM.ApiError(400, { detail: t('error.password_mismatch'), errors: [{ field: 'new_password_confirm', message: t('error.password_mismatch') }] });
      }
      // Other sessions end with the change; this one goes on with the token the answer carries.
      const r = await PM.request('/users/me/password', { method: 'POST', body: { current_password: f.current_password.value, new_password: f.new_password.value } });
      PM.setToken(r.access_token);
      passwordForm.reset();
      PM.showOk(passwordForm, t('profile.password_changed'));
    });
  }

  start();
})();
