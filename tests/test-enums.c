/* test-enums.c: the GEnum types of libprovisio's enums (pv-enums, made by
 * glib-mkenums from the public headers), the properties that hold them, and
 * the management API's spelling of an expiry state
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "pv-enums.h"
#include "pv-expiry.h"
#include "pv-reminder-info.h"
#include "pv-sso-info.h"
#include "pv-tenant-info.h"
#include "pv-token-info.h"

/* docs/openapi.json's ExpiryState, the spelling provisiod answers with and
 * provisioctl --json prints, is the GEnum's nicks, in the enum's order. */
static void
test_expiry_state_nicks (void)
{
  const char *path = g_getenv ("PV_OPENAPI");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GEnumClass) klass = g_type_class_ref (PV_TYPE_EXPIRY_STATE);
  JsonObject *schemas;
  JsonArray *names;

  g_assert_nonnull (path);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  schemas = json_object_get_object_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                          "components"), "schemas");
  names = json_object_get_array_member (json_object_get_object_member (schemas, "ExpiryState"), "enum");
  g_assert_cmpuint (json_array_get_length (names), ==, klass->n_values);
  for (guint i = 0; i < klass->n_values; i++)
    {
      const char *name = json_array_get_string_element (names, i);

      g_assert_cmpint (klass->values[i].value, ==, (int) i);
      g_assert_cmpstr (klass->values[i].value_nick, ==, name);
      g_assert_cmpstr (pv_expiry_state_to_string (klass->values[i].value), ==, name);
    }
}

/* The models' states are PvExpiryState properties, not ints: a binding or a
 * GtkExpression reads them as that type. */
static void
test_state_properties (void)
{
  struct {
    GType       type;
    const char *property;
  } cases[] = {
    { PV_TYPE_TOKEN_INFO, "state" },
    { PV_TYPE_REMINDER_INFO, "state" },
    { PV_TYPE_SSO_INFO, "certificate-state" },
    { PV_TYPE_TENANT_INFO, "state" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GTypeClass) klass = g_type_class_ref (cases[i].type);
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), cases[i].property);

      g_assert_nonnull (pspec);
      g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
      g_assert_true (pspec->value_type == PV_TYPE_EXPIRY_STATE);
    }
}

/* A token's state read from the API comes out of the property as the enum. */
static void
test_token_state_value (void)
{
  g_autoptr(PvTokenInfo) token = pv_token_info_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  PvExpiryState state = PV_EXPIRY_OK;

  g_assert_true (json_parser_load_from_data (parser,
                                             "{\"id\": \"t1\", \"prefix\": \"pvs_t1\", \"description\": \"\","
                                             " \"created_by\": \"alice\", \"created_at\": \"2026-11-01T00:00:00Z\","
                                             " \"expires_at\": \"2026-11-20T00:00:00Z\", \"last_used_at\": null,"
                                             " \"state\": \"urgent\", \"replaced_by\": null, \"retire\": null,"
                                             " \"retires_at\": null}", -1, &error));
  g_assert_true (pv_token_info_update_from_json (token, json_node_get_object (json_parser_get_root (parser)), &error));
  g_assert_no_error (error);
  g_object_get (token, "state", &state, NULL);
  g_assert_cmpint (state, ==, PV_EXPIRY_URGENT);
  g_assert_cmpint (state, ==, pv_token_info_get_state (token));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/enums/expiry-state-nicks", test_expiry_state_nicks);
  g_test_add_func ("/enums/state-properties", test_state_properties);
  g_test_add_func ("/enums/token-state-value", test_token_state_value);
  return g_test_run ();
}
