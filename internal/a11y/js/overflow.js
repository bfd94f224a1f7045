// Measures horizontal overflow of the page and, when there is some, names
// the innermost rendered elements that stick out to the right.
(() => {
  const root = document.documentElement;
  const res = { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits: [] };
  if (root.scrollWidth <= root.clientWidth) return res;
  for (const el of document.body.querySelectorAll("*")) {
    if (res.culprits.length >= 5) break;
    const r = el.getBoundingClientRect();
    if (r.right <= root.clientWidth + 1 || !el.checkVisibility()) continue;
    const inner = Array.from(el.children).some(
      (c) => c.getBoundingClientRect().right > root.clientWidth + 1,
    );
    if (inner) continue;
    const name = el.localName + (el.id ? "#" + el.id : "") +
      (el.classList.length ? "." + Array.from(el.classList).join(".") : "");
    res.culprits.push(name + " (right edge at " + Math.round(r.right) + "px)");
  }
  return res;
})()
