package lambdafn

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
)

// CFNResponse is the answer PUT to a custom resource request's pre-signed ResponseURL.
// PhysicalResourceId stays the same across updates, so an update never replaces the resource.
type CFNResponse struct {
	Status             cfn.StatusType    `json:"Status"`
	Reason             string            `json:"Reason,omitempty"`
	PhysicalResourceID string            `json:"PhysicalResourceId"`
	StackID            string            `json:"StackId"`
	RequestID          string            `json:"RequestId"`
	LogicalResourceID  string            `json:"LogicalResourceId"`
	NoEcho             bool              `json:"NoEcho"`
	Data               map[string]string `json:"Data,omitempty"`
}

// maxReason bounds the Reason of a response: CloudFormation rejects response bodies over 4 KB.
const maxReason = 2000

// outcome is what a custom resource handler decided.
type outcome struct {
	err    error
	reason string
	data   map[string]string
}

// customResource serves one CloudFormation request and always answers it: with the outcome,
// with FAILED when the work fails or panics, and with FAILED before the function's timeout when
// the work is still running then.
func (h *Handler) customResource(ctx context.Context, payload json.RawMessage) (CFNResponse, error) {
	var ev cfn.Event
	if err := json.Unmarshal(payload, &ev); err != nil {
		return CFNResponse{}, h.unknown(ctx, fmt.Sprintf("CloudFormation request unreadable: %v", err))
	}
	work, cancel := h.workContext(ctx)
	defer cancel()
	resp := response(ev, h.runResource(work, ev))
	h.log().LogAttrs(ctx, logLevel(resp.Status), "custom resource",
		slog.String("request_type", string(ev.RequestType)), slog.String("logical_id", ev.LogicalResourceID),
		slog.String("physical_id", resp.PhysicalResourceID), slog.String("status", string(resp.Status)),
		slog.String("reason", resp.Reason), slog.Any("data", resp.Data))
	if err := h.send(ctx, ev.ResponseURL, resp); err != nil {
		h.log().ErrorContext(ctx, "CloudFormation not answered", slog.String("error", err.Error()))
		return resp, err
	}
	return resp, nil
}

// runResource runs the request's work in a goroutine and returns its outcome, a panic as an
// error, or a timeout error when ctx ends first.
func (h *Handler) runResource(ctx context.Context, ev cfn.Event) outcome {
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				h.log().ErrorContext(ctx, "custom resource panicked", slog.Any("panic", r))
				done <- outcome{err: fmt.Errorf("internal error: %v", r)}
			}
		}()
		done <- h.resource(ctx, ev)
	}()
	select {
	case o := <-done:
		return o
	case <-ctx.Done():
		return outcome{err: fmt.Errorf("the function ran out of time before the request finished (%w); it is safe to retry", ctx.Err())}
	}
}

// response builds the answer to ev.
func response(ev cfn.Event, o outcome) CFNResponse {
	r := CFNResponse{Status: cfn.StatusSuccess, Reason: o.reason, PhysicalResourceID: physicalID(ev),
		StackID: ev.StackID, RequestID: ev.RequestID, LogicalResourceID: ev.LogicalResourceID, Data: o.data}
	if o.err != nil {
		r.Status, r.Reason = cfn.StatusFailed, o.err.Error()
	}
	if len(r.Reason) > maxReason {
		r.Reason = r.Reason[:maxReason] + "... (see the function's log)"
	}
	return r
}

// physicalID keeps the id CloudFormation already knows; a Create gets one derived from the
// stack and the logical id, so it is the same however often the request is retried.
func physicalID(ev cfn.Event) string {
	if ev.PhysicalResourceID != "" {
		return ev.PhysicalResourceID
	}
	return fmt.Sprintf("macie-selfservice-%s-%s", ev.LogicalResourceID, clientToken(ev.StackID, ev.LogicalResourceID)[:12])
}

func logLevel(s cfn.StatusType) slog.Level {
	if s == cfn.StatusFailed {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// send PUTs the response to the pre-signed URL, trying up to three times. The request carries no
// Content-Type: the URL's signature covers none.
func (h *Handler) send(ctx context.Context, url string, resp CFNResponse) error {
	body, err := json.Marshal(resp)
	if err != nil {
		return fmt.Errorf("encoding the CloudFormation response: %w", err)
	}
	client := h.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	for attempt := 1; ; attempt++ {
		err = put(ctx, client, url, body)
		if err == nil || attempt == 3 || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt) * 500 * time.Millisecond)
	}
}

func put(ctx context.Context, client *http.Client, url string, body []byte) error {
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("CloudFormation response URL: %w", err)
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("sending the CloudFormation response: %w", err)
	}
	defer func() { _ = res.Body.Close() }()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("sending the CloudFormation response: HTTP %d: %s", res.StatusCode, bytes.TrimSpace(msg))
	}
	return nil
}
