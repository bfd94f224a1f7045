// Search is added by the search feature; this file keeps the page working
// without it: the form submits to the key activities index.
