// Package testpki makes the certificates tests of TLS need: a self-signed
// one for 127.0.0.1, or a small private CA and a server certificate it
// issued (as a care home would for its broker). Keys are ECDSA P-256 and
// live for an hour; nothing here is for production.
package testpki
