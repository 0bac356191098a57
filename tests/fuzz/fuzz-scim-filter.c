/* fuzz-scim-filter.c: SCIM filters and PATCH paths as a peer sends them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is the text of a `filter` query parameter (or a SearchRequest's
 * filter) and, as well, of a PATCH operation's path.  A filter that parses
 * is evaluated as a search does, against a user and a group with the
 * server's id and meta, with the schemas' case-exactness.
 */

#include "config.h"

#include "fuzz.h"
#include "pvd-scim-filter.h"
#include "pvd-scim-schema.h"

static const char user_json[] =
  "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\","
  "  \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"],"
  " \"id\": \"2819c223-7f76-453a-919d-413861904646\", \"externalId\": \"bjensen\","
  " \"userName\": \"bjensen@example.com\", \"active\": true, \"title\": \"Tour Guide\","
  " \"displayName\": \"Babs Jensen\", \"nickName\": \"\", \"loginCount\": 42, \"score\": 1.5,"
  " \"name\": {\"formatted\": \"Ms. Barbara J Jensen III\", \"familyName\": \"Jensen\","
  "   \"givenName\": \"Barbara\"},"
  " \"emails\": [{\"value\": \"bjensen@example.com\", \"type\": \"work\", \"primary\": true},"
  "   {\"value\": \"babs@jensen.org\", \"type\": \"home\"}],"
  " \"phoneNumbers\": [], \"roles\": [\"a\", 1, null, true],"
  " \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\": {\"employeeNumber\": \"701984\","
  "   \"manager\": {\"value\": \"26118915-6090-4610-87e4-49d8ca9f808d\"}},"
  " \"meta\": {\"resourceType\": \"User\", \"created\": \"2026-01-23T04:56:22Z\","
  "   \"lastModified\": \"2026-05-13T04:42:34Z\", \"version\": \"W/\\\"3\\\"\"}}";

static const char group_json[] =
  "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:Group\"],"
  " \"id\": \"e9e30dba-f08f-4109-8486-d5c6a331660a\", \"displayName\": \"Tour Guides\","
  " \"members\": [{\"value\": \"2819c223-7f76-453a-919d-413861904646\", \"display\": \"Babs Jensen\"}],"
  " \"meta\": {\"resourceType\": \"Group\", \"created\": \"2026-01-23T04:56:22Z\","
  "   \"lastModified\": \"2026-05-13T04:42:34Z\", \"version\": \"W/\\\"1\\\"\"}}";

static JsonNode *resources[2];   /* kept for the whole run */

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(PvdScimFilter) filter = NULL;
  g_autoptr(PvdScimPath) path = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_setup ();
  if (resources[0] == NULL)
    {
      resources[0] = json_from_string (user_json, NULL);
      resources[1] = json_from_string (group_json, NULL);
    }

  /* GET /Users?filter=… */
  filter = pvd_scim_filter_parse (text, &error);
  g_assert ((filter == NULL) == (error != NULL));
  if (filter != NULL)
    {
      const char *attribute, *value;

      for (guint i = 0; i < G_N_ELEMENTS (resources); i++)
        {
          pvd_scim_filter_matches (filter, json_node_get_object (resources[i]),
                                   pvd_scim_attribute_is_case_exact);
          pvd_scim_filter_matches (filter, json_node_get_object (resources[i]), NULL);
        }
      if (pvd_scim_filter_is_simple_eq (filter, &attribute, &value))
        g_assert (attribute != NULL && value != NULL);
    }
  g_clear_error (&error);

  /* PATCH {"Operations": [{"path": …}]} */
  path = pvd_scim_path_parse (text, &error);
  g_assert ((path == NULL) == (error != NULL));
  if (path != NULL)
    {
      PvdScimFilter *value_filter = pvd_scim_path_get_filter (path);

      g_assert (pvd_scim_path_get_attribute (path) != NULL);
      pvd_scim_path_get_sub_attribute (path);
      if (value_filter != NULL)
        for (guint i = 0; i < G_N_ELEMENTS (resources); i++)
          pvd_scim_filter_matches (value_filter, json_node_get_object (resources[i]),
                                   pvd_scim_attribute_is_case_exact);
    }
  return 0;
}
