// Package paging is how every list of Roster is asked for and answered a page at a
// time: one request type read from the query by one parser (page and perPage, each
// list's bounds given as Limits), the SQL LIMIT and OFFSET computed once, and one
// page type in PocketBase's shape ({"page","perPage","totalItems",
// "totalPages","items"}). It imports nothing of Roster's but internal/fail, so every
// service package can use it.
package paging

import (
	"net/url"
	"strconv"

	"roster/internal/fail"
)

// DefaultPerPage and MaxPerPage are a list's page size when none is asked for and the
// largest one it answers.
const (
	DefaultPerPage = 50
	MaxPerPage     = 200
)

// MaxPage is the last page number a list takes: (MaxPage-1)*perPage cannot overflow
// the offset, which a page near MaxInt64 did (found by the member list's fuzzing).
const MaxPage = 1 << 30

// Limits are one list's page sizes: Default when perPage is absent, at most Max. With
// Clamp a larger size answers Max instead of a 400 (the invoice list and the credit
// history always have).
type Limits struct {
	Default, Max int
	Clamp        bool
}

// Lists are the limits of Roster's lists: 50 a page, at most 200.
var Lists = Limits{Default: DefaultPerPage, Max: MaxPerPage}

// Request is which page of a list is asked for. Its zero value is the first page of
// DefaultPerPage; a service may set a larger PerPage for itself (an export).
type Request struct {
	Page, PerPage int
}

// Parse reads page (1 to MaxPage, default 1) and perPage (l) from q.
// Errors: 400 invalid naming page or perPage.
func Parse(q url.Values, l Limits) (Request, error) {
	page, err := number(q, "page", 1, MaxPage, false)
	if err != nil {
		return Request{Page: 1, PerPage: l.Default}, err
	}
	perPage, err := l.Size(q, "perPage")
	return Request{Page: page, PerPage: perPage}, err
}

// Size reads the page size called name from q within l (a keyset list has no page
// number; the credit history calls its size limit). Errors: 400 invalid naming it.
func (l Limits) Size(q url.Values, name string) (int, error) {
	return number(q, name, l.Default, l.Max, l.Clamp)
}

func number(q url.Values, name string, def, most int, clamp bool) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err == nil && clamp && n > most {
		return most, nil
	}
	if err != nil || n < 1 || n > most {
		return def, fail.Invalid(name, "invalid", name+" is a whole number from 1 to "+strconv.Itoa(most)+".")
	}
	return n, nil
}

// normal is r with a page of 0 read as the first and a size of 0 as DefaultPerPage.
func (r Request) normal() Request {
	r.Page = max(r.Page, 1)
	if r.PerPage < 1 {
		r.PerPage = DefaultPerPage
	}
	return r
}

// Limit is the SQL LIMIT of r: its page size.
func (r Request) Limit() int { return r.normal().PerPage }

// Offset is the SQL OFFSET of r: the rows of the pages before it.
func (r Request) Offset() int {
	r = r.normal()
	return (r.Page - 1) * r.PerPage
}

// Page is one page of a list, in PocketBase's shape.
type Page[T any] struct {
	Page       int `json:"page"`
	PerPage    int `json:"perPage"`
	TotalItems int `json:"totalItems"`
	TotalPages int `json:"totalPages"`
	Items      []T `json:"items"`
}

// Of is the page r of a list of total items (-1 when the total was not counted: then
// totalPages is -1 too); items nil is an empty page, [] in JSON.
func Of[T any](r Request, total int, items []T) Page[T] {
	r = r.normal()
	if items == nil {
		items = []T{}
	}
	p := Page[T]{Page: r.Page, PerPage: r.PerPage, TotalItems: total, TotalPages: -1, Items: items}
	if total >= 0 {
		p.TotalPages = (total + r.PerPage - 1) / r.PerPage
	}
	return p
}
