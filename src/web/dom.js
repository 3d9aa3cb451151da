/* global document */
// The page's one way to build DOM: stone data comes from other organisations' systems, so strings only
// ever become text nodes, never markup.

/** An element with a class and children; strings become text nodes, never markup. */
export function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}
/** A header cell with its scope (`col` or `row`), as screen readers need to read a table. */
export const th = (scope, ...children) => Object.assign(el('th', '', ...children), { scope });
