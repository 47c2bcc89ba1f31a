package bench

import (
	"archive/zip"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/plan"
	"github.com/macieselfservice/macie-selfservice/internal/sandbox"

	"github.com/macieselfservice/macie-selfservice/internal/rie"
)

// pythonFunction is the Python 3 comparison: a Lambda custom runtime loop that imports boto3,
// creates the clients the engine uses and reads the member of each event's account.
//
//go:embed python_function.py
var pythonFunction []byte

// LambdaPackage is the import path of the Lambda function's bootstrap.
const LambdaPackage = "github.com/macieselfservice/macie-selfservice/cmd/lambda"

// BuildFlags are the flags the bootstrap is built with, as for Lambda (provided.al2023).
var BuildFlags = []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w"}

// ColdStart is the Lambda function's size and start-up beside a Python 3 function's.
type ColdStart struct {
	// ArmBinaryBytes and ArmZipBytes are the linux/arm64 bootstrap and its deployment zip.
	ArmBinaryBytes, ArmZipBytes int64
	// Go and Python are one Invocation per run.
	Go, Python []Invocation
	// PythonMissing says why the Python side was not measured ("" when it was).
	PythonMissing string
}

// MeasureColdStart builds the bootstrap (for Lambda's arm64 to size it, and for this machine to
// run it) and the emulator, then runs each function runs times from a cold start.
func MeasureColdStart(ctx context.Context, runs int) (ColdStart, error) {
	dir, err := os.MkdirTemp("", "macie-bench-")
	if err != nil {
		return ColdStart{}, fmt.Errorf("making a build directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	var cs ColdStart
	bootstrap, emulator, err := buildAll(ctx, dir, &cs)
	if err != nil {
		return cs, err
	}
	env, err := NewEnv(EnvOptions{})
	if err != nil {
		return cs, err
	}
	defer func() { _ = env.Close() }()
	python, missing := findPython(ctx)
	cs.PythonMissing = missing
	script := filepath.Join(dir, "python_function.py")
	if err := os.WriteFile(script, pythonFunction, 0o600); err != nil {
		return cs, fmt.Errorf("writing the Python function: %w", err)
	}
	for i := range runs {
		inv, err := coldRun(ctx, env, emulator, []string{bootstrap}, fmt.Sprintf("6666%08d", 2*i+1), dir, true)
		if err != nil {
			return cs, fmt.Errorf("the Go function, run %d: %w", i+1, err)
		}
		cs.Go = append(cs.Go, inv)
		if missing != "" {
			continue
		}
		inv, err = coldRun(ctx, env, emulator, []string{python, script}, fmt.Sprintf("6666%08d", 2*i+2), dir, false)
		if err != nil {
			return cs, fmt.Errorf("the Python function, run %d: %w", i+1, err)
		}
		cs.Python = append(cs.Python, inv)
	}
	return cs, nil
}

// buildAll builds the arm64 bootstrap and its zip (sizes only), the native bootstrap and the
// emulator, returning the paths of the last two.
func buildAll(ctx context.Context, dir string, cs *ColdStart) (bootstrap, emulator string, err error) {
	arm := filepath.Join(dir, "arm64", "bootstrap")
	if err := goBuild(ctx, arm, "arm64", append(BuildFlags, LambdaPackage)...); err != nil {
		return "", "", err
	}
	if cs.ArmBinaryBytes, err = fileSize(arm); err != nil {
		return "", "", err
	}
	if cs.ArmZipBytes, err = zipFile(arm, arm+".zip"); err != nil {
		return "", "", err
	}
	bootstrap, emulator = filepath.Join(dir, "bootstrap"), filepath.Join(dir, "aws-lambda-rie")
	if err := goBuild(ctx, bootstrap, "", append(BuildFlags, LambdaPackage)...); err != nil {
		return "", "", err
	}
	if err := goBuild(ctx, emulator, "", rie.Module); err != nil {
		return "", "", err
	}
	return bootstrap, emulator, nil
}

// goBuild runs go build for linux on goarch ("" for this machine's), without cgo.
func goBuild(ctx context.Context, out, goarch string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-o", out}, args...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if goarch != "" {
		cmd.Env = append(cmd.Env, "GOARCH="+goarch)
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w: %s", strings.Join(args, " "), err, msg)
	}
	return nil
}

func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("sizing %s: %w", path, err)
	}
	return st.Size(), nil
}

// zipFile writes a deployment zip holding path as "bootstrap" and returns its size.
func zipFile(path, out string) (int64, error) {
	f, err := os.Create(out)
	if err != nil {
		return 0, fmt.Errorf("creating %s: %w", out, err)
	}
	zw := zip.NewWriter(f)
	if err := addToZip(zw, path); err != nil {
		_ = f.Close()
		return 0, err
	}
	if err := zw.Close(); err != nil {
		_ = f.Close()
		return 0, fmt.Errorf("writing %s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("writing %s: %w", out, err)
	}
	return fileSize(out)
}

func addToZip(zw *zip.Writer, path string) error {
	in, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("zipping %s: %w", path, err)
	}
	defer func() { _ = in.Close() }()
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("zipping %s: %w", path, err)
	}
	if _, err := io.Copy(w, in); err != nil {
		return fmt.Errorf("zipping %s: %w", path, err)
	}
	return nil
}

