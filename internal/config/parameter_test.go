package config

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// fakeParameters serves parameters from a map.
type fakeParameters map[string]string

func (f fakeParameters) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	v, ok := f[aws.ToString(in.Name)]
	if !ok {
		return nil, &types.ParameterNotFound{}
	}
	return &ssm.GetParameterOutput{Parameter: &types.Parameter{Name: in.Name, Value: aws.String(v)}}, nil
}

func TestRead(t *testing.T) {
	api := fakeParameters{DefaultParameter: `{"regions":"eu-west-1"}`, "/bad": `{"regions":"eu-west-1","sampling":5}`}
	d, err := Read(context.Background(), api, DefaultParameter)
	if err != nil || d.Value(KeyRegions) != "eu-west-1" {
		t.Fatalf("read %+v, %v", d, err)
	}
	if _, err := Read(context.Background(), api, "/missing"); !errors.Is(err, ErrNoParameter) || !strings.Contains(err.Error(), "/missing") {
		t.Errorf("missing parameter: %v", err)
	}
	if _, err := Read(context.Background(), api, "/bad"); err == nil || !strings.Contains(err.Error(), `/bad: unknown key "sampling"`) {
		t.Errorf("bad document: %v", err)
	}
}
