// Package pdf makes the PDF edition of a publication: it serves the print
// edition from memory on 127.0.0.1, prints it with headless Chromium
// (package browser) as a tagged PDF with a document outline, and
// post-processes the result in Go.
//
// Chromium cannot number the pages of a table of contents (it has no CSS
// target-counter), so the print edition is printed more than once: the
// page of every heading that the contents lists is read from the named
// destinations of one PDF (Chromium names each after the element id a
// link points to), written into the contents as text by rendering the
// same print template again with render.Page.PageNumbers set, and printed
// again, until the numbers hold.
//
// The post-processing (Fixup) reads and rewrites the PDF with a small
// object parser of its own, enough for what Skia writes (a classic
// cross-reference table, Flate streams): it marks untagged content —
// CSS margin boxes with running headers and page numbers, generated
// text — as /Artifact, adds a role map for structure types that PDF 1.7
// lacks, gives each link annotation a /Contents, writes the title,
// language and XMP metadata, takes its dates from the publication (or
// SOURCE_DATE_EPOCH), never the clock, and derives the /ID from the
// content.
package pdf
