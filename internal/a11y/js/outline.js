// Reads what the page structure checks need: the language, the title and
// the rendered headings in document order.
(() => ({
  lang: document.documentElement.getAttribute("lang") || "",
  title: document.title,
  headings: Array.from(document.querySelectorAll("h1,h2,h3,h4,h5,h6"))
    .filter((h) => h.checkVisibility())
    .map((h) => ({
      level: Number(h.localName.slice(1)),
      text: h.textContent.replace(/\s+/g, " ").trim().slice(0, 80),
    })),
}))()
