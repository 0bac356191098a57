/* fuzz-scim-patch.c: a SCIM PATCH body applied as provisiod applies it
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is the body of PATCH /Users/{id} and of PATCH /Groups/{id}:
 * read strictly, applied to a copy of a stored user and of a stored group
 * (their attributes as the store keeps them: no id, no meta), and the
 * result checked and tidied as before it is stored, then serialized.
 */

#include "config.h"

#include "fuzz.h"
#include "pvd-http.h"
#include "pvd-scim-attributes.h"
#include "pvd-scim-patch.h"
#include "pvd-scim-schema.h"

static const char user_json[] =
  "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\","
  "  \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"],"
  " \"externalId\": \"bjensen\", \"userName\": \"bjensen@example.com\", \"active\": true,"
  " \"displayName\": \"Babs Jensen\", \"title\": \"Tour Guide\","
  " \"name\": {\"familyName\": \"Jensen\", \"givenName\": \"Barbara\"},"
  " \"emails\": [{\"value\": \"bjensen@example.com\", \"type\": \"work\", \"primary\": true},"
  "   {\"value\": \"babs@jensen.org\", \"type\": \"home\"}],"
  " \"phoneNumbers\": [{\"value\": \"555-555-8377\", \"type\": \"work\"}],"
  " \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\": {\"employeeNumber\": \"701984\","
  "   \"manager\": {\"value\": \"26118915-6090-4610-87e4-49d8ca9f808d\"}}}";

static const char group_json[] =
  "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
  " \"displayName\": \"Tour Guides\","
  " \"members\": [{\"value\": \"2819c223-7f76-453a-919d-413861904646\", \"display\": \"Babs Jensen\"},"
  "   {\"value\": \"902c246b-6245-4190-8e05-00816be7344a\"}]}";

static void
apply (const char  *stored,
       JsonObject  *request,
       const char  *core_schema,
       PvdScimType  type)
{
  g_autoptr(JsonNode) copy = json_from_string (stored, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *attributes = json_node_get_object (copy);

  if (!pvd_scim_patch_apply (attributes, request, core_schema, &error))
    {
      g_assert (error != NULL && pvd_scim_patch_scim_type (error) != NULL);
      return;
    }
  g_assert_no_error (error);
  if (!pvd_scim_normalize (attributes, type, &error))
    {
      g_assert (error != NULL);
      return;
    }
  text = json_to_string (copy, FALSE);
  g_assert (text != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_setup ();
  if (size > PVD_MAX_BODY_SIZE)
    return 0;
  body = pvd_parse_body ((const char *) data, size, &error);
  if (body == NULL)
    return 0;
  apply (user_json, json_node_get_object (body), PVD_SCIM_SCHEMA_USER, PVD_SCIM_USER);
  apply (group_json, json_node_get_object (body), PVD_SCIM_SCHEMA_GROUP, PVD_SCIM_GROUP);
  return 0;
}
