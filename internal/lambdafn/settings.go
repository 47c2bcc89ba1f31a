package lambdafn

import (
	"fmt"

	"github.com/macieselfservice/macie-selfservice/internal/config"
)

// EnvMode names the environment variable that says where the function is deployed.
const EnvMode = "FUNCTION_MODE"

// The modes. The administrator deployment (the default) serves SQS batches, the schedule and
// both custom resources and needs the engine's configuration (config.FromEnv). The management
// deployment only designates the Macie administrator (custom resource DelegatedAdmin, whose
// properties carry the account and the Regions), so it reads no other variable.
const (
	ModeAdministrator = "administrator"
	ModeManagement    = "management"
)

// Settings are what the function reads from its environment at start.
type Settings struct {
	Mode string
	// Config is the engine's configuration; empty in the management mode.
	Config config.Config
	// Findings says how findings are routed (administrator mode only).
	Findings config.Findings
}

// LoadSettings reads and validates the environment once; errors name the variable.
func LoadSettings(getenv func(string) string) (Settings, error) {
	s := Settings{Mode: getenv(EnvMode)}
	switch s.Mode {
	case "", ModeAdministrator:
		s.Mode = ModeAdministrator
	case ModeManagement:
		return s, nil
	default:
		return s, fmt.Errorf("%s=%q: must be %q (the default) or %q", EnvMode, s.Mode, ModeAdministrator, ModeManagement)
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return s, fmt.Errorf("configuration: %w", err)
	}
	s.Config = cfg
	if s.Findings, err = config.FindingsFromEnv(getenv); err != nil {
		return s, fmt.Errorf("configuration: %w", err)
	}
	return s, nil
}
