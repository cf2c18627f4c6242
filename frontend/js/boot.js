// @ts-check
// Before the first paint (a classic script in <head>, the only one): the cached theme and language,
// so a dark-theme or English-speaking user sees no flash. Everything else is an ES module.
{
  /** @type {{ theme?: string, language?: string }} */
  let s = {};
  try {
    s = JSON.parse(localStorage.getItem('pym.settings') || '{}') || {};
  } catch {
    /* defaults */
  }
  const root = document.documentElement;
  const choice = s.theme || root.dataset['theme'] || 'light';
  const dark = choice === 'dark' || (choice === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  root.dataset['themeChoice'] = choice;
  root.dataset['theme'] = dark ? 'dark' : 'light';
  let lang = s.language;
  if (lang !== 'ko' && lang !== 'en') {
    const first = (navigator.languages || [navigator.language]).map((l) => String(l).toLowerCase().split('-')[0]).find((l) => l === 'ko' || l === 'en');
    lang = first || 'ko';
  }
  root.lang = lang;
}
