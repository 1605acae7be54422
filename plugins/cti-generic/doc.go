// Command cti-generic is the platform's reference CTI plugin. It reads call
// events in a documented generic JSON format, which any telephony system
// (or a small adapter in front of one) can post, and places click-to-dial
// calls by POSTing to a configured vendor URL.
//
// # Call-event format
//
// The vendor POSTs to /v1/cti/{binding}/events (authenticated by the
// binding's CTI token, header X-CTI-Token) a UTF-8 JSON body that is one
// event object, an array of event objects, or {"events": [ … ]}; at most
// 100 events per request. An event object:
//
//	{
//	  "event":           "ringing",                    // queued | ringing | answered | ended (required)
//	  "call_id":         "7f9c-0001",                  // the vendor's call ID; one call's events share it (required)
//	  "caller":          "13800138000",                // calling number (required for ringing)
//	  "called":          "4008001234",                 // number called, e.g. the hotline
//	  "agent_extension": "801",                        // the agent's extension (required for ringing and answered)
//	  "recording_url":   "https://pbx.example/r/1.mp3", // http(s) link to the recording, usually on ended
//	  "queue":           "repair",                     // the switch's queue or agent group (required for queued)
//	  "direction":       "inbound",                    // inbound | outbound (optional)
//	  "timestamp":       "2026-11-23T09:30:00+08:00"   // RFC 3339 with a zone (required)
//	}
//
// Unknown keys are ignored, so vendors may send more. Text fields are at most
// 64 bytes, the recording URL at most 2048. A body that is not this
// format (not JSON, a wrong type, a missing required field, an unknown
// event) is refused as a bad request: the platform answers 422 and nothing
// else happens.
//
// # Click-to-dial
//
// When an agent clicks a number, the plugin POSTs to dial_url
//
//	{"agent_extension": "801", "number": "13800138000", "caller_id": "4008001234", "reference": "…"}
//
// (reference is the platform's tag for the call, when it gives one) with
// "Authorization: Bearer <dial_token>" when a token is configured, and
// expects a 2xx answer, optionally {"call_id": "…"}. A 4xx answer is a bad
// request (wrong number or extension); a 5xx, a timeout or no connection
// is "unavailable".
//
// # Agent groups
//
// When agents_url is configured, the plugin POSTs the full state of the
// tenant's agent groups there whenever a membership or an agent's
// availability changes (the latest state replaces the previous one):
//
//	{"groups": [{"id": "…", "name": "Repair", "skill": "repair", "queue": "q-repair",
//	  "members": [{"extension": "801", "available": true, "state": "available"}]}]}
//
// with "Authorization: Bearer <agents_token>" when a token is configured.
// A 2xx answer is success; a 4xx is refused, a 5xx, a timeout or no
// connection "unavailable" (the platform retries). Without agents_url the
// plugin reports that it does not sync agents.
//
// # Configuration (the binding's JSON)
//
//	{
//	  "dial_url":   "https://pbx.example/api/dial", // optional; without it click-to-dial is refused
//	  "dial_token": "…",                            // optional secret
//	  "caller_id":  "4008001234",                   // optional, sent with each dial
//	  "timeout_ms": 4000,                           // vendor timeout, default 4000 (the platform waits 5 s)
//	  "agents_url": "https://pbx.example/api/agents", // optional; where agent groups are synced
//	  "agents_token": "…"                           // optional secret
//	}
//
// Unknown keys are refused, to catch typos.
package main
