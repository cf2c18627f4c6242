// @ts-check
// API errors on forms: each {field, message} next to its input, the rest in the form's error box.
import { ApiError } from './api.js';
import { el } from './dom.js';
import { t } from './i18n.js';

/** @param {HTMLFormElement} form */
export function clearErrors(form) {
  for (const e of form.querySelectorAll('.field-error[data-generated]')) e.remove();
  for (const i of form.querySelectorAll('[aria-invalid="true"]')) {
    i.removeAttribute('aria-invalid');
    const ids = (i.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((id) => id && !id.startsWith('err-'));
    if (ids.length) i.setAttribute('aria-describedby', ids.join(' '));
    else i.removeAttribute('aria-describedby');
  }
  form.querySelector('[data-form-error]')?.replaceChildren();
  form.querySelector('[data-form-ok]')?.replaceChildren();
}

/**
 * Shows an error on a form: API field errors beside the input named `field` (or data-field), the rest
 * in the form's [data-form-error] box. Focuses the first bad input.
 * @param {HTMLFormElement} form
 * @param {unknown} err
 */
export function showErrors(form, err) {
  clearErrors(form);
  /** @type {string[]} */
  const leftovers = [];
  /** @type {HTMLElement | null} */
  let first = null;
  const errors = err instanceof ApiError ? err.errors : [];
  for (const e of errors) {
    const field = e.field;
    const input = field ? form.querySelector(`[name="${CSS.escape(field)}"], [data-field="${CSS.escape(field)}"]`) : null;
    if (!(input instanceof HTMLElement)) {
      leftovers.push(field ? `${field}: ${e.message}` : e.message);
      continue;
    }
    const id = `err-${field.replace(/[^\w-]/g, '_')}`;
    let msg = form.querySelector(`#${CSS.escape(id)}`);
    if (!msg) {
      msg = el('p', { class: 'field-error', id, 'data-generated': true });
      (input.closest('.field, .check') ?? input).append(msg);
    }
    msg.textContent = msg.textContent ? `${msg.textContent}; ${e.message}` : e.message;
    input.setAttribute('aria-invalid', 'true');
    const described = (input.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    if (!described.includes(id)) input.setAttribute('aria-describedby', [...described, id].join(' '));
    first ??= input;
  }
  const box = form.querySelector('[data-form-error]');
  if (box instanceof HTMLElement) {
    const headline = errors.length && !leftovers.length ? t('error.fix_fields') : err instanceof Error ? err.message : String(err);
    box.append(el('strong', { text: headline }));
    if (leftovers.length && errors.length) box.append(el('ul', null, leftovers.map((m) => el('li', { text: m }))));
    if (!first) box.focus();
  }
  first?.focus();
}

/** @param {HTMLFormElement} form @param {string} message */
export function showOk(form, message) {
  form.querySelector('[data-form-ok]')?.replaceChildren(el('span', { text: message }));
}

/**
 * Disables a button while `fn` runs.
 * @template T
 * @param {HTMLButtonElement | null} button
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function busy(button, fn) {
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  }
  try {
    return await fn();
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }
}

/**
 * A form control by name, of the given type (the page's markup defines them).
 * @template {typeof HTMLElement} T
 * @param {HTMLFormElement} form
 * @param {string} name
 * @param {T} type
 * @returns {InstanceType<T>}
 */
export function control(form, name, type) {
  const c = form.elements.namedItem(name);
  if (!(c instanceof type)) throw new Error(`form control ${name} missing`);
  return /** @type {InstanceType<T>} */ (c);
}
