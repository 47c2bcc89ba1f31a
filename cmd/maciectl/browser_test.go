package main

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromium finds a Chromium binary; the test is skipped without one only outside CI.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found, and CI must run the browser test (apt-get install chromium)")
	}
	t.Skip("chromium not found (install the Debian package chromium); CI runs this test")
	return ""
}

// openInBrowser opens a page file in headless Chromium, in a window narrow enough to wrap, and
// checks that the chart and the accounts table show every account, that the accounts that could
// not be read show as unknown (not 0 % and 0.00), that no Region cell wraps, and that the page
// requested nothing but itself.
func openInBrowser(t *testing.T, path string, accounts, unknown []string) {
	t.Helper()
	// The defaults are headless, no first run and no background networking; the sandbox is off
	// because tests may run as root in a container.
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]), chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(480, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var mu sync.Mutex
	var requests []string
	err := chromedp.Listen(ctx, func(ev any) { // the Network domain is enabled on attach
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	url := "file://" + path
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#chart"))); err != nil {
		t.Fatalf("opening %s in Chromium: %v", path, err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil || title != "Macie Self-Service status" {
		t.Errorf("title %q, %v", title, err)
	}
	chart, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#chart g.account")))
	if got := attrs(chart, "data-account"); err != nil || !slices.Equal(got, accounts) {
		t.Errorf("chart accounts %v, want %v (%v)", got, accounts, err)
	}
	bars, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#chart rect.bar-coverage, #chart rect.bar-cost")))
	if err != nil || len(bars) != 2*len(accounts) {
		t.Errorf("%d bars, want %d (%v)", len(bars), 2*len(accounts), err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#accounts tr.account")))
	for _, a := range accounts {
		if err != nil || !slices.Contains(attrs(rows, "data-account"), a) {
			t.Errorf("accounts table lacks %s (%v)", a, err)
		}
	}
	checkUnknown(ctx, t, unknown)
	checkNoWrap(ctx, t, "td.region")
	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if u != url {
			t.Errorf("the page requested %s", u)
		}
	}
	if !slices.Contains(requests, url) {
		t.Errorf("requests %v: the page's own load was not seen, so network events are not recorded", requests)
	}
}

// attrs returns one attribute of each node.
func attrs(nodes []*chromedp.Node, name string) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, strings.TrimSpace(n.AttributeValue(name)))
	}
	return out
}

// checkUnknown checks that each account's chart row and table rows say "unknown" where figures
// would be.
func checkUnknown(ctx context.Context, t *testing.T, accounts []string) {
	t.Helper()
	for _, a := range accounts {
		js := `Array.from(document.querySelectorAll('#chart g.account[data-account="` + a + `"] text.coverage, #chart g.account[data-account="` + a + `"] text.cost')).map(e => e.textContent)`
		chart, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
		if err != nil || !slices.Equal(chart, []string{"unknown", "unknown"}) {
			t.Errorf("chart of %s shows %q, want coverage and cost unknown (%v)", a, chart, err)
		}
		js = `Array.from(document.querySelectorAll('#accounts tr.account[data-account="` + a + `"] td.num')).map(e => e.textContent)`
		table, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
		if err != nil || len(table) == 0 || slices.ContainsFunc(table, func(s string) bool { return s != "unknown" }) {
			t.Errorf("accounts table of %s shows %q, want unknown (%v)", a, table, err)
		}
	}
}

// checkNoWrap checks that the text of every cell the selector names sits on one line.
func checkNoWrap(ctx context.Context, t *testing.T, selector string) {
	t.Helper()
	js := `Array.from(document.querySelectorAll('` + selector + `')).map(td => {
		const r = document.createRange(); r.selectNodeContents(td);
		return new Set(Array.from(r.getClientRects()).map(c => Math.round(c.top))).size })`
	lines, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](js))
	if err != nil || len(lines) == 0 {
		t.Fatalf("measuring %s: %v (%d cells)", selector, err, len(lines))
	}
	for i, n := range lines {
		if n != 1 {
			t.Errorf("%s #%d wraps over %d lines", selector, i, n)
		}
	}
}
