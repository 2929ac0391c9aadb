// Package e2e tests Roster as its users meet it: the real binary, built once, started on
// a loopback port with a temporary data directory, driven from its command line and from
// a real Chromium (chromedp). Screenshots go to e2e/artifacts/ (ignored by git).
package e2e
