package enduser

import (
	"context"
	"log/slog"
	"time"

	"github.com/seed1804ee03/enduser/internal/envelope"
)

// log writes the one record of an attempt: op, method, host, attempt,
// duration, status, code, request id (scrubbed by check) and the error
// (whose server text check scrubbed). Never a URL, a header or a body.
func (c *Client) log(ctx context.Context, level slog.Level, k *call, attempt int, start time.Time,
	status int, res envelope.Result, err error, retry string,
) {
	l := c.opts.logger
	if !l.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 10)
	attrs = append(attrs,
		slog.String("op", k.op),
		slog.String("method", k.method),
		slog.String("host", k.host),
		slog.Int("attempt", attempt),
		slog.Duration("duration", time.Since(start)),
	)
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if res.Code != 0 {
		attrs = append(attrs, slog.Int("code", res.Code))
	}
	if res.RequestID != "" {
		attrs = append(attrs, slog.String("request_id", res.RequestID))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if retry != "" {
		attrs = append(attrs, slog.String("retry", retry))
	}
	l.LogAttrs(ctx, level, "enduser: call", attrs...)
}
