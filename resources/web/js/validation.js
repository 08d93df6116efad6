// Checks that mirror the server's rules, so forms can point at a mistake before sending.
// The server checks again and its message is shown when it disagrees.

import { t } from './i18n.js';

export const passwordMinLength = 8;
export const passwordMaxLength = 1024;

export function usernameError(value) {
  const name = value.trim();
  if (!name) return t('validation.required');
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) return t('validation.username');
  return null;
}

// Returns [control, message] pairs for a new password and its confirmation.
export function passwordErrors(password, confirm) {
  const errors = [];
  if (password.value.length < passwordMinLength) {
    errors.push([password, t('validation.passwordLength', { count: passwordMinLength })]);
  } else if (password.value.length > passwordMaxLength) {
    errors.push([password, t('validation.passwordTooLong', { count: passwordMaxLength })]);
  }
  if (confirm.value !== password.value) errors.push([confirm, t('validation.passwordMismatch')]);
  return errors;
}

// Returns the message for a folder path that the server would reject, or null.
export function absolutePathError(value) {
  const path = value.trim();
  if (!path) return t('validation.required');
  if (!path.startsWith('/')) return t('validation.absolutePath');
  if (path.replace(/\/+$/, '') === '') return t('validation.rootPath');
  if (path.split('/').includes('..')) return t('validation.dotDot');
  // Control characters (a pasted newline) cannot be part of a path that rsync gets.
  if (/\p{Cc}/u.test(path)) return t('validation.controlCharacters');
  return null;
}

export function integerError(value, { min, max, required = false }) {
  if (String(value).trim() === '') return required ? t('validation.required') : null;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) return t('validation.range', { min, max });
  return null;
}

// Five whitespace-separated fields; the server checks the fields themselves.
export function cronError(value) {
  const fields = value.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 0) return t('validation.required');
  if (fields.length !== 5) return t('validation.cronFields');
  return null;
}
