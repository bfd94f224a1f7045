// Package a11y checks the accessibility of built pages in a real browser
// and with the Nu HTML Checker. Its tests are the accessibility suite of
// stratpub: they build the publication at the repository root, serve it on
// a loopback address and hold every page to WCAG 2.2 AA.
//
// The checkers work on the page loaded in a chromedp tab, so the same code
// runs on the real site and on the broken fixture in
// testdata/a11y-broken/ that proves each checker can fail:
//
//   - Axe runs axe-core (injected with InjectAxe from the committed npm
//     lock) with a set of rule tags: WCAGTags for WCAG 2.0, 2.1 and 2.2 A
//     and AA, BestPractice for Deque's best practices.
//   - Emulate sets the viewport width and the emulated colour scheme
//     (prefers-color-scheme) without reloading the page.
//   - ReadOutline and Outline.Problems check lang, title, one h1 and
//     heading levels; ReadOverflow measures horizontal scrolling.
//   - SkipLink presses Tab from a fresh load and checks that the skip link
//     comes first and moves focus to main; TabSequence records every focus
//     stop, and OrderProblems compares it with the DOM order of the
//     focusable elements and with their position on screen.
//   - VNU runs the Nu HTML Checker over many files in one JVM.
//
// docs/accessibility.md describes what is tested, how to run the suite and
// what still needs a person with a screen reader.
package a11y
