// Light, dark or the system's choice. The theme is a data-theme attribute on <html>, and app.css
// contains both palettes. The choice is stored locally, so the login page has it too, and in the
// server's settings, so it follows the user to other browsers.

export const themes = ['system', 'light', 'dark'];
const storageKey = 'dynamight.theme';

export function storedTheme() {
  const theme = localStorage.getItem(storageKey);
  return themes.includes(theme) ? theme : 'system';
}

export function applyTheme(theme) {
  const chosen = themes.includes(theme) ? theme : 'system';
  document.documentElement.dataset.theme = chosen;
  localStorage.setItem(storageKey, chosen);
}
