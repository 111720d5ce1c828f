package blog

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Post is a blog post as the API shows it.
type Post struct {
	ID        int64     `json:"id" gorm:"primaryKey;autoIncrement"`
	Title     string    `json:"title" gorm:"size:200;not null"`
	Body      string    `json:"body" gorm:"type:text;not null"`
	AuthorID  string    `json:"author_id" gorm:"size:255;index;not null"`
	Published bool      `json:"published" gorm:"index;not null"`
	CreatedAt time.Time `json:"-"`
	UpdatedAt time.Time `json:"-"`
}

// TableName is the posts table.
func (Post) TableName() string { return "blog_posts" }

// Resource is the post as authz sees it.
func (p Post) Resource() authz.Resource {
	return authz.Resource{Type: "posts", ID: strconv.FormatInt(p.ID, 10), Owner: p.AuthorID}
}

// summary is what anonymous callers see of a published post.
type summary struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

type postStore struct{ db *gorm.DB }

func newPostStore(ctx context.Context, db *gorm.DB) (*postStore, error) {
	if err := schema.Migrate(ctx, db, &Post{}); err != nil {
		return nil, fmt.Errorf("create table blog_posts: %w", err)
	}
	return &postStore{db: db}, nil
}

// get loads a post by the id of a path; an id that is not a positive
// integer names no post.
func (s *postStore) get(ctx context.Context, id string) (Post, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return Post{}, fmt.Errorf("post %q: %w", id, guard.ErrNotFound)
	}
	var p Post
	res := s.db.WithContext(ctx).Limit(1).Find(&p, n)
	if res.Error != nil {
		return Post{}, res.Error
	}
	if res.RowsAffected == 0 {
		return Post{}, fmt.Errorf("post %d: %w", n, guard.ErrNotFound)
	}
	return p, nil
}

// list returns published posts and, when where is not "", those matching
// where (the caller's list filter), newest first.
func (s *postStore) list(ctx context.Context, where string, args []any) ([]Post, error) {
	q := s.db.WithContext(ctx).Model(&Post{})
	if where == "" {
		q = q.Where("published = ?", true)
	} else {
		q = q.Where(s.db.Where("published = ?", true).Or(where, args...))
	}
	posts := []Post{}
	err := q.Order("id DESC").Find(&posts).Error
	return posts, err
}

func (s *postStore) create(ctx context.Context, p *Post) error {
	return s.db.WithContext(ctx).Create(p).Error
}

func (s *postStore) save(ctx context.Context, p *Post) error {
	return s.db.WithContext(ctx).Save(p).Error
}

func (s *postStore) delete(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Delete(&Post{}, id)
	if res.Error == nil && res.RowsAffected == 0 {
		return fmt.Errorf("post %d: %w", id, guard.ErrNotFound)
	}
	return res.Error
}
