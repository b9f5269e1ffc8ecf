// Package fleet publishes a robot's journal records to a care home's MQTT
// broker and takes supervision commands from it. Topics under
// kindred/<robot>/ (a contract):
//
//	status                         retained; JSON {"status":"online",...} while up,
//	                               the plain payload "offline" as last will and at shutdown
//	humans/persons/<person>/pain   assessments, QoS 0 (the next one supersedes a lost one)
//	alerts                         QoS 1; held in a bounded outbox while the broker is
//	                               unreachable and delivered when it is back
//	control                        commands in, the console's JSON schema (journal.Control)
//
// Credentials come from KINDRED_MQTT_USER and KINDRED_MQTT_PASSWORD (OptsFromEnv).
package fleet
