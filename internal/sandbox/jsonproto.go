package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
)

// decodeJSON reads an AWS JSON 1.1 request body into v; an empty body leaves v unchanged.
func decodeJSON(c *call, v any) *apiError {
	body, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20))
	if err != nil {
		return newAPIError("SerializationException", http.StatusBadRequest, "reading the request body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return newAPIError("SerializationException", http.StatusBadRequest, "decoding the request body: %v", err)
	}
	return nil
}

// writeJSONOK writes an AWS JSON 1.1 success response.
func writeJSONOK(c *call, v any) {
	c.w.Header().Set("x-amzn-RequestId", c.reqID)
	writeJSON(c.w, http.StatusOK, "application/x-amz-json-1.1", v)
}

// unknownOperation is the JSON protocols' error for a target the service does not have.
func unknownOperation(c *call) *apiError {
	return newAPIError("UnknownOperationException", http.StatusBadRequest, "Unknown operation %s", c.r.Header.Get("X-Amz-Target"))
}
