// Package fleet publishes a robot's journal records to a care home's MQTT
// broker and, when enabled, takes supervision commands from it. Topics
// under kindred/<robot>/ (a contract):
//
//	status                            retained; JSON {"status":"online",...} while up,
//	                                  the plain payload "offline" as last will and at shutdown
//	humans/persons/<pseudonym>/pain   assessments, QoS 0 (the next one supersedes a lost one)
//	alerts                            QoS 1; held in a bounded outbox (Opts.AlertBuffer in all)
//	                                  while the broker is unreachable and delivered when it is
//	                                  back; those beyond the bound, and those still
//	                                  unacknowledged at shutdown, are reported (Opts.Undelivered)
//	control                           commands in (Opts.Control; not subscribed otherwise)
//
// Persons appear only as random pseudonyms (Opts.Pseudonyms, normally the
// journal, which alone knows who is who), in topics and payloads alike.
//
// Control is refused by Validate unless the robot has broker credentials
// and either TLS (ssl://) or a per-robot key. With a key every command is
// a signed envelope (Sign documents the bytes signed) checked for its MAC,
// a ±30 s timestamp window and a nonce not seen in that window. Retained
// control messages are never obeyed. A control message refused (malformed,
// badly signed, retained, or not taken in time) is reported through
// Opts.ReportRefusals, coalesced like the console's (the first at once,
// then at most one report per RefusalEvery; FlushRefusals reports the rest).
//
// The client ID is kindred-<robot>-<random>, new at every start, so no
// other client can silently take the robot's connection over; each loss
// and return of the broker, and an anonymous connection, is reported.
//
// Credentials, key and CA file come from KINDRED_MQTT_USER,
// KINDRED_MQTT_PASSWORD, KINDRED_MQTT_KEY and KINDRED_MQTT_CA (OptsFromEnv).
package fleet
