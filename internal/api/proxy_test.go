package api

import "testing"

func TestTrustedProxyClient(t *testing.T) {
	t.Setenv("ROSTER_TRUSTED_PROXIES", "127.0.0.1/32, ::1")
	tp, err := proxiesFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, peer string
		header     []string
		want       string
	}{
		{"a trusted proxy's header names the client", "127.0.0.1:5000", []string{"127.0.0.2"}, "127.0.0.2"},
		{"a spoofed left part of the chain is not believed", "127.0.0.1:5000", []string{"6.6.6.6, 127.0.0.3"}, "127.0.0.3"},
		{"an untrusted peer's header is ignored", "127.0.0.5:5000", []string{"127.0.0.2"}, ""},
		{"a trusted proxy without the header leaves the peer", "127.0.0.1:5000", nil, ""},
		{"garbage in the chain leaves the peer", "127.0.0.1:5000", []string{"nope"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, ok := tp.client(c.peer, c.header)
			got := ""
			if ok {
				got = a.String()
			}
			if got != c.want {
				t.Fatalf("client(%s, %v) = %q, want %q", c.peer, c.header, got, c.want)
			}
		})
	}
	t.Setenv("ROSTER_TRUSTED_PROXIES", "10.0.0.0/33")
	if _, err := proxiesFromEnv(); err == nil {
		t.Fatal("an invalid CIDR was accepted")
	}
}
