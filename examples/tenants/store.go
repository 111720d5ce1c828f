package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

// org is an organization: a tenant of the policy, and a row that says it
// exists. Its members and their roles live in the policy alone.
type org struct {
	Name      string    `gorm:"primaryKey;size:40" json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// project is a resource of one organization, owned by the member who
// created it. Org is the tenant column the list filter reads.
type project struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	Org       string    `gorm:"size:40;not null;index" json:"org"`
	OwnerID   string    `gorm:"size:100;not null" json:"owner_id"`
	Name      string    `gorm:"size:100;not null" json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// seedMark records that the demo data was seeded, so that later starts
// leave the organizations as their members left them.
type seedMark struct {
	Name string `gorm:"primaryKey;size:40"`
}

// orgName is what organization names look like: a slug of lowercase
// letters, digits and inner hyphens. Names never hold "/", which would
// make an organization a tenant below another, nor "*", which the policy
// reads as every tenant.
var orgName = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)

// maxProjectName is the longest project name, in bytes.
const maxProjectName = 100

// errNoOrg is the 404 of an organization that does not exist, or that the
// caller may not know of.
var errNoOrg = fmt.Errorf("no such organization: %w", guard.ErrNotFound)

// errNoProject is the 404 of a project the organization does not have.
var errNoProject = fmt.Errorf("no such project: %w", guard.ErrNotFound)

// store keeps the organizations and their projects in the database that
// also holds the users and the policy.
type store struct{ db *gorm.DB }

// openStore creates the store's tables when they are missing.
func openStore(ctx context.Context, db *gorm.DB) (*store, error) {
	if err := db.WithContext(ctx).AutoMigrate(&org{}, &project{}, &seedMark{}); err != nil {
		return nil, fmt.Errorf("tenants: migrate: %w", err)
	}
	return &store{db: db}, nil
}

// createOrg records a new organization; gorm.ErrDuplicatedKey when the
// name is taken.
func (s *store) createOrg(ctx context.Context, name string) (org, error) {
	o := org{Name: name}
	return o, s.db.WithContext(ctx).Create(&o).Error
}

// orgExists reports whether the organization name exists.
func (s *store) orgExists(ctx context.Context, name string) (bool, error) {
	if !orgName.MatchString(name) {
		return false, nil
	}
	var n int64
	err := s.db.WithContext(ctx).Model(&org{}).Where("name = ?", name).Count(&n).Error
	return n > 0, err
}

// orgs returns the organizations among names, or every organization when
// names is nil, by name.
func (s *store) orgs(ctx context.Context, names []string) ([]org, error) {
	q := s.db.WithContext(ctx).Order("name")
	if names != nil {
		q = q.Where("name IN ?", append(slices.Clip(names), "")) // IN () is not SQL
	}
	var out []org
	return out, q.Find(&out).Error
}

// deleteOrg deletes an organization and its projects, in one transaction.
func (s *store) deleteOrg(ctx context.Context, name string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("org = ?", name).Delete(&project{}).Error; err != nil {
			return err
		}
		return tx.Where("name = ?", name).Delete(&org{}).Error
	})
}

// listProjects returns the projects the SQL condition where (with args)
// admits, oldest first.
func (s *store) listProjects(ctx context.Context, where string, args []any) ([]project, error) {
	out := []project{}
	return out, s.db.WithContext(ctx).Where(where, args...).Order("id").Find(&out).Error
}

// project returns the project id of the organization orgName, or
// errNoProject.
func (s *store) project(ctx context.Context, orgName string, id int64) (project, error) {
	var p project
	err := s.db.WithContext(ctx).Where("org = ? AND id = ?", orgName, id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, errNoProject
	}
	return p, err
}

// createProject stores p, giving it its id.
func (s *store) createProject(ctx context.Context, p *project) error {
	return s.db.WithContext(ctx).Create(p).Error
}

// renameProject changes p's name.
func (s *store) renameProject(ctx context.Context, p *project, name string) error {
	p.Name = name
	return s.db.WithContext(ctx).Model(&project{}).Where("id = ?", p.ID).Update("name", name).Error
}

// deleteProject deletes p.
func (s *store) deleteProject(ctx context.Context, p project) error {
	return s.db.WithContext(ctx).Where("id = ?", p.ID).Delete(&project{}).Error
}

// checkProjectName refuses a project name that is empty, longer than
// maxProjectName, not UTF-8, with surrounding spaces or with control
// characters.
func checkProjectName(name string) error {
	switch {
	case name == "" || len(name) > maxProjectName:
		return guard.BadRequest(fmt.Sprintf("a project's name has 1 to %d bytes", maxProjectName))
	case !utf8.ValidString(name) || strings.TrimSpace(name) != name || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return guard.BadRequest("a project's name is UTF-8 text without control characters or surrounding spaces")
	}
	return nil
}
