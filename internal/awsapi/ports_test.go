package awsapi_test

import (
	"github.com/macieselfservice/macie-selfservice/internal/awsapi"
	"github.com/macieselfservice/macie-selfservice/internal/execute"
	"github.com/macieselfservice/macie-selfservice/internal/reconcile"
)

// The adapters implement the engine's ports.
var (
	_ execute.Macie          = (*awsapi.Macie)(nil)
	_ reconcile.MacieReader  = (*awsapi.Macie)(nil)
	_ reconcile.BucketReader = (*awsapi.Buckets)(nil)
	_ reconcile.Directory    = (*awsapi.Directory)(nil)
)
