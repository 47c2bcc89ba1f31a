package lambdafn

import (
	"fmt"

	"github.com/macieselfservice/macie-selfservice/internal/config"
)

// Environment variables the function reads at start.
const (
	// EnvMode says where the function is deployed.
	EnvMode = "FUNCTION_MODE"
	// EnvConfigParameter names the SSM parameter holding the configuration document, which the
	// central stack writes.
	EnvConfigParameter = "CONFIG_PARAMETER"
	// EnvQueueURL is the function's own events queue: when set, the scheduled sweep is sharded
	// through it (the central stack sets it).
	EnvQueueURL = "QUEUE_URL"
)

// The modes. The administrator deployment (the default) serves SQS batches, the schedule and
// both custom resources and needs the engine's configuration. The management deployment only
// designates the Macie administrator (custom resource DelegatedAdmin, whose properties carry the
// account and the Regions), so it reads no other variable.
const (
	ModeAdministrator = "administrator"
	ModeManagement    = "management"
)

// Settings are what the function reads from its environment at start.
type Settings struct {
	Mode string
	// Admin is the administrator account (MACIE_ADMIN_ACCOUNT_ID) and Parameter the SSM parameter
	// of the configuration, when CONFIG_PARAMETER names one.
	Admin, Parameter string
	// Config is the engine's configuration read from the environment when no parameter is
	// named (the bootstrap run outside the stack); empty in the management mode.
	Config config.Config
	// Findings says how findings are routed (administrator mode only).
	Findings config.Findings
	// QueueURL is the events queue the sweep is sharded through; empty runs it whole.
	QueueURL string
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
	s.QueueURL = getenv(EnvQueueURL)
	var err error
	if s.Findings, err = config.FindingsFromEnv(getenv); err != nil {
		return s, fmt.Errorf("configuration: %w", err)
	}
	if s.Parameter = getenv(EnvConfigParameter); s.Parameter != "" {
		s.Admin = getenv(config.EnvAdminAccount)
		if !config.ValidAccount(s.Admin) {
			return s, fmt.Errorf("%s: %q is not a 12-digit account id", config.EnvAdminAccount, s.Admin)
		}
		return s, nil
	}
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return s, fmt.Errorf("configuration: %w", err)
	}
	s.Config = cfg
	return s, nil
}
