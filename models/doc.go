// Package models embeds the learned models Kindred ships, byte for byte as
// NOTICE describes them (provenance, licence, SHA-256). Only the bytes live
// here; the cgo leaves that run them (perception/soundevents/yamnet,
// perception/face/mesh) load
// them from these variables, so a binary needs no model files beside it.
package models
