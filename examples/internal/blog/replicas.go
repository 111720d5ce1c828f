package blog

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/pgwatch"
	"github.com/gatehouse-go/gatehouse/watch/rediswatch"
)

// openRedis opens the client of Config.Redis, if set, which the notifier
// and the stack share.
func (a *App) openRedis() error {
	cfg := a.cfg
	if cfg.Redis == "" {
		return nil
	}
	opts, err := redis.ParseURL(cfg.Redis)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // url.Error quotes the URL, password and all
		}
		return fmt.Errorf("GATEHOUSE_REDIS does not parse: %w", err)
	}
	if opts.ClientName == "" {
		opts.ClientName = "gatehouse-example"
	}
	a.redis = redis.NewClient(opts)
	return nil
}

// openNotifier connects to what carries changes between replicas: Redis
// when configured, else a PostgreSQL store itself; nil otherwise.
func (a *App) openNotifier(ctx context.Context) error {
	cfg := a.cfg
	var err error
	switch {
	case a.redis != nil:
		a.notifier, err = rediswatch.NewFromClient(ctx, a.redis, rediswatch.Config{Logger: a.log})
		if err == nil {
			a.log.Info("replication on: changes travel by Redis pub/sub", "redis", database.Redact(cfg.Redis))
		}
	case strings.HasPrefix(cfg.Database, "postgres://"), strings.HasPrefix(cfg.Database, "postgresql://"):
		a.notifier, err = pgwatch.New(ctx, cfg.Database, pgwatch.Config{Logger: a.log})
		if err == nil {
			a.log.Info("replication on: changes travel by PostgreSQL LISTEN/NOTIFY")
		}
	case strings.HasPrefix(cfg.Database, "mysql://"):
		// No notifier reaches other processes: replicas notice each
		// other's changes at their periodic check of the store instead.
		a.notifier = watch.NewLocal()
		a.log.Info("replication by polling: replicas see each other's changes within two seconds; set GATEHOUSE_REDIS for milliseconds")
	}
	return err
}
