// Message catalogues: every text the app shows comes from i18n/<language>.json.
//
// A message is a string with {name} placeholders, or an object of plural forms keyed by
// Intl.PluralRules categories ("one", "other", ...) chosen by the `count` parameter.

export const languages = ['en', 'de'];
const storageKey = 'dynamight.language';

let language = 'en';
let messages = {};
let fallback = {};
const listeners = new Set();

async function fetchCatalogue(code) {
  const response = await fetch(new URL(`../i18n/${code}.json`, import.meta.url));
  if (!response.ok) throw new Error(`Failed to load the ${code} messages: HTTP ${response.status}`);
  return response.json();
}

// The stored choice, else the first of the browser's languages that the app has, else English.
export function preferredLanguage() {
  const stored = localStorage.getItem(storageKey);
  if (languages.includes(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const code = String(tag).toLowerCase().split('-')[0];
    if (languages.includes(code)) return code;
  }
  return 'en';
}

export function currentLanguage() {
  return language;
}

// The BCP 47 tag for Intl formatters: the browser's own tag when it is of the chosen language,
// so an en-GB browser keeps its date order.
export function locale() {
  const browser = navigator.language ?? language;
  return browser.toLowerCase().startsWith(language) ? browser : language;
}

// Loads a language's messages and notifies the listeners. `remember` stores the choice.
export async function setLanguage(code, { remember = false } = {}) {
  if (!languages.includes(code)) code = 'en';
  if (Object.keys(fallback).length === 0) fallback = await fetchCatalogue('en');
  messages = code === 'en' ? fallback : await fetchCatalogue(code);
  language = code;
  document.documentElement.lang = code;
  if (remember) localStorage.setItem(storageKey, code);
  for (const listener of listeners) listener(code);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function interpolate(text, params) {
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

// Returns the message `key` in the current language, falling back to English.
export function t(key, params = {}) {
  let message = messages[key] ?? fallback[key];
  if (message === undefined) {
    // An error, so the browser tests fail on any text that is missing from the catalogues.
    console.error(`Missing message: ${key}`);
    return key;
  }
  if (typeof message === 'object') {
    const category = new Intl.PluralRules(language).select(Number(params.count ?? 0));
    message = message[category] ?? message.other;
  }
  return interpolate(message, params);
}

// Whether the catalogue has `key`, for optional texts such as hints.
export function has(key) {
  return key in messages || key in fallback;
}
