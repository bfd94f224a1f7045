// Describes the element that has the keyboard focus, or returns null when
// nothing does (the document body). index is its position in the list of
// focusables.js (-1 when it is not there); back says whether it comes
// before the previously described element in the document. Positions are
// in page coordinates so that scrolling to the focused element does not
// change them. first and last are the first and last line boxes: a link
// that wraps ends on a different line than it starts.
(() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return null;
  }
  const box = (r) => ({
    x: r.left + window.scrollX,
    y: r.top + window.scrollY,
    w: r.width,
    h: r.height,
  });
  const rects = el.getClientRects();
  const whole = el.getBoundingClientRect();
  const text = (el.getAttribute("aria-label") || el.innerText || el.value || "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 60);
  const prev = window.__a11yPrevFocus;
  const back = !!prev && prev !== el &&
    (prev.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING) !== 0;
  window.__a11yPrevFocus = el;
  return {
    index: (window.__a11yFocusables || []).indexOf(el),
    back: back,
    tag: el.localName,
    id: el.id,
    href: el.getAttribute("href") || "",
    text: text,
    first: box(rects.length ? rects[0] : whole),
    last: box(rects.length ? rects[rects.length - 1] : whole),
  };
})()
