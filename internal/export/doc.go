// Package export writes a plan as open data: the whole model as JSON with
// its JSON Schema, the key activities as CSV, and StratML Part 1 (ISO
// 17469-1) and Part 2 documents. Every writer is a pure function of the
// plan: the same plan gives byte-identical files, with no timestamps, so
// that builds are reproducible and diffs show only real changes.
//
// The formats are documented field by field in docs/data.md; that file and
// the JSON Schema (strategy.schema.json, embedded here) change together
// with SchemaVersion.
//
// Addresses in the data are site paths relative to the site root
// ("objectives/1.3/index.html#activity-1.3.2"), as everywhere in stratpub;
// when the publication has a base URL, permalinks are absolute.
package export
