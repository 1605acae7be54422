// Command parts-erp is the platform's reference parts plugin: it answers
// parts look-ups, stock, prices, reservations and requisitions from an
// ERP's HTTP JSON API.
//
// # Configuration (the binding's JSON)
//
//	{
//	  "base_url":   "https://erp.example/api/v1", // required
//	  "api_key":    "…",                          // required secret, sent as X-Api-Key
//	  "timeout_ms": 3000                          // per ERP request, default 3000
//	}
//
// # The ERP API it speaks
//
// All bodies are JSON; amounts are decimal strings in the currency's unit
// ("89.50"), converted exactly to minor units (fen) — never floats. Errors
// come as a status code and optionally {"error": "message"}.
//
//	GET  /parts?q=&model=&limit=                    → {"parts": [{"number", "name", "description", "unit", "models": []}]}
//	GET  /parts/{number}/stock?warehouse=…          → {"stock": [{"warehouse", "warehouse_name", "on_hand", "available"}]}
//	GET  /parts/{number}/price?qty=&customer=       → {"currency", "unit_price", "total"}
//	POST /reservations  {"part_number", "warehouse", "quantity", "reference"}        → {"id", "part_number", "warehouse", "quantity", "expires_at"}
//	POST /requisitions  {"reference", "site", "lines": [{"part_number", "quantity", "warehouse"}], "note"} → {"id", "status"}
//	POST /consumptions  {"part_number", "warehouse", "quantity", "reference", "reservation"} → {"id", "part_number", "warehouse", "quantity"}
//	POST /returns       {"part_number", "warehouse", "quantity", "reference"}        → {"id", "part_number", "warehouse", "quantity"}
//
// POSTs carry an Idempotency-Key header (the platform's key), so a retried
// reservation, consumption or return does not move stock twice.
//
// # Errors
//
// 400 and 422 become bad requests with the ERP's message; 409 becomes a
// conflict, or "insufficient stock" when its body says
// {"code": "insufficient_stock"}; 404 becomes not found; 401 and 403 (a wrong api_key),
// 429, 5xx, a timeout, a refused connection or an unreadable answer become
// "unavailable", with a message that names the cause.
package main
