/* test-schema.c: provisiod's request validation against docs/openapi.json
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pvd-openapi-check.h"
#include "pv-json.h"

static PvdOpenapiCheck *
load (void)
{
  g_autoptr(GError) error = NULL;
  PvdOpenapiCheck *schema = pvd_openapi_check_new_from_resource ("/io/github/provisio/provisiod/openapi.json",
                                                    &error);

  g_assert_no_error (error);
  return schema;
}

static gboolean
check (PvdOpenapiCheck  *schema,
       const char       *template,
       const char       *method,
       const char       *json,
       char            **message)
{
  g_autoptr(JsonNode) value = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  JsonNode *body_schema = pvd_openapi_check_get_request_schema (schema, template, method);
  gboolean ok;

  g_assert_nonnull (value);
  g_assert_nonnull (body_schema);
  ok = pvd_openapi_check_validate (schema, body_schema, value, &error);
  if (message != NULL)
    *message = error ? g_strdup (error->message) : NULL;
  return ok;
}

static void
assert_refused (PvdOpenapiCheck *schema,
                const char      *template,
                const char      *method,
                const char      *json,
                const char      *expected_in_message)
{
  g_autofree char *message = NULL;

  g_assert_false (check (schema, template, method, json, &message));
  if (strstr (message, expected_in_message) == NULL)
    g_error ("“%s” → “%s”, expected to mention “%s”", json, message, expected_in_message);
}

static void
test_token_request (void)
{
  g_autoptr(PvdOpenapiCheck) s = load ();
  const char *t = "/api/v1/provisioning/{kind}/tokens";

  g_assert_true (check (s, t, "POST", "{}", NULL));
  g_assert_true (check (s, t, "POST", "{\"description\":\"Entra\",\"lifetime_days\":30,\"retire\":\"never\"}", NULL));
  assert_refused (s, t, "POST", "{\"lifetime_days\":29}", "at least 30");
  assert_refused (s, t, "POST", "{\"lifetime_days\":731}", "at most 730");
  assert_refused (s, t, "POST", "{\"lifetime_days\":\"365\"}", "integer");
  assert_refused (s, t, "POST", "{\"lifetime_days\":365.5}", "integer");
  assert_refused (s, t, "POST", "{\"lifetime_days\":null}", "integer");
  assert_refused (s, t, "POST", "{\"retire\":\"later\"}", "one of");
  assert_refused (s, t, "POST", "{\"retire\":true}", "string");
  assert_refused (s, t, "POST", "{\"secret\":\"pvs_x\"}", "Unknown field “secret”");
}

static void
test_nested (void)
{
  g_autoptr(PvdOpenapiCheck) s = load ();
  const char *t = "/api/v1/reminders";

  g_assert_true (check (s, t, "PUT", "{\"thresholds_days\":[30,7,1]}", NULL));
  assert_refused (s, t, "PUT", "{}", "“thresholds_days” is required");
  assert_refused (s, t, "PUT", "{\"thresholds_days\":[]}", "at least 1");
  assert_refused (s, t, "PUT", "{\"thresholds_days\":[30,\"7\"]}", "“thresholds_days[1]” must be an integer");
  assert_refused (s, t, "PUT", "{\"thresholds_days\":[0]}", "at least 1");
  assert_refused (s, t, "PUT", "{\"thresholds_days\":[366]}", "at most 365");
  assert_refused (s, t, "PUT", "{\"thresholds_days\":[1,2,3,4,5,6,7,8,9,10,11]}", "at most 10");
  assert_refused (s, t, "PUT", "{\"thresholds_days\":{\"a\":1}}", "array");
}

static void
test_object_bounds (void)
{
  g_autoptr(PvdOpenapiCheck) s = load ();

  assert_refused (s, "/api/v1/provisioning/{kind}", "PATCH", "{}", "at least 1");
  assert_refused (s, "/api/v1/provisioning/{kind}", "PATCH", "{\"identity_provider\":\"azure\"}", "one of");
  g_assert_true (check (s, "/api/v1/provisioning/{kind}", "PATCH", "{\"enabled\":false}", NULL));
  assert_refused (s, "/_test/clock", "PUT", "{\"now\":\"2026-01-01T00:00:00Z\",\"offset_seconds\":1}", "at most 1");
  assert_refused (s, "/_test/clock", "PUT", "{\"now\":\"tomorrow\"}", "RFC 3339");
  g_assert_true (check (s, "/_test/clock", "PUT", "{\"now\":\"2026-01-01T00:00:00+01:00\"}", NULL));
  assert_refused (s, "/api/v1/sso", "PATCH", "{\"idp_entity_id\":\"\"}", "must not be empty");
}

static void
test_no_body_schema (void)
{
  g_autoptr(PvdOpenapiCheck) s = load ();

  g_assert_null (pvd_openapi_check_get_request_schema (s, "/api/v1/tenant", "GET"));
  g_assert_null (pvd_openapi_check_get_request_schema (s, "/api/v1/nope", "POST"));
}

/* The validator knows a subset of JSON Schema; a keyword outside it in the
 * OpenAPI file would be silently ignored, so none may be there. */
