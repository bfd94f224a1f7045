// Lists the elements a keyboard user should reach with Tab, in document
// order: natively focusable or tabindex >= 0, not disabled, rendered, not
// inert. Elements moved off screen (a skip link) still count. The list is
// kept in the page for focus.js, and its length returned.
(() => {
  const sel = [
    "a[href]", "area[href]", "button", "input", "select", "textarea",
    "iframe", "summary", "[tabindex]", "[contenteditable]",
    "audio[controls]", "video[controls]",
  ].join(",");
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.tabIndex < 0 || el.disabled || el.closest("[inert]")) continue;
    if (el.localName === "input" && el.type === "hidden") continue;
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    out.push(el);
  }
  window.__a11yFocusables = out;
  window.__a11yPrevFocus = null;
  return out.length;
})()
