// Shared pieces of the interface: toasts, dialogs, form fields with inline errors, status badges.

import { append, h, uniqueId } from './dom.js';
import { t } from './i18n.js';

// Shows a short message in the live region at the corner. Errors stay until dismissed.
export function toast(message, { kind = 'success', action = null } = {}) {
  const region = document.getElementById('toasts');
  if (!region) return;
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': t('common.dismiss') }, '×');
  const item = h('div', { class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'toast-text' }, message), action, close);
  close.addEventListener('click', () => item.remove());
  region.append(item);
  if (kind !== 'error') setTimeout(() => item.remove(), 6000);
}

// Shows an error's message. A 401 shows nothing, because the session handler has already sent
// the user to the login page with its own notice.
export function errorToast(error) {
  if (error?.status === 401) return;
  toast(error.message || String(error), { kind: 'error' });
}

// Opens a modal <dialog> built by `build(close)` and resolves with the value given to close().
// Escape and the cancel button resolve with null, and the focus returns to where it was.
export function openDialog({ title, build, className = '' }) {
  return new Promise((resolve) => {
    const previousFocus = document.activeElement;
    const titleId = uniqueId('dialog-title');
    const dialog = h('dialog', { class: ['dialog', className], 'aria-labelledby': titleId });
    let result = null;
    const close = (value = null) => {
      result = value;
      dialog.close();
    };
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (previousFocus instanceof HTMLElement) previousFocus.focus();
      resolve(result);
    });
    append(dialog, h('h2', { id: titleId, class: 'dialog-title' }, title), build(close));
    document.body.append(dialog);
    dialog.showModal();
  });
}

// Asks before a destructive action and resolves true when the user confirms.
export async function confirmAction({ title, message, confirmLabel, danger = true }) {
  const confirmed = await openDialog({
    title,
    build: (close) => h('div', {},
      h('p', {}, message),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onClick: () => close(false) }, t('common.cancel')),
        h('button', {
          type: 'button',
          class: ['btn', danger ? 'btn-danger' : 'btn-primary'],
          onClick: () => close(true),
        }, confirmLabel))),
  });
  return confirmed === true;
}

// Disables a button and marks it busy while `work` runs.
export async function withBusy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

// Builds a labelled form control with a hint and an error slot tied to it by aria-describedby.
// Returns the wrapper, whose `control` property is the control.
export function field({ label, control, hint = null, fieldName = null, className = '' }) {
  const id = control.id || uniqueId('field');
  control.id = id;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, errorId].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', describedBy);
  if (fieldName) control.dataset.field = fieldName;

  const isCheck = control.type === 'checkbox' || control.type === 'radio';
  const labelElement = h('label', { htmlFor: id, class: 'field-label' }, label);
  const wrapper = h('div', { class: ['field', isCheck ? 'field-check' : '', className] },
    isCheck ? [control, labelElement] : [labelElement, control],
    hint ? h('p', { id: hintId, class: 'field-hint' }, hint) : null,
    h('p', { id: errorId, class: 'field-error', hidden: true }));
  wrapper.control = control;
  return wrapper;
}

// Shows `message` under a control built by field(), or clears it when message is empty.
export function setFieldError(control, message) {
  const slot = document.getElementById(`${control.id}-error`);
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
  if (!slot) return;
  slot.textContent = message ?? '';
  slot.hidden = !message;
}

export function clearFieldErrors(form) {
  for (const control of form.querySelectorAll('[aria-invalid="true"]')) setFieldError(control, null);
}

// Sets the error messages of a form: `errors` maps controls to messages. Focuses the first one.
export function showFieldErrors(errors) {
  let first = null;
  for (const [control, message] of errors) {
    setFieldError(control, message);
    first ??= control;
  }
  first?.focus();
  return errors.length > 0;
}

// The summary box at the top of a form, for errors that belong to no single field.
export function formAlert() {
  const box = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  box.show = (message) => {
    box.textContent = message ?? '';
    box.hidden = !message;
  };
  return box;
}

export function input(props = {}) {
  return h('input', { type: 'text', class: 'input', ...props });
}

export function select(options, props = {}) {
  return h('select', { class: 'input', ...props },
    options.map(([value, label]) => h('option', { value }, label)));
}

export function checkbox(props = {}) {
  return h('input', { type: 'checkbox', class: 'checkbox', ...props });
}

export const runStatuses = ['pending', 'running', 'completed', 'partial', 'failed', 'cancelled'];

export function statusBadge(status) {
  const known = runStatuses.includes(status) ? status : 'unknown';
  return h('span', { class: ['badge', `status-${known}`] }, t(`status.${known}`));
}

export function isActiveStatus(status) {
  return status === 'pending' || status === 'running';
}

// A notice for a feature whose API route is not on this server yet.
export function unavailableNotice(message) {
  return h('p', { class: 'notice notice-info', role: 'status' }, message);
}

export function pageHeader(title, ...actions) {
  return h('div', { class: 'page-header' },
    h('h1', { class: 'page-title', tabIndex: -1 }, title),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}