// findPython returns python3 when it imports boto3, else why not.
func findPython(ctx context.Context) (path, missing string) {
	path, err := exec.LookPath("python3")
	if err != nil {
		return "", "python3 is not installed"
	}
	if out, err := exec.CommandContext(ctx, path, "-c", "import boto3").CombinedOutput(); err != nil {
		return "", "python3 cannot import boto3: " + strings.TrimSpace(string(out))
	}
	return path, ""
}

// coldRun gives a fresh account a tagged bucket, makes the event of its tag and runs the function
// from a cold start on an SQS batch holding it. For the Go function it checks the real outcome:
// the account became an enabled member.
func coldRun(ctx context.Context, env *Env, emulator string, cmd []string, acct, home string, checkMember bool) (Invocation, error) {
	payload, err := tagEventBatch(ctx, env, acct)
	if err != nil {
		return Invocation{}, err
	}
	inv, err := runUnderRIE(ctx, emulator, cmd, functionEnv(env.URL, home), payload)
	if err != nil {
		return inv, err
	}
	if !strings.Contains(inv.Answer, `"batchItemFailures":[]`) {
		return inv, fmt.Errorf("answer %s, want no failed message", inv.Answer)
	}
	if checkMember && memberStatus(env, acct) != string(plan.StatusEnabled) {
		return inv, fmt.Errorf("account %s is %q after the event, want Enabled", acct, memberStatus(env, acct))
	}
	return inv, nil
}

func memberStatus(env *Env, acct string) string {
	for _, m := range env.SB.Macie().Members(Admin, Region) {
		if m.Account == acct {
			return m.Status
		}
	}
	return ""
}

// tagEventBatch tags a new bucket of a new account through S3 and returns the SQS batch that
// carries the event.
func tagEventBatch(ctx context.Context, env *Env, acct string) ([]byte, error) {
	env.AddWorkload(acct)
	name := bucketName(acct, 0)
	if err := env.SB.PutBucket(sandbox.Bucket{Account: acct, Region: Region, Name: name}); err != nil {
		return nil, fmt.Errorf("setting up %s: %w", acct, err)
	}
	cl := s3.NewFromConfig(AWSConfig(env.URL, acct), func(o *s3.Options) { o.UsePathStyle = true })
	_, err := cl.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name), Tagging: &s3types.Tagging{
		TagSet: []s3types.Tag{{Key: aws.String("macie"), Value: aws.String("true")}}}})
	if err != nil {
		return nil, fmt.Errorf("tagging %s: %w", name, err)
	}
	raws := env.SB.TakeEvents()
	if len(raws) != 1 {
		return nil, fmt.Errorf("tagging produced %d events, want 1", len(raws))
	}
	return sqsBatch(string(raws[0]), "msg-"+acct)
}

// sqsBatch wraps one EventBridge event in the SQS event Lambda's event source delivers.
func sqsBatch(body, id string) ([]byte, error) {
	rec := map[string]any{
		"messageId": id, "receiptHandle": "rh-" + id, "body": body, "attributes": map[string]string{"ApproximateReceiveCount": "1"},
		"messageAttributes": map[string]any{}, "eventSource": "aws:sqs", "awsRegion": Region,
		"eventSourceARN": "arn:aws:sqs:" + Region + ":" + Admin + ":macie-selfservice-events",
	}
	b, err := json.Marshal(map[string]any{"Records": []any{rec}})
	if err != nil {
		return nil, fmt.Errorf("encoding the SQS batch: %w", err)
	}
	return b, nil
}

// functionEnv is the whole environment of the function: its configuration and the sandbox as
// the AWS endpoint, with nothing of this machine's AWS settings.
func functionEnv(endpoint, home string) []string {
	none := filepath.Join(home, "none")
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_CONFIG_FILE=" + none, "AWS_SHARED_CREDENTIALS_FILE=" + none,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_LAMBDA_FUNCTION_TIMEOUT=60",
		"AWS_ACCESS_KEY_ID=" + Admin, "AWS_SECRET_ACCESS_KEY=bench-secret", "AWS_REGION=" + Region,
		"AWS_DEFAULT_REGION=" + Region, "AWS_ENDPOINT_URL=" + endpoint,
		config.EnvAdminAccount + "=" + Admin, config.EnvRegions + "=" + Region,
		config.EnvReadRole + "=" + config.DefaultReadRole,
		config.EnvOrgRoleARN + "=arn:aws:iam::" + Management + ":role/" + OrgRole,
	}
}
