package config

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// DefaultParameter is the SSM parameter the central stack writes the configuration to, in its
// own Region.
const DefaultParameter = "/macie-selfservice/config"

// ParameterAPI is the part of the SSM client the configuration is read with
// (awsapi.SSMAPI has the same method).
type ParameterAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// ErrNoParameter is returned by Read when the parameter does not exist.
var ErrNoParameter = errors.New("the configuration parameter does not exist")

// Read reads and validates the configuration document held by the SSM parameter name. Errors
// name the parameter and, for a bad document, the key.
func Read(ctx context.Context, api ParameterAPI, name string) (Document, error) {
	out, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	var nf *types.ParameterNotFound
	if errors.As(err, &nf) {
		return Document{}, fmt.Errorf("parameter %s: %w", name, ErrNoParameter)
	}
	if err != nil {
		return Document{}, fmt.Errorf("reading the configuration parameter %s (ssm:GetParameter): %w", name, err)
	}
	if out.Parameter == nil {
		return Document{}, fmt.Errorf("parameter %s: the answer holds no parameter", name)
	}
	d, err := ParseDocument([]byte(aws.ToString(out.Parameter.Value)))
	if err != nil {
		return Document{}, fmt.Errorf("configuration parameter %s: %w", name, err)
	}
	return d, nil
}
