package main

import (
	"crypto/tls"
	"fmt"
	"io"

	"github.com/kindred-hri/kindred/console"
)

// consoleTransport checks --tls-cert, --tls-key and --insecure-http against
// the console's address and loads the certificate. Beyond loopback the
// console carries the token and a person's pain over the care home's
// network, so it needs TLS or the deployer's explicit --insecure-http.
func consoleTransport(addr string, f runFlags) (*tls.Config, error) {
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return nil, badInput("--tls-cert and --tls-key go together: give both")
	}
	if f.tlsCert != "" && f.insecureHTTP {
		return nil, badInput("--insecure-http contradicts --tls-cert: give one or the other")
	}
	if addr == "off" {
		return nil, nil
	}
	if addr == "" {
		addr = console.DefaultAddr
	}
	if err := console.CheckAddr(addr); err != nil {
		return nil, badInput("%v", err)
	}
	if f.tlsCert == "" {
		if !console.Loopback(addr) && !f.insecureHTTP {
			return nil, badInput("console address %s is reachable from other machines: give --tls-cert and --tls-key, or --insecure-http to serve plain HTTP anyway", addr)
		}
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
	if err != nil {
		return nil, badInput("--tls-cert %s, --tls-key %s: %v", f.tlsCert, f.tlsKey, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// announceConsole says where the console is, and warns when it is plain
// HTTP beyond loopback. It never prints the token.
func announceConsole(w io.Writer, addr string, f runFlags) {
	if addr == "" {
		addr = console.DefaultAddr
	}
	scheme := "http"
	if f.consoleTLS != nil {
		scheme = "https"
	}
	fmt.Fprintf(w, "kindred: console on %s://%s\n", scheme, addr)
	if scheme == "http" && !console.Loopback(addr) {
		fmt.Fprintf(w, "kindred: warning: --insecure-http: the console token and pain data cross the network in clear\n")
	}
}
