package testapp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// Client sends real HTTP requests to an app's full router (PocketBase's routes and
// middlewares, then Roster's), served by httptest on loopback.
type Client struct {
	t   testing.TB
	URL string
}

// Serve starts app's router on a loopback httptest server for the rest of the test.
func Serve(t testing.TB, app *tests.TestApp) *Client {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: r, Server: &http.Server{}}
	var handler http.Handler
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		handler = mux
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &Client{t: t, URL: srv.URL}
}

// Response is a decoded answer.
type Response struct {
	Status int
	Header http.Header
	Raw    string
	JSON   map[string]any
}

// Code is data.code of an error answer.
func (r Response) Code() string {
	d, _ := r.JSON["data"].(map[string]any)
	c, _ := d["code"].(string)
	return c
}

// FieldCode is data.<field>.code of a 400 answer.
func (r Response) FieldCode(field string) string {
	d, _ := r.JSON["data"].(map[string]any)
	f, _ := d[field].(map[string]any)
	c, _ := f["code"].(string)
	return c
}

// Do sends a request with an optional token and JSON body (nil = none).
func (c *Client) Do(method, path, token string, body any) Response {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := Response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &out.JSON)
	}
	return out
}

// SignIn signs in with PocketBase's password route and returns the token.
func (c *Client) SignIn(identity, password string) (string, Response) {
	c.t.Helper()
	r := c.Do("POST", "/api/collections/users/auth-with-password", "", map[string]string{"identity": identity, "password": password})
	tok, _ := r.JSON["token"].(string)
	return tok, r
}
