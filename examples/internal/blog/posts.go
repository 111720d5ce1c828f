package blog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/schema"
	"github.com/gatehouse-go/gatehouse/permissions"
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

// Resource is the post as authz sees it: its author owns it, so grants
// scoped "own" apply to the author, and its id names it to relations, so
// its editors' role applies to it.
func (p Post) Resource() authz.Resource {
	return authz.Resource{Type: "posts", ID: p.idString(), Owner: p.AuthorID}
}

// idString is the post's id as paths and authz write it.
func (p Post) idString() string { return strconv.FormatInt(p.ID, 10) }

// resourceName is the post's name in relations: "posts:7".
func (p Post) resourceName() string { return authz.ResourceName("posts", p.idString()) }

// Title is what anonymous callers see of a published post.
type Title struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// Titles returns the titles of posts.
func Titles(posts []Post) []Title {
	out := make([]Title, len(posts))
	for i, p := range posts {
		out[i] = Title{ID: p.ID, Title: p.Title}
	}
	return out
}

// PostInput is a post as clients write it: every field is required to
// create a post but published, which defaults to false; an update changes
// the fields given.
type PostInput struct {
	Title     *string `json:"title"`
	Body      *string `json:"body"`
	Published *bool   `json:"published"`
}

// apply validates in and copies its fields onto p.
func (in PostInput) apply(p *Post) error {
	if in.Title != nil {
		title := strings.TrimSpace(*in.Title)
		if title == "" || utf8.RuneCountInString(title) > 200 {
			return invalid("title must have 1 to 200 characters")
		}
		p.Title = title
	}
	if in.Body != nil {
		p.Body = *in.Body
	}
	if in.Published != nil {
		p.Published = *in.Published
	}
	return nil
}

// Posts are the blog's posts. Who may write, edit, delete and share them
// is the guards' to decide before these run; who may read a draft is
// decided here, by the policy.
type Posts struct {
	db     *gorm.DB
	engine *authz.Engine
	users  *users.Directory // whom posts are shared with
}

func newPosts(ctx context.Context, db *gorm.DB, engine *authz.Engine, directory *users.Directory) (*Posts, error) {
	if err := schema.Migrate(ctx, db, &Post{}); err != nil {
		return nil, fmt.Errorf("create table blog_posts: %w", err)
	}
	return &Posts{db: db, engine: engine, users: directory}, nil
}

// Get returns the post id, whoever may read it: the loader of the routes
// whose guard decides on the post. An id that is not a positive integer
// names no post.
func (s *Posts) Get(ctx context.Context, id string) (Post, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return Post{}, fmt.Errorf("post %q: %w", id, ErrNotFound)
	}
	var p Post
	res := s.db.WithContext(ctx).Limit(1).Find(&p, n)
	if res.Error != nil {
		return Post{}, res.Error
	}
	if res.RowsAffected == 0 {
		return Post{}, fmt.Errorf("post %d: %w", n, ErrNotFound)
	}
	return p, nil
}

// Read returns the post id for reader (zero for an anonymous one): a
// published post for anyone, a draft for those the policy lets read it,
// ErrNotFound otherwise, so a draft's existence is not told to those who
// may not read it.
func (s *Posts) Read(ctx context.Context, reader authn.Subject, id string) (Post, error) {
	p, err := s.Get(ctx, id)
	if err != nil || p.Published {
		return p, err
	}
	if reader.IsZero() {
		return Post{}, fmt.Errorf("draft %d: %w", p.ID, ErrNotFound)
	}
	d, err := s.engine.Decide(ctx, authz.Request{Subject: reader.ID, Permission: permissions.PostsRead, Resource: p.Resource()})
	if err != nil {
		return Post{}, err
	}
	if !d.Allowed {
		return Post{}, fmt.Errorf("draft %d: %w", p.ID, ErrNotFound)
	}
	return p, nil
}

// ListVisible returns, newest first, the published posts and those
// filter lets its subject read (the caller's list filter for posts:read:
// FilterNone for an anonymous caller), found with one query: their own,
// or every one, as the policy has it, and the drafts shared with them.
func (s *Posts) ListVisible(ctx context.Context, filter authz.ListFilter) ([]Post, error) {
	where, args, err := filter.WhereShared("author_id", "id")
	if err != nil {
		return nil, err
	}
	posts := []Post{}
	err = s.db.WithContext(ctx).Model(&Post{}).
		Where(s.db.Where("published = ?", true).Or(where, args...)).
		Order("id DESC").Find(&posts).Error
	return posts, err
}

// Create writes a post by author, the caller's user id.
func (s *Posts) Create(ctx context.Context, author string, in PostInput) (Post, error) {
	if in.Title == nil || in.Body == nil {
		return Post{}, invalid(`fields "title" and "body" are required`)
	}
	p := Post{AuthorID: author}
	if err := in.apply(&p); err != nil {
		return Post{}, err
	}
	err := s.db.WithContext(ctx).Create(&p).Error
	return p, err
}

// Update changes the fields of p that in gives.
func (s *Posts) Update(ctx context.Context, p Post, in PostInput) (Post, error) {
	if err := in.apply(&p); err != nil {
		return Post{}, err
	}
	err := s.db.WithContext(ctx).Save(&p).Error
	return p, err
}

// Delete deletes p, and its relations with it: none outlives the post,
// for a later post given its id again (a sequence reset, a restored
// backup) to inherit. The relations go first, so that a failure leaves
// the post as it was, and again after the row, for a Share that raced the
// deletion (which checks the row after its own edit: one of the two sees
// the other).
func (s *Posts) Delete(ctx context.Context, p Post) error {
	if err := s.engine.RemoveResource(ctx, p.resourceName()); err != nil {
		return err
	}
	res := s.db.WithContext(ctx).Delete(&Post{}, p.ID)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("post %d: %w", p.ID, ErrNotFound)
	}
	return s.engine.RemoveResource(ctx, p.resourceName())
}
