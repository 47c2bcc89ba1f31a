package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/config"
)

// deployed is the configuration parameter a command read and what it resolved to.
type deployed struct {
	Parameter string `json:"parameter"`
	Region    string `json:"region"`
	// Found is false when the parameter does not exist (nothing deployed): the flags and the
	// defaults are the whole configuration.
	Found    bool            `json:"found"`
	Resolved config.Resolved `json:"resolved"`
}

// where names the parameter and its Region.
func (d deployed) where() string { return fmt.Sprintf("parameter %s in %s", d.Parameter, d.Region) }

// readDeployed reads the configuration parameter and layers flags over it. A parameter that
// does not exist is an error only when --config-parameter named it; otherwise nothing is
// deployed and the flags and defaults apply.
func (f *orgFlags) readDeployed(ctx context.Context, clients *awsapi.Clients, region string, flags config.Document) (deployed, error) {
	dep := deployed{Parameter: f.ConfigParameter, Region: region}
	doc, err := config.Read(ctx, clients.SSM(region), f.ConfigParameter)
	switch {
	case errors.Is(err, config.ErrNoParameter) && !f.set("config-parameter"):
		dep.Resolved = config.Resolve(config.Defaults(region), nil, flags, flagName)
	case err != nil:
		return dep, fmt.Errorf("reading the deployed configuration in %s (AWS_REGION): %w", region, err)
	default:
		dep.Found = true
		dep.Resolved = config.Resolve(config.Defaults(region), &doc, flags, flagName)
	}
	return dep, nil
}
