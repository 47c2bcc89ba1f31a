package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
)

func TestSSMParametersThroughTheSDK(t *testing.T) {
	t.Parallel()
	sb, srv := testSandbox(t, 0)
	ctx := context.Background()
	c := ssm.NewFromConfig(cfg(srv, admin, "eu-west-1"))
	_, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/app/config")})
	wantCode(t, err, "ParameterNotFound")
	var nf *types.ParameterNotFound
	if !errors.As(err, &nf) {
		t.Fatalf("GetParameter of a missing parameter: %T %v, want *types.ParameterNotFound", err, err)
	}
	_, err = c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/app/config"), Value: aws.String(`{"a":1}`)})
	wantCode(t, err, "ValidationException") // a new parameter needs a type
	put, err := c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/app/config"), Value: aws.String(`{"a":1}`), Type: types.ParameterTypeString})
	if err != nil || put.Version != 1 || put.Tier != types.ParameterTierStandard {
		t.Fatalf("PutParameter: %+v, %v", put, err)
	}
	_, err = c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/app/config"), Value: aws.String("x"), Type: types.ParameterTypeString})
	wantCode(t, err, "ParameterAlreadyExists")
	put, err = c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/app/config"), Value: aws.String(`{"a":2}`), Overwrite: aws.Bool(true)})
	if err != nil || put.Version != 2 {
		t.Fatalf("PutParameter with Overwrite: %+v, %v", put, err)
	}
	got, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("arn:aws:ssm:eu-west-1:" + admin + ":parameter/app/config")})
	if err != nil {
		t.Fatal(err)
	}
	p := got.Parameter
	if aws.ToString(p.Value) != `{"a":2}` || p.Version != 2 || p.Type != types.ParameterTypeString ||
		aws.ToString(p.ARN) != "arn:aws:ssm:eu-west-1:"+admin+":parameter/app/config" || !p.LastModifiedDate.Equal(fixedNow) {
		t.Fatalf("GetParameter: %+v", p)
	}
	// Parameters belong to one account and one Region.
	_, err = ssm.NewFromConfig(cfg(srv, admin, "us-east-1")).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/app/config")})
	wantCode(t, err, "ParameterNotFound")
	_, err = ssm.NewFromConfig(cfg(srv, wlA, "eu-west-1")).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/app/config")})
	wantCode(t, err, "ParameterNotFound")
	sb.PutParameter(wlA, "eu-west-1", "/app/config", "set up")
	got, err = ssm.NewFromConfig(cfg(srv, wlA, "eu-west-1")).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/app/config")})
	if err != nil || aws.ToString(got.Parameter.Value) != "set up" {
		t.Fatalf("parameter put as setup: %+v, %v", got, err)
	}
}

func TestSSMPutParameterRefusesWhatAWSRefuses(t *testing.T) {
	t.Parallel()
	_, srv := testSandbox(t, 0)
	c := ssm.NewFromConfig(cfg(srv, admin, "eu-west-1"))
	for name, in := range map[string]ssm.PutParameterInput{
		"bad name":      {Name: aws.String("/a b"), Value: aws.String("x"), Type: types.ParameterTypeString},
		"reserved name": {Name: aws.String("/aws/x"), Value: aws.String("x"), Type: types.ParameterTypeString},
		"too long":      {Name: aws.String("/big"), Value: aws.String(strings.Repeat("x", 4097)), Type: types.ParameterTypeString},
		"secure string": {Name: aws.String("/secret"), Value: aws.String("x"), Type: types.ParameterTypeSecureString},
	} {
		_, err := c.PutParameter(context.Background(), &in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
			t.Errorf("%s: %v, want ValidationException", name, err)
		}
	}
	put, err := c.PutParameter(context.Background(), &ssm.PutParameterInput{Name: aws.String("/big"),
		Value: aws.String(strings.Repeat("x", 4097)), Type: types.ParameterTypeString, Tier: types.ParameterTierIntelligentTiering})
	if err != nil || put.Tier != types.ParameterTierAdvanced {
		t.Fatalf("intelligent tiering of a 4097-byte value: %+v, %v", put, err)
	}
}

func TestAWSCLISSM(t *testing.T) {
	t.Parallel()
	_, srv := testSandbox(t, 0)
	cli := newAWSCLI(t, srv.URL())
	cli.fails("ParameterNotFound", admin, "eu-west-1", "ssm", "get-parameter", "--name", "/macie-selfservice/config")
	out := cli.ok(admin, "eu-west-1", "ssm", "put-parameter", "--name", "/macie-selfservice/config",
		"--type", "String", "--value", `{"regions":["eu-west-1"]}`)
	if out["Version"] != float64(1) || out["Tier"] != "Standard" {
		t.Fatalf("put-parameter: %v", out)
	}
	cli.fails("ParameterAlreadyExists", admin, "eu-west-1", "ssm", "put-parameter", "--name", "/macie-selfservice/config",
		"--type", "String", "--value", "x")
	cli.ok(admin, "eu-west-1", "ssm", "put-parameter", "--name", "/macie-selfservice/config", "--overwrite",
		"--value", `{"regions":["eu-west-1","us-east-1"]}`)
	out = cli.ok(admin, "eu-west-1", "ssm", "get-parameter", "--name", "/macie-selfservice/config")
	p, _ := out["Parameter"].(map[string]any)
	if p["Value"] != `{"regions":["eu-west-1","us-east-1"]}` || p["Version"] != float64(2) || p["Type"] != "String" ||
		p["ARN"] != "arn:aws:ssm:eu-west-1:"+admin+":parameter/macie-selfservice/config" || p["DataType"] != "text" {
		t.Fatalf("get-parameter: %v", out)
	}
	if p["LastModifiedDate"] != float64(fixedNow.Unix()) { // AWS CLI v1 prints timestamps as given
		t.Fatalf("get-parameter: LastModifiedDate %v, want %d", p["LastModifiedDate"], fixedNow.Unix())
	}
	cli.fails("ValidationException", admin, "eu-west-1", "ssm", "put-parameter", "--name", "/aws/reserved", "--type", "String", "--value", "x")
}
