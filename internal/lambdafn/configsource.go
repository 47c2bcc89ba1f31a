package lambdafn

import (
	"context"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/macieselfservice/macie-selfservice/internal/config"
)

// DefaultConfigTTL is how long the function uses the configuration it read before reading it
// again: a changed configuration parameter takes effect within this time (and at once for a
// custom resource request, which always reads it afresh).
const DefaultConfigTTL = time.Minute

// ConfigSource reads the configuration at the first invocation, keeps it for TTL and then reads
// it again, building a new engine when it changed. A configuration that cannot be read or is
// invalid is logged, naming the key, and the last good one is kept; only while there has never
// been a good one do invocations fail. It is safe for concurrent use.
type ConfigSource struct {
	// Read reads and validates the configuration (config.Read and config.FromDocument).
	Read func(ctx context.Context) (config.Config, error)
	// Build wires an engine for a configuration.
	Build func(config.Config) Engine
	// TTL is how long a configuration is used before it is read again; zero means
	// DefaultConfigTTL.
	TTL    time.Duration
	Now    func() time.Time
	Logger *slog.Logger

	mu     sync.Mutex
	have   bool
	cfg    config.Config
	eng    Engine
	readAt time.Time
}

// Current returns the engine of the configuration in force and whether it runs dry; fresh
// reads the configuration even when the one in force is not yet due. The error is that of the
// last read, returned only when no good configuration was ever read.
func (s *ConfigSource) Current(ctx context.Context, fresh bool) (Engine, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.have && !fresh && now.Sub(s.readAt) < s.ttl() {
		return s.eng, s.cfg.DryRun, nil
	}
	cfg, err := s.Read(ctx)
	s.readAt = now
	switch {
	case err != nil && !s.have:
		return nil, false, err // the handler logs it and fails the invocation
	case err != nil:
		s.log().ErrorContext(ctx, "configuration refused; the last good one stays in force", slog.String("error", err.Error()))
	case !s.have || !reflect.DeepEqual(cfg, s.cfg):
		s.cfg, s.eng, s.have = cfg, s.Build(cfg), true
		s.log().InfoContext(ctx, "configured", slog.Any("regions", cfg.Regions), slog.String("admin_account", cfg.AdminAccount),
			slog.String("tag", cfg.Policy.String()), slog.Any("protected_accounts", cfg.ProtectedAccounts),
			slog.Any("excluded_accounts", cfg.ExcludedAccounts), slog.Bool("dry_run", cfg.DryRun))
	}
	return s.eng, s.cfg.DryRun, nil
}

func (s *ConfigSource) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return DefaultConfigTTL
}

func (s *ConfigSource) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *ConfigSource) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}
