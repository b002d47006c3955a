/// The hand-written OpenAPI 3.1 description served at /api/v1/openapi.json. It lists exactly the routes in
/// `RouteID` (a test holds the two together).
enum OpenAPIDocument {
    /// Routes for browsers only (sign-in and HTML form POSTs, answered with pages and redirects, authenticated
    /// by the session cookie): not part of the API, so not described here. Every other route is.
    static let browserOnly: Set<RouteID> = [
        .signInPage, .signIn, .signOut, .incidentsPage, .incidentPage, .incidentAcknowledgeForm, .incidentNoteForm,
        .incidentResolveForm, .reportsPage, .logExportDownload, .personReport, .staffPage, .staffProblemForm,
        .staffEntryForm, .staffShareForm, .staffRevokeForm,
    ]

    static let text = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "courtwatch web API",
        "version": "1",
        "description": "Status, incidents, metrics and heartbeats of one courtwatch daemon. Authenticate with 'Authorization: Bearer TOKEN' (tokens are made by 'courtwatch token add'). Errors are JSON {\"error\": code, \"detail\": sentence}."
      },
      "servers": [{"url": "/"}],
      "security": [{"bearer": []}],
      "components": {
        "securitySchemes": {
          "bearer": {"type": "http", "scheme": "bearer", "description": "Roles: ops, site-lead, manager, union-rep, staff"}
        },
        "schemas": {
          "Error": {
            "type": "object", "required": ["error", "detail"],
            "properties": {"error": {"type": "string"}, "detail": {"type": "string"}}
          },
          "Probe": {
            "type": "object", "required": ["id", "name", "kind", "state", "critical"],
            "properties": {
              "id": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
              "system": {"type": ["string", "null"]}, "critical": {"type": "boolean"},
              "state": {"type": "string", "enum": ["unknown", "up", "degraded", "suspect", "down", "recovering", "unreachable", "flapping"]},
              "since": {"type": ["string", "null"], "format": "date-time"},
              "last_check": {"type": ["string", "null"], "format": "date-time"},
              "last_latency_us": {"type": ["integer", "null"]},
              "last_result": {"type": ["string", "null"]}
            }
          },
          "Incident": {
            "type": "object", "required": ["id", "site", "systems", "kind", "title", "started_at", "status", "impact", "planned", "origin"],
            "properties": {
              "id": {"type": "integer"}, "site": {"type": "string"}, "probe": {"type": ["string", "null"]},
              "system": {"type": ["string", "null"]}, "systems": {"type": "array", "items": {"type": "string"}},
              "kind": {"type": "string"}, "title": {"type": "string"}, "cause": {"type": "string"},
              "started_at": {"type": "string", "format": "date-time"},
              "resolved_at": {"type": ["string", "null"], "format": "date-time"},
              "status": {"type": "string"}, "impact": {"type": "string"}, "planned": {"type": "boolean"},
              "origin": {"type": "string"},
              "acknowledged_by": {"type": ["string", "null"]},
              "acknowledged_at": {"type": ["string", "null"], "format": "date-time"},
              "acknowledgement_expires_at": {"type": ["string", "null"], "format": "date-time"},
              "resolved_by": {"type": ["string", "null"]}
            }
          },
          "IncidentDetail": {
            "allOf": [
              {"$ref": "#/components/schemas/Incident"},
              {
                "type": "object",
                "properties": {
                  "timeline": {"type": "array", "items": {
                    "type": "object",
                    "properties": {
                      "seq": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
                      "kind": {"type": "string"}, "by": {"type": "string"},
                      "status": {"type": ["string", "null"]}, "text": {"type": ["string", "null"]}
                    }
                  }},
                  "tickets": {"type": "array", "items": {"type": "string"}},
                  "children": {"type": "array", "items": {"type": "string"}}
                }
              }
            ]
          },
          "Status": {
            "type": "object", "required": ["site", "health", "continuity", "probes", "open_incidents"],
            "properties": {
              "site": {"type": ["object", "null"], "properties": {
                "id": {"type": "string"}, "name": {"type": "string"}, "time_zone": {"type": "string"}}},
              "health": {"type": "object", "properties": {
                "ok": {"type": "boolean"}, "reasons": {"type": "array", "items": {"type": "string"}}}},
              "continuity": {"type": ["object", "null"], "properties": {
                "level": {"type": "string"}, "since": {"type": ["string", "null"]},
                "recommended_level": {"type": "string"}, "why": {"type": "array", "items": {"type": "string"}}}},
              "what_is_wrong": {"type": "array", "items": {"type": "string"},
                "description": "Fault-location sentences, most important first, times in the site's zone"},
              "notifications": {"type": ["object", "null"], "properties": {
                "ok": {"type": "boolean"}, "retrying": {"type": "integer"},
                "failing": {"type": "array", "items": {"type": "object", "properties": {
                  "alert": {"type": "string"}, "channel": {"type": "string"}, "failures": {"type": "integer"},
                  "first_failed_at": {"type": "string", "format": "date-time"},
                  "last_failed_at": {"type": "string", "format": "date-time"},
                  "last_detail": {"type": "string"}}}}}},
              "probes": {"type": "array", "items": {"$ref": "#/components/schemas/Probe"}},
              "open_incidents": {"type": "array", "items": {"$ref": "#/components/schemas/Incident"}}
            }
          },
          "ActionResult": {
            "type": "object", "required": ["ok", "incident", "action", "by", "at"],
            "properties": {
              "ok": {"type": "boolean"}, "incident": {"type": "integer"}, "action": {"type": "string"},
              "by": {"type": "string"}, "at": {"type": "string", "format": "date-time"}
            }
          },
          "Continuity": {
            "type": "object", "required": ["site", "level", "invocation", "recommendation", "checklist", "open_items"],
            "properties": {
              "site": {"type": "string"}, "level": {"type": "string"},
              "since": {"type": ["string", "null"], "format": "date-time"},
              "invocation": {"type": ["object", "null"], "properties": {
                "id": {"type": "integer"}, "level": {"type": "string"}, "by": {"type": "string"},
                "reason": {"type": "string"}, "at": {"type": "string", "format": "date-time"},
                "auto": {"type": "boolean"}, "systems": {"type": "array", "items": {"type": "string"}}}},
              "recommendation": {"type": "object", "properties": {
                "level": {"type": "string"}, "why": {"type": "array", "items": {"type": "string"}},
                "systems": {"type": "array", "items": {"type": "string"}},
                "auto_invoke": {"type": "array", "items": {"type": "string"}}}},
              "checklist": {"type": "array", "items": {"type": "object", "properties": {
                "item": {"type": "string"}, "title": {"type": "string"}, "done": {"type": "boolean"},
                "detail": {"type": "string"}, "by": {"type": ["string", "null"]},
                "at": {"type": ["string", "null"], "format": "date-time"}, "note": {"type": ["string", "null"]}}}},
              "open_items": {"type": "array", "items": {"type": "string"}}
            }
          },
          "ContinuityResult": {
            "type": "object", "required": ["ok", "site", "invocation", "by", "at"],
            "properties": {
              "ok": {"type": "boolean"}, "site": {"type": "string"}, "invocation": {"type": "integer"},
              "level": {"type": "string"}, "item": {"type": "string"},
              "overridden": {"type": "array", "items": {"type": "string"}},
              "by": {"type": "string"}, "at": {"type": "string", "format": "date-time"}
            }
          },
          "ReportShare": {
            "type": "object", "required": ["with", "granted_at", "until"],
            "properties": {"with": {"type": "string"}, "granted_at": {"type": "string", "format": "date-time"},
                           "until": {"type": ["string", "null"], "format": "date-time"}}
          },
          "StaffRecord": {
            "type": "object", "required": ["id", "name", "site", "time_zone", "systems", "site_systems", "shares", "recent_entries"],
            "properties": {
              "id": {"type": "string"}, "name": {"type": "string"}, "team": {"type": ["string", "null"]},
              "site": {"type": "string"}, "time_zone": {"type": "string"},
              "systems": {"type": "array", "items": {"type": "string"}},
              "site_systems": {"type": "array", "items": {"type": "object", "required": ["id", "name"],
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}},
              "shares": {"type": "array", "items": {"$ref": "#/components/schemas/ReportShare"}},
              "recent_entries": {"type": "array", "items": {"type": "object",
                "required": ["id", "kind", "at_utc", "systems", "fields", "incidents", "erased", "recorded_at_utc", "summary"],
                "properties": {
                  "id": {"type": "string"}, "kind": {"type": "string"},
                  "at_utc": {"type": "string", "format": "date-time"}, "end_utc": {"type": ["string", "null"], "format": "date-time"},
                  "systems": {"type": "array", "items": {"type": "string"}},
                  "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                  "incidents": {"type": "array", "items": {"type": "integer"}}, "erased": {"type": "boolean"},
                  "recorded_at_utc": {"type": "string", "format": "date-time"}, "summary": {"type": "string"}}}}
            }
          },
          "TextBody": {
            "type": "object", "required": ["text"], "additionalProperties": false,
            "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 4000, "pattern": "\\S"}}
          }
        },
        "parameters": {
          "IncidentID": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 9223372036854775807}},
          "ReportFrom": {"name": "from", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
          "ReportTo": {"name": "to", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
          "ReportFormat": {"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["pdf", "html", "csv", "json"], "default": "html"}},
          "FormIncident": {"name": "incident", "in": "query", "required": false,
            "schema": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "^[^\\u0000-\\u001f]+$"},
            "description": "Incident reference printed on every page"},
          "FormCourtroom": {"name": "courtroom", "in": "query", "required": false,
            "schema": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "^[^\\u0000-\\u001f]+$"},
            "description": "Courtroom printed on every page"}
        },
        "responses": {
          "Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      },
      "paths": {
        "/": {
          "get": {
            "summary": "The status board (HTML, reloads itself)", "operationId": "statusBoard",
            "responses": {"200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}},
                          "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/healthz": {
          "get": {
            "summary": "200 'ok' when probing and logging work, 503 with the reasons otherwise", "operationId": "health",
            "security": [],
            "responses": {"200": {"description": "Healthy", "content": {"text/plain": {"schema": {"type": "string"}}}},
                          "503": {"description": "Unhealthy, with reasons", "content": {"text/plain": {"schema": {"type": "string"}}}}}
          }
        },
        "/metrics": {
          "get": {
            "summary": "Prometheus text format", "operationId": "metrics",
            "responses": {"200": {"description": "Metrics", "content": {"text/plain": {"schema": {"type": "string"}}}},
                          "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/openapi.json": {
          "get": {
            "summary": "This document", "operationId": "openAPI", "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        },
        "/api/v1/status": {
          "get": {
            "summary": "Site, health, continuity level, probes and open incidents", "operationId": "status",
            "responses": {"200": {"description": "Status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
                          "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                          "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/incidents": {
          "get": {
            "summary": "Incidents, oldest first", "operationId": "listIncidents",
            "parameters": [{"name": "open", "in": "query", "required": false, "schema": {"type": "string", "enum": ["yes", "no", "true", "false"]}}],
            "responses": {"200": {"description": "Incidents", "content": {"application/json": {"schema": {
                             "type": "object", "required": ["incidents"],
                             "properties": {"incidents": {"type": "array", "items": {"$ref": "#/components/schemas/Incident"}}}}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
                          "403": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/incidents/{id}": {
          "get": {
            "summary": "One incident with its timeline", "operationId": "showIncident",
            "parameters": [{"$ref": "#/components/parameters/IncidentID"}],
            "responses": {"200": {"description": "The incident", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IncidentDetail"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
                          "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/incidents/{id}/ack": {
          "post": {
            "summary": "Acknowledge an open incident (ops, site-lead)", "operationId": "acknowledgeIncident",
            "parameters": [{"$ref": "#/components/parameters/IncidentID"}],
            "requestBody": {"required": false, "content": {"application/json": {"schema": {
              "type": "object", "additionalProperties": false,
              "properties": {"expires_in_minutes": {"type": ["integer", "null"], "minimum": 1, "maximum": 10080},
                             "text": {"type": ["string", "null"], "maxLength": 4000, "description": "An optional note, added to the timeline with the acknowledgement"}}}}}},
            "responses": {"200": {"description": "Recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ActionResult"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
                          "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
                          "409": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"},
                          "422": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/incidents/{id}/note": {
          "post": {
            "summary": "Add a note to an incident's timeline (ops, site-lead)", "operationId": "noteIncident",
            "parameters": [{"$ref": "#/components/parameters/IncidentID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TextBody"}}}},
            "responses": {"200": {"description": "Recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ActionResult"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
                          "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
                          "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/incidents/{id}/resolve": {
          "post": {
            "summary": "Resolve an open incident by hand, saying why (ops, site-lead)", "operationId": "resolveIncident",
            "parameters": [{"$ref": "#/components/parameters/IncidentID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TextBody"}}}},
            "responses": {"200": {"description": "Recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ActionResult"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
                          "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
                          "409": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"},
                          "422": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/heartbeat/{probe}": {
          "post": {
            "summary": "Record a heartbeat for a Kind=heartbeat probe (ops)", "operationId": "heartbeat",
            "parameters": [{"name": "probe", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "Recorded", "content": {"application/json": {"schema": {
                             "type": "object", "properties": {"ok": {"type": "boolean"}, "message": {"type": "string"}}}}}},
                          "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                          "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"},
                          "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/continuity": {
          "get": {
            "summary": "Continuity (paper mode): level, recommendation and why, who invoked, the stand-down checklist (every role)",
            "operationId": "continuityStatus",
            "responses": {"200": {"description": "As 'courtwatch continuity status --json'", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Continuity"}}}},
                          "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/continuity/invoke": {
          "post": {
            "summary": "Invoke contingency (paper mode) or major (ops, site-lead)", "operationId": "continuityInvoke",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["reason"], "additionalProperties": false,
              "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 4000, "pattern": "\\S"},
                             "level": {"type": ["string", "null"], "enum": ["contingency", "major", null]}}}}}},
            "responses": {"200": {"description": "Invoked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContinuityResult"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/continuity/stand-down": {
          "post": {
            "summary": "Stand down to normal; refused (409, naming them) while checklist items are open unless 'override' says why (ops, site-lead)",
            "operationId": "continuityStandDown",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["reason"], "additionalProperties": false,
              "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 4000, "pattern": "\\S"},
                             "override": {"type": ["string", "null"], "minLength": 1, "maxLength": 4000, "pattern": "\\S"}}}}}},
            "responses": {"200": {"description": "Stood down", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContinuityResult"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/continuity/check": {
          "post": {
            "summary": "Record a stand-down checklist item of the open invocation (ops, site-lead)", "operationId": "continuityCheck",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["item"], "additionalProperties": false,
              "properties": {"item": {"type": "string", "enum": ["transaction-confirmed", "forms-reconciled", "partner-em", "partner-custody", "partner-probation", "partner-police"]},
                             "note": {"type": ["string", "null"], "maxLength": 4000}}}}}},
            "responses": {"200": {"description": "Recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContinuityResult"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/forms/": {
          "get": {
            "summary": "The paper continuity forms (HTML page linking each form as PDF and web page); every role",
            "operationId": "formsIndex",
            "parameters": [{"$ref": "#/components/parameters/FormIncident"}, {"$ref": "#/components/parameters/FormCourtroom"}],
            "responses": {"200": {"description": "The page", "content": {"text/html": {"schema": {"type": "string"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/forms/{file}": {
          "get": {
            "summary": "One form, NAME.pdf or NAME.html, pre-filled for the site; recorded as forms.issued by the token's subject",
            "operationId": "formFile",
            "parameters": [{"name": "file", "in": "path", "required": true, "schema": {"type": "string"},
                            "description": "NAME.pdf or NAME.html, NAME a form name (court-register) or ID (CW-F01)"},
                           {"$ref": "#/components/parameters/FormIncident"}, {"$ref": "#/components/parameters/FormCourtroom"}],
            "responses": {"200": {"description": "The form", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                                                                         "text/html": {"schema": {"type": "string"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/log/export": {
          "get": {
            "summary": "The failure log for a period, the bytes 'courtwatch log export' writes, signed (ops, site-lead, manager, union-rep)",
            "description": "X-Courtwatch-Signature is the base64 detached Ed25519 signature of the body by the state directory's key (public key: STATE/signing-key.pub.pem); check it with: openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin -in FILE -sigfile FILE.sig",
            "operationId": "logExport",
            "parameters": [
              {"name": "from", "in": "query", "required": true, "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}"}, "description": "A date (2026-11-01, midnight UTC) or an ISO 8601 time with an offset; before to"},
              {"name": "to", "in": "query", "required": true, "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}"}},
              {"name": "format", "in": "query", "required": true, "schema": {"type": "string", "enum": ["csv", "json"]}},
              {"name": "site", "in": "query", "required": false, "schema": {"type": "string", "minLength": 1}},
              {"name": "system", "in": "query", "required": false, "schema": {"type": "string", "minLength": 1}},
              {"name": "planned", "in": "query", "required": false, "schema": {"type": "string", "enum": ["yes", "no", "true", "false"]}}
            ],
            "responses": {"200": {"description": "The export", "headers": {"X-Courtwatch-Signature": {"schema": {"type": "string"}}},
                                  "content": {"text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/reports/site": {
          "get": {
            "summary": "The signed site failure-log report, as 'courtwatch report site' (ops, site-lead, manager, union-rep)",
            "description": "Days from..to inclusive in the site's time zone (from not after to: 400 otherwise). X-Courtwatch-Signature: the base64 detached Ed25519 signature of the body.",
            "operationId": "siteReport",
            "parameters": [
              {"$ref": "#/components/parameters/ReportFrom"}, {"$ref": "#/components/parameters/ReportTo"},
              {"$ref": "#/components/parameters/ReportFormat"},
              {"name": "count_planned", "in": "query", "required": false, "schema": {"type": "string", "enum": ["yes", "no", "true", "false"]}},
              {"name": "count_degraded", "in": "query", "required": false, "schema": {"type": "string", "enum": ["yes", "no", "true", "false"]}}
            ],
            "responses": {"200": {"description": "The report", "headers": {"X-Courtwatch-Signature": {"schema": {"type": "string"}}},
                                  "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}, "text/html": {"schema": {"type": "string"}},
                                              "text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/reports/user/{id}": {
          "get": {
            "summary": "A person's signed outage report, as 'courtwatch report user': a staff token only its own; a manager or union rep only while the person shares it with them (recorded in the person's access log)",
            "operationId": "userReport",
            "parameters": [
              {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The staff ID"},
              {"$ref": "#/components/parameters/ReportFrom"}, {"$ref": "#/components/parameters/ReportTo"},
              {"$ref": "#/components/parameters/ReportFormat"}
            ],
            "responses": {"200": {"description": "The report", "headers": {"X-Courtwatch-Signature": {"schema": {"type": "string"}}},
                                  "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}, "text/html": {"schema": {"type": "string"}},
                                              "text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/report-problem": {
          "post": {
            "summary": "A system is not working for me (staff; recorded as the token's subject, as 'courtwatch report-problem')",
            "operationId": "reportProblem",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["system"], "additionalProperties": false,
              "properties": {"system": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "\\S"},
                             "site": {"type": ["string", "null"], "maxLength": 100},
                             "text": {"type": ["string", "null"], "maxLength": 1000}}}}}},
            "responses": {"200": {"description": "Recorded", "content": {"application/json": {"schema": {
                             "type": "object", "properties": {"ok": {"type": "boolean"}, "message": {"type": "string"}, "by": {"type": "string"}}}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/staff/entries": {
          "post": {
            "summary": "Log one of my own entries (staff; as 'courtwatch staff log' for the token's subject, case data refused)",
            "description": "Fields by kind: time-lost: minutes, could_not; extra-hours: at, until, claim; cost: amount, what, agreed_in_writing; deadline: status, target; health-and-safety: note, informed, meeting_requested; manager-notified: how; helpdesk-ticket: reference. note and reference go with any kind.",
            "operationId": "staffEntry",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["kind"], "additionalProperties": false,
              "properties": {
                "kind": {"type": "string", "enum": ["time-lost", "extra-hours", "cost", "deadline", "health-and-safety", "manager-notified", "helpdesk-ticket"]},
                "at": {"type": ["string", "null"], "maxLength": 40}, "until": {"type": ["string", "null"], "maxLength": 1000},
                "systems": {"type": ["array", "null"], "items": {"type": "string", "minLength": 1, "maxLength": 100}},
                "minutes": {"type": ["integer", "string", "null"]}, "could_not": {"type": ["string", "null"], "maxLength": 1000}, "claim": {"type": ["string", "null"], "maxLength": 1000}, "amount": {"type": ["string", "null"], "maxLength": 1000},
                "what": {"type": ["string", "null"], "maxLength": 1000}, "agreed_in_writing": {"type": ["string", "null"], "maxLength": 1000}, "status": {"type": ["string", "null"], "maxLength": 1000}, "target": {"type": ["string", "null"], "maxLength": 1000}, "informed": {"type": ["string", "null"], "maxLength": 1000},
                "meeting_requested": {"type": ["string", "null"], "maxLength": 1000}, "how": {"type": ["string", "null"], "maxLength": 1000}, "note": {"type": ["string", "null"], "maxLength": 1000}, "reference": {"type": ["string", "null"], "maxLength": 1000}}}}}},
            "responses": {"200": {"description": "The entry", "content": {"application/json": {"schema": {"type": "object"}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/staff/me": {
          "get": {
            "summary": "My own record (staff, the token's subject): who I am, who can see my report now, my recent entries, the site's systems to report a problem with",
            "operationId": "staffMe",
            "responses": {"200": {"description": "The record", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StaffRecord"}}}},
                          "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/staff/shares": {
          "post": {
            "summary": "Share my report with my manager, a union rep or a named person, until the end of a day or until revoked (staff; as 'courtwatch staff share', recorded in the log)",
            "operationId": "staffShare",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["with"], "additionalProperties": false,
              "properties": {"with": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "\\S", "description": "manager, union-rep or a person's name"},
                             "until": {"type": ["string", "null"], "format": "date", "description": "Last day of the share, in my time zone"}}}}}},
            "responses": {"200": {"description": "Shared", "content": {"application/json": {"schema": {
                             "type": "object", "required": ["ok", "message", "share"],
                             "properties": {"ok": {"type": "boolean"}, "message": {"type": "string"}, "share": {"$ref": "#/components/schemas/ReportShare"}}}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/staff/shares/revoke": {
          "post": {
            "summary": "Stop sharing my report with someone (staff; as 'courtwatch staff revoke', recorded in the log). Not shared is not an error: revoked is 0",
            "operationId": "staffRevoke",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["with"], "additionalProperties": false,
              "properties": {"with": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "\\S"}}}}}},
            "responses": {"200": {"description": "Revoked (or was not shared)", "content": {"application/json": {"schema": {
                             "type": "object", "required": ["ok", "message", "revoked"],
                             "properties": {"ok": {"type": "boolean"}, "message": {"type": "string"}, "revoked": {"type": "integer", "minimum": 0}}}}}},
                          "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        }
      }
    }
    """#
}
