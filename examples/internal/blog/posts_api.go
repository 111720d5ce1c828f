package blog

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// LoadPost is the loader of the ownership-guarded routes.
func (a *App) LoadPost(ctx context.Context, id string) (guard.Loaded, error) {
	p, err := a.posts.get(ctx, id)
	if err != nil {
		return guard.Loaded{}, err
	}
	return guard.Loaded{Resource: p.Resource(), Value: p}, nil
}

// ListPosts answers GET /posts. Anonymous callers get the published posts'
// ids and titles; others get full posts: the published ones and those the
// policy lets them read, found with one query built from the list filter.
func (a *App) ListPosts(ctx context.Context, r Request) Response {
	if r.Subject.IsZero() {
		posts, err := a.posts.list(ctx, "", nil)
		if err != nil {
			return fail(err)
		}
		out := make([]summary, len(posts))
		for i, p := range posts {
			out[i] = summary{ID: p.ID, Title: p.Title}
		}
		return ok(http.StatusOK, map[string]any{"posts": out})
	}
	filter, err := a.Auth.Engine.Filter(ctx, r.Subject.ID, permissions.PostsRead)
	if err != nil {
		return fail(err)
	}
	where, args, err := filter.Where("author_id")
	if err != nil {
		return fail(err)
	}
	posts, err := a.posts.list(ctx, where, args)
	if err != nil {
		return fail(err)
	}
	return ok(http.StatusOK, map[string]any{"posts": posts})
}

// GetPost answers GET /posts/{id}: a published post for anyone, a draft for
// those the policy lets read it, 404 otherwise (a draft's existence is not
// told to those who may not read it).
func (a *App) GetPost(ctx context.Context, r Request) Response {
	p, err := a.posts.get(ctx, r.ID)
	if err != nil {
		return fail(err)
	}
	if p.Published {
		return ok(http.StatusOK, p)
	}
	if r.Subject.IsZero() {
		return fail(guard.ErrNotFound)
	}
	d, err := a.Auth.Engine.Decide(ctx, authz.Request{Subject: r.Subject.ID, Permission: permissions.PostsRead, Resource: p.Resource()})
	if err != nil {
		return fail(err)
	}
	if !d.Allowed {
		return fail(guard.ErrNotFound)
	}
	return ok(http.StatusOK, p)
}

type postInput struct {
	Title     *string `json:"title"`
	Body      *string `json:"body"`
	Published *bool   `json:"published"`
}

// apply validates in and copies its fields onto p.
func (in postInput) apply(p *Post) error {
	if in.Title != nil {
		title := strings.TrimSpace(*in.Title)
		if title == "" || utf8.RuneCountInString(title) > 200 {
			return guard.BadRequest("title must have 1 to 200 characters")
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

// CreatePost answers POST /posts: a post authored by the caller.
func (a *App) CreatePost(ctx context.Context, r Request) Response {
	var in postInput
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return fail(err)
	}
	if in.Title == nil || in.Body == nil {
		return fail(guard.BadRequest(`fields "title" and "body" are required`))
	}
	p := Post{AuthorID: r.Subject.ID}
	if err := in.apply(&p); err != nil {
		return fail(err)
	}
	if err := a.posts.create(ctx, &p); err != nil {
		return fail(err)
	}
	return ok(http.StatusCreated, p)
}

// UpdatePost answers PUT /posts/{id} for a post the ownership guard loaded.
func (a *App) UpdatePost(ctx context.Context, r Request) Response {
	var in postInput
	if err := endpoint.DecodeJSON(r.Body, &in); err != nil {
		return fail(err)
	}
	p := r.Loaded
	if err := in.apply(&p); err != nil {
		return fail(err)
	}
	if err := a.posts.save(ctx, &p); err != nil {
		return fail(err)
	}
	return ok(http.StatusOK, p)
}

// DeletePost answers DELETE /posts/{id} for a post the ownership guard
// loaded.
func (a *App) DeletePost(ctx context.Context, r Request) Response {
	if err := a.posts.delete(ctx, r.Loaded.ID); err != nil {
		return fail(err)
	}
	return Response{Status: http.StatusNoContent}
}