static const char *known_keywords[] = {
  "$ref", "type", "enum", "const", "properties", "required", "additionalProperties",
  "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "format",
  "minimum", "maximum", "items", "minItems", "maxItems", "oneOf",
  /* annotations, without effect on validation */
  "description", "default",
  NULL
};

static void
walk_schema (JsonNode   *node,
             const char *where)
{
  JsonObject *o;
  g_autoptr(GList) members = NULL;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  o = json_node_get_object (node);
  members = json_object_get_members (o);
  for (const GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      JsonNode *child = json_object_get_member (o, key);
      g_autofree char *path = g_strdup_printf ("%s/%s", where, key);

      if (!g_strv_contains (known_keywords, key))
        g_error ("%s: the request validator does not know “%s”", where, key);
      if (g_str_equal (key, "properties"))
        {
          g_autoptr(GList) props = json_object_get_members (json_node_get_object (child));
          for (const GList *p = props; p; p = p->next)
            walk_schema (json_object_get_member (json_node_get_object (child), p->data), path);
        }
      else if (g_str_equal (key, "items"))
        walk_schema (child, path);
      else if (g_str_equal (key, "oneOf"))
        {
          JsonArray *a = json_node_get_array (child);
          for (guint i = 0; i < json_array_get_length (a); i++)
            walk_schema (json_array_get_element (a, i), path);
        }
    }
}

static void
test_keywords_known (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data ("/io/github/provisio/provisiod/openapi.json",
                                                     0, NULL);
  g_autoptr(JsonNode) doc = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  JsonObject *schemas = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (doc), "components"), "schemas");
  g_autoptr(GList) names = json_object_get_members (schemas);

  g_assert_cmpuint (g_list_length (names), >, 10);
  for (const GList *l = names; l; l = l->next)
    walk_schema (json_object_get_member (schemas, l->data), l->data);
}

/* What json-glib 1.6 would accept but RFC 8259 does not. */
static void
test_json_precheck (void)
{
  const char *valid[] = {
    "{}", "[]", "{\"a\": [1, -2, 3.5, 1e10, 0, -0.5E-3, true, false, null, \"x\\\"y\"]}",
    " { \"\\u00e9\" : \"é\" } ", "0", "\"text\"",
  };
  const char *invalid[] = {
    "{'a': 1}", "{\"a\": 01}", "/*c*/{}", "{\"a\": 0x10}", "{\"a\": .5}", "{\"a\": 1.}",
    "{\"a\": +1}", "{\"a\": tru}", "{\"a\": \"unterminated}", "{\"a\": NaN}", "}",
    "{\"a\": \"tab\there\"}", "{\"a\": 1e}", "{\"a\": \"\\q\"}", "{\"a\": \"\\u12\"}",
  };
  g_autofree char *deep = g_strnfill (65, '[');
  g_autofree char *ok_depth = g_strnfill (64, '[');

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (pv_json_precheck (valid[i], strlen (valid[i])));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      if (pv_json_precheck (invalid[i], strlen (invalid[i])))
        g_error ("accepted: %s", invalid[i]);
    }
  g_assert_false (pv_json_precheck (deep, strlen (deep)));
  g_assert_true (pv_json_precheck (ok_depth, strlen (ok_depth)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schema/token-request", test_token_request);
  g_test_add_func ("/schema/nested", test_nested);
  g_test_add_func ("/schema/object-bounds", test_object_bounds);
  g_test_add_func ("/schema/no-body-schema", test_no_body_schema);
  g_test_add_func ("/schema/keywords-known", test_keywords_known);
  g_test_add_func ("/json/precheck", test_json_precheck);

  return g_test_run ();
}
