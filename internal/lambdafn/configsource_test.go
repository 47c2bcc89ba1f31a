package lambdafn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
	"github.com/macieselfservice/macie-selfservice/internal/testkit"
)

// parameterFake serves one configuration document, as the SSM parameter would, and counts reads.
type parameterFake struct {
	doc   string
	reads int
}

func (p *parameterFake) read(context.Context) (config.Config, error) {
	p.reads++
	d, err := config.ParseDocument([]byte(p.doc))
	if err != nil {
		return config.Config{}, fmt.Errorf("configuration parameter /macie-selfservice/config: %w", err)
	}
	return config.FromDocument(d, admin)
}

// builtEngine is an engine that remembers the configuration it was built for.
type builtEngine struct {
	engineFunc
	cfg config.Config
}

func newSource(p *parameterFake, clock *time.Time, logs *testkit.Buffer) *ConfigSource {
	return &ConfigSource{
		Read: p.read,
		Build: func(c config.Config) Engine {
			return builtEngine{engineFunc: func(context.Context) reconcile.Result { return reconcile.Result{} }, cfg: c}
		},
		Now:    func() time.Time { return *clock },
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	}
}

func TestConfigSourceReadsAgainAfterTheTTLAndKeepsTheLastGoodOne(t *testing.T) {
	clock := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	p := &parameterFake{doc: `{"regions":["eu-west-1"],"excludedAccounts":["111111111111"],"dryRun":true}`}
	logs := &testkit.Buffer{}
	s := newSource(p, &clock, logs)
	ctx := context.Background()
	eng, dry, err := s.Current(ctx, false)
	if err != nil || !dry || eng.(builtEngine).cfg.ExcludedAccounts[0] != "111111111111" {
		t.Fatalf("first read: %v, dry %v, err %v", eng, dry, err)
	}
	p.doc = `{"regions":["eu-west-1"],"excludedAccounts":["111111111111","444444444444"]}`
	clock = clock.Add(DefaultConfigTTL - time.Second)
	if eng, _, _ := s.Current(ctx, false); p.reads != 1 || len(eng.(builtEngine).cfg.ExcludedAccounts) != 1 {
		t.Fatalf("read %d times within the TTL", p.reads)
	}
	clock = clock.Add(2 * time.Second)
	eng, dry, err = s.Current(ctx, false)
	if err != nil || dry || len(eng.(builtEngine).cfg.ExcludedAccounts) != 2 || p.reads != 2 {
		t.Fatalf("after the TTL: %+v dry %v err %v reads %d", eng, dry, err, p.reads)
	}
	p.doc = `{"regions":["eu-west-1"],"excludedAccounts":["44444444444"]}` // 11 digits
	eng, _, err = s.Current(ctx, true)
	if err != nil || len(eng.(builtEngine).cfg.ExcludedAccounts) != 2 || p.reads != 3 {
		t.Fatalf("a bad new value: %+v err %v reads %d, want the last good one kept", eng, err, p.reads)
	}
	var refused bool
	for _, l := range jsonLines(t, logs) {
		refused = refused || l["msg"] == "configuration refused; the last good one stays in force" &&
			strings.Contains(fmt.Sprint(l["error"]), `excludedAccounts: "44444444444" is not a 12-digit account id`)
	}
	if !refused {
		t.Fatalf("no log line names the refused key: %v", jsonLines(t, logs))
	}
}

func TestConfigSourceWithoutAGoodConfigurationFailsNamingTheKey(t *testing.T) {
	clock := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	p := &parameterFake{doc: `{"regions":["eu-west-1"],"protectedAcounts":[]}`}
	h := &Handler{Config: newSource(p, &clock, &testkit.Buffer{})}
	_, err := h.Handle(context.Background(), scheduledEvent)
	if err == nil || !strings.Contains(err.Error(), `unknown key "protectedAcounts" (did you mean "protectedAccounts"?)`) {
		t.Fatalf("scheduled event with a bad configuration: %v", err)
	}
	p.doc = `{"regions":["eu-west-1"]}` // fixed: the next invocation reads it again
	if _, err := h.Handle(context.Background(), scheduledEvent); err != nil {
		t.Fatalf("after the fix: %v", err)
	}
	if p.reads != 2 {
		t.Fatalf("%d reads, want 2", p.reads)
	}
}

func TestConfigSourceErrorIsKept(t *testing.T) {
	boom := errors.New("AccessDeniedException: not authorized to perform ssm:GetParameter")
	s := &ConfigSource{Read: func(context.Context) (config.Config, error) { return config.Config{}, boom }}
	if _, _, err := s.Current(context.Background(), false); !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
}
