package blog

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprometheus "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/observe"
)

// metrics is the example's Prometheus endpoint: gatehouse's OpenTelemetry
// instruments read by the OpenTelemetry Prometheus exporter, beside the Go
// runtime's and the process's, served on a listener of its own.
type metrics struct {
	provider *sdkmetric.MeterProvider
	server   *http.Server
	done     chan error
}

// openObserver makes the app's Observer. With Config.MetricsAddr its meter
// feeds a Prometheus registry of the example's own; without, it is the
// global OpenTelemetry providers', which record nothing until an
// application sets them.
func (a *App) openObserver() error {
	var cfg observe.Config
	if a.cfg.MetricsAddr != "" {
		registry := prometheus.NewRegistry()
		registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		exporter, err := otelprometheus.New(otelprometheus.WithRegisterer(registry))
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		a.metrics = &metrics{provider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))}
		cfg.Meter = a.metrics.provider.Meter(observe.ScopeName)
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
		a.metrics.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Second,
			WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	}
	var err error
	a.Observer, err = observe.New(cfg)
	return err
}

// serveMetrics starts serving GET /metrics on Config.MetricsAddr, when it
// is set, until Close.
func (a *App) serveMetrics() error {
	if a.metrics == nil {
		return nil
	}
	ln, err := net.Listen("tcp", a.cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("GATEHOUSE_METRICS_ADDR: %w", err)
	}
	a.log.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	a.metrics.done = make(chan error, 1)
	go func() { a.metrics.done <- a.metrics.server.Serve(ln) }()
	return nil
}

// closeMetrics stops the metrics listener and the meter provider.
func (a *App) closeMetrics() {
	if a.metrics == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if a.metrics.done != nil {
		_ = a.metrics.server.Shutdown(ctx)
		if err := <-a.metrics.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Warn("the metrics listener stopped", "error", err)
		}
	}
	_ = a.metrics.provider.Shutdown(ctx)
}

// Guard is the guard configuration of the app's adapters: the stack's
// (app.Auth.Guard), watched by the app's Observer, which traces each
// request's authentication and checks, and counts them.
func (a *App) Guard() guard.Config {
	cfg := a.Auth.Guard()
	cfg.Observer = a.Observer
	return cfg
}

// ObserveGuard reports g's held-back log lines with the app's metrics; each
// example calls it with its middleware's guard.
func (a *App) ObserveGuard(g *guard.Guard) error { return a.Observer.ObserveGuard(g) }
