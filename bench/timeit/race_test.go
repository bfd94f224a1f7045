//go:build race

package main

// raceDetector: the race detector's shadow memory multiplies what a
// process of this test binary takes.
const raceDetector = true
