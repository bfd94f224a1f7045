// Package fidelity checks that a built site says everything its source
// document says, word for word.
//
// The source is the plain text extracted from the printed publication
// (seeds/cbp-strategy-2021-2026.txt). Sentences splits it into sentences,
// after cutting out page furniture that an explicit allow-list names: the
// contents page, running headers, end marks and the rows of the printed
// summary table (the generator rebuilds that table from the objective pages;
// where the printed table words a statement differently, the difference is
// kept in the objective's summary_statement and listed in
// docs/editorial-notes.md). Missing reports every sentence that does not occur
// in the visible text of the site.
//
// Both sides are compared after Normalize, which makes the comparison blind
// to what a faithful rendering may change: runs of white space, curly against
// straight quotes, em and en dashes against hyphens, footnote marks, the
// extraction's "\$" for "$", and the space that joining HTML text nodes puts
// before punctuation. It is not blind to words: a changed, missing or
// reordered word inside a sentence is reported.
//
// The test in this package builds the stratpub binary, builds the
// publication at the module root with it, and checks the HTML it writes.
package fidelity
