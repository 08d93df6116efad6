// Builds DOM nodes from plain values. No markup is ever parsed from strings, so data from the
// server cannot inject elements. No style attribute is ever written, because the server's
// Content-Security-Policy rejects it, so styling goes through classes in app.css.

const properties = new Set([
  'value', 'checked', 'disabled', 'selected', 'hidden', 'required', 'readOnly', 'multiple',
  'htmlFor', 'id', 'type', 'name', 'href', 'src', 'alt', 'title', 'min', 'max', 'step',
  'placeholder', 'autocomplete', 'tabIndex', 'open', 'download', 'rows', 'colSpan', 'maxLength',
  'minLength', 'inputMode', 'pattern', 'spellcheck', 'dateTime',
]);

let nextId = 0;

// Returns an id that no other element built in this page has.
export function uniqueId(prefix = 'el') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

function applyProps(element, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'style') throw new Error('Inline styles break the Content-Security-Policy: use a class instead');
    if (key === 'class') {
      element.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (key === 'text') {
      element.textContent = value;
    } else if (key === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (properties.has(key) && !(element instanceof SVGElement)) {
      element[key] = value;
    } else {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

function isProps(value) {
  return value !== null && typeof value === 'object' && !(value instanceof Node) && !Array.isArray(value);
}

// Appends nodes, strings (as text) and arrays of them. Null, undefined and false are skipped.
export function append(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// Creates an HTML element: h('button', {class: 'btn', onClick: fn}, 'Save').
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  if (isProps(props)) applyProps(element, props);
  else children.unshift(props);
  return append(element, children);
}

// Creates an SVG element with the same arguments as h().
export function svg(tag, props, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  if (isProps(props)) applyProps(element, props);
  else children.unshift(props);
  return append(element, children);
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

// Replaces the children of `element` with `children`.
export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}
