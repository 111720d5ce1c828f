package endpoint_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

func TestDecodeJSON(t *testing.T) {
	type input struct {
		Name  *string `json:"name"`
		Count int     `json:"count"`
	}
	tests := []struct {
		body    string
		wantErr string // "" for success
	}{
		{`{"name":"a","count":2}`, ""},
		{` {"name":"a"} ` + "\n", ""},
		{``, "a JSON body is required"},
		{"  \n", "a JSON body is required"},
		{`{"name":"a"`, "malformed JSON"},
		{`{"name":"a"} {}`, "data after the object"},
		{`{"name":"a","extra":1}`, "malformed JSON"},
		{`{"name":"a","NAME":"b"}`, `field "NAME" is given more than once`},
		{`{"name":"a","nested":{"x":1,"x":2}}`, "malformed JSON"},
		{`{"count":"two"}`, `field "count" must be a int`},
		{`[1,2]`, "must be an object"},
		{"{\"name\":\"\xff\"}", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			var in input
			err := endpoint.DecodeJSON([]byte(tt.body), &in)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			var e *guard.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, http.StatusBadRequest, e.Status)
			assert.Contains(t, e.Message, tt.wantErr)
		})
	}
}

func TestCheckContentType(t *testing.T) {
	body := []byte(`{}`)
	assert.NoError(t, endpoint.CheckContentType(nil, nil), "no body, no type needed")
	assert.NoError(t, endpoint.CheckContentType([]string{"application/json"}, body))
	assert.NoError(t, endpoint.CheckContentType([]string{"application/json; charset=UTF-8"}, body))
	for _, types := range [][]string{nil, {"text/plain"}, {"application/json; charset=latin1"},
		{"application/json", "application/json"}, {"application/json; boundary=x"}, {"multipart/form-data"}, {"application/json;;"}} {
		assert.ErrorIs(t, endpoint.CheckContentType(types, body), endpoint.ErrUnsupportedMediaType, "%q", types)
	}
}

func TestReadBody(t *testing.T) {
	b, err := endpoint.ReadBody(strings.NewReader("abc"))
	require.NoError(t, err)
	assert.Equal(t, "abc", string(b))
	_, err = endpoint.ReadBody(strings.NewReader(strings.Repeat("a", endpoint.MaxBodyBytes+1)))
	assert.ErrorIs(t, err, endpoint.ErrPayloadTooLarge)
	_, err = endpoint.ReadBody(iotest.ErrReader(errors.New("connection reset")))
	var e *guard.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusBadRequest, e.Status)
	_, err = endpoint.ReadBody(http.MaxBytesReader(nil, io.NopCloser(strings.NewReader("abcdef")), 3))
	assert.ErrorIs(t, err, endpoint.ErrPayloadTooLarge)
}

func TestPaths(t *testing.T) {
	assert.Equal(t, "/api-keys/:id", endpoint.ColonPath("/api-keys/{id}"))
	assert.Equal(t, "/a/:x/b/:y", endpoint.ColonPath("/a/{x}/b/{y}"))
	assert.Equal(t, []string{"x", "y"}, endpoint.Params("/a/{x}/b/{y}"))
	assert.Empty(t, endpoint.Params("/a/b"))
	routes := []endpoint.Route{{Method: "POST", Path: "/login", Public: true}, {Method: "GET", Path: "/me"}}
	assert.Equal(t, []string{"POST /login"}, endpoint.PublicPaths(routes))
	r := endpoint.Request{}
	assert.Empty(t, r.Param("id"))
	assert.Empty(t, r.CookieValue("c"))
	cookies := endpoint.CookieMap([]*http.Cookie{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}, {Name: "b", Value: "3"}})
	assert.Equal(t, map[string]string{"a": "1", "b": "3"}, cookies)
}
