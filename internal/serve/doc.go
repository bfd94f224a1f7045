// Package serve is the live preview of stratpub serve: it builds a
// publication in memory, serves it over HTTP, rebuilds it when a source
// file changes and tells the open pages to reload.
//
// # Snapshots
//
// A snapshot is a prepared publication (build.Prepared): loaded, resolved,
// and able to render any page on demand with exactly the bytes a full
// build writes. The server holds the current snapshot in an atomic pointer
// and replaces it only after a rebuild has succeeded, so a request never
// sees a half-built site. Rendered files are cached per snapshot.
//
// # Live reload
//
// Every HTML response gets one external script, /_stratpub/reload.js,
// before </body> (never inline: the pages are served with a strict
// Content-Security-Policy). The script listens on /_stratpub/events, a
// Server-Sent Events stream: "reload" reloads the page and restores its
// scroll position; "css" swaps changed stylesheets without a reload.
//
// # Errors
//
// When a rebuild fails the last good snapshot keeps being served and
// every HTML response carries an error overlay: a modal dialog with a
// heading, each problem as file:line:col and message, and the source lines
// around it highlighted by chroma (CSS classes only, styles served from
// /_stratpub/overlay.css). The terminal shows the same problems. The next
// successful rebuild removes the overlay.
//
// # Security
//
// The server answers only GET and HEAD, only for paths of the snapshot,
// looked up in a map after the request path has been checked: "..",
// backslashes, NUL, encoded slashes and double slashes are refused before
// any lookup, and there are no directory listings. Requests whose Host is
// not the served address are refused (DNS rebinding), and so are event
// streams opened from another origin. No CORS headers are sent. A panic in
// a handler is recovered and answered with 500.
package serve
