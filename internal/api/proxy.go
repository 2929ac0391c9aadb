package api

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// trustedProxies is who may tell Roster a request's client address (docs/operations.md,
// "Behind a reverse proxy"). PocketBase's own TrustedProxy setting believes its headers
// from any peer, so Roster decides instead: before every other middleware it rewrites
// the request's RemoteAddr to the client when the peer is a trusted proxy, and removes
// the headers PocketBase's setting names, so that e.RealIP() (PocketBase's rate limits,
// the actor's IP in audit rows) is always the peer or the client a trusted proxy named.
type trustedProxies struct {
	nets   []netip.Prefix
	header string
}

// proxiesFromEnv reads ROSTER_TRUSTED_PROXIES (comma-separated CIDRs or addresses) and
// ROSTER_CLIENT_IP_HEADER (default X-Forwarded-For). An invalid entry is an error that
// stops serve.
func proxiesFromEnv() (*trustedProxies, error) {
	tp := &trustedProxies{header: "X-Forwarded-For"}
	if h := strings.TrimSpace(os.Getenv("ROSTER_CLIENT_IP_HEADER")); h != "" {
		tp.header = h
	}
	for _, s := range strings.Split(os.Getenv("ROSTER_TRUSTED_PROXIES"), ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("ROSTER_TRUSTED_PROXIES: %q is neither a CIDR nor an address", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		tp.nets = append(tp.nets, p.Masked())
	}
	return tp, nil
}

func (tp *trustedProxies) trusted(a netip.Addr) bool {
	for _, p := range tp.nets {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// client is the request's client address: the peer itself unless the peer is a trusted
// proxy; then the rightmost address of the header's chain that is not a trusted proxy
// (what a client puts on the left of the chain is not believed).
func (tp *trustedProxies) client(remoteAddr string, values []string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !tp.trusted(peer) {
		return netip.Addr{}, false
	}
	chain := strings.Split(strings.Join(values, ","), ",")
	for i := len(chain) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(chain[i]))
		if err != nil {
			return netip.Addr{}, false
		}
		if !tp.trusted(a) || i == 0 {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// middleware runs before every PocketBase middleware (the rate limiter, the activity log).
func (tp *trustedProxies) middleware() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{Id: "rosterTrustedProxies", Priority: apis.DefaultWWWRedirectMiddlewarePriority - 1,
		Func: func(e *core.RequestEvent) error {
			if len(tp.nets) > 0 {
				if a, ok := tp.client(e.Request.RemoteAddr, e.Request.Header.Values(tp.header)); ok {
					e.Request.RemoteAddr = net.JoinHostPort(a.String(), "0")
				}
			}
			for _, h := range e.App.Settings().TrustedProxy.Headers {
				e.Request.Header.Del(h)
			}
			return e.Next()
		}}
}
