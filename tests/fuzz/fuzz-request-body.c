/* fuzz-request-body.c: request bodies as provisiod reads them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a request body.  It is read strictly, as both endpoints
 * read bodies; validated against docs/openapi.json for every management
 * API route that takes one (pvd_api_routes, the server's own table); and
 * checked and tidied as a SCIM POST or PUT of a user and of a group is
 * before it is stored.
 */

#include "config.h"

#include "fuzz.h"
#include "pvd-http.h"
#include "pvd-openapi-check.h"
#include "pvd-scim-attributes.h"
#include "pvd-server-private.h"

static PvdOpenapiCheck *schema;   /* kept for the whole run */

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_setup ();
  if (schema == NULL)
    {
      schema = pvd_openapi_check_new_from_resource ("/io/github/provisio/provisiod/openapi.json", &error);
      g_assert_no_error (error);
    }
  if (size > PVD_MAX_BODY_SIZE)
    return 0;
  body = pvd_parse_body ((const char *) data, size, &error);
  if (body == NULL)
    {
      g_assert (error != NULL && error->message != NULL);
      return 0;
    }

  /* The management API */
  for (gsize i = 0; i < pvd_api_n_routes; i++)
    {
      JsonNode *request_schema = pvd_openapi_check_get_request_schema (schema, pvd_api_routes[i].template,
                                                                pvd_api_routes[i].method);
      g_autoptr(GError) invalid = NULL;

      if (request_schema != NULL && !pvd_openapi_check_validate (schema, request_schema, body, &invalid))
        g_assert (invalid != NULL && invalid->message != NULL);
    }

  /* SCIM: POST /Users, PUT /Users/{id}, and the same for groups; each
   * request reads its own body, which normalizing changes. */
  for (PvdScimType type = PVD_SCIM_USER; type <= PVD_SCIM_GROUP; type++)
    {
      g_autoptr(JsonNode) request = pvd_parse_body ((const char *) data, size, NULL);
      g_autoptr(JsonObject) resource = json_node_dup_object (request);
      g_autoptr(GError) invalid = NULL;

      if (!pvd_scim_normalize (resource, type, &invalid))
        g_assert (invalid != NULL);
    }
  return 0;
}
