package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/macieselfservice/macie-selfservice/internal/config"
	"github.com/macieselfservice/macie-selfservice/internal/lambdafn"
)

// The administrator's function, as the central stack configures it, shards its sweep through its
// events queue and backs off stale messages, with the configuration parameter as without; a queue
// URL that is not one is a configuration error naming the variable.
func TestWiringShardsTheSweepThroughTheQueue(t *testing.T) {
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	base := map[string]string{config.EnvAdminAccount: admin, lambdafn.EnvConfigParameter: config.DefaultParameter,
		lambdafn.EnvQueueURL: "https://sqs.eu-west-1.amazonaws.com/" + admin + "/macie-selfservice-events"}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := newHandler(context.Background(), logger, func(k string) string { return base[k] })
	if h.InitErr != nil || h.Sweep == nil || h.Queue == nil {
		t.Fatalf("handler %+v: want the sweep sharded and stale messages backed off", h)
	}
	delete(base, lambdafn.EnvQueueURL)
	if h := newHandler(context.Background(), logger, func(k string) string { return base[k] }); h.Sweep != nil {
		t.Error("without QUEUE_URL the sweep is sharded")
	}
	base[lambdafn.EnvQueueURL] = "not a URL"
	h = newHandler(context.Background(), logger, func(k string) string { return base[k] })
	if h.InitErr == nil || !strings.Contains(h.InitErr.Error(), lambdafn.EnvQueueURL) {
		t.Errorf("a bad queue URL: %v, want an error naming %s", h.InitErr, lambdafn.EnvQueueURL)
	}
}
