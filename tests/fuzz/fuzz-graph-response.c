/* fuzz-graph-response.c: Microsoft's answers as the client core reads them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is the body of an answer from the Microsoft identity platform
 * or Microsoft Graph.  It is read as PvGraph reads answers
 * (pv_graph_parse()), then given to every reader of such an answer: the
 * device authorization response, the token endpoint's error, Graph's error
 * body at each status, the AADSTS code of a refusal, what a working
 * sign-in lacks when Graph answers 401 (with the input's "scope" as the
 * granted scopes), a synchronization job (the answer itself and each
 * element of "value", as the job list), the secrets' BaseAddress, and the
 * ID token's account name (the input's "id_token", and the input itself as
 * a token), a SAML app's active signing certificate (the answer itself and
 * each element of "value", as a delta page of service principals).  A reader may refuse it; none may crash, warn or leak.
 */

#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "pv-entra.h"
#include "pv-graph-private.h"

static const guint statuses[] = { 400, 401, 403, 404, 429, 500, 503 };

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;

  fuzz_setup ();

  /* The input as an ID token string (JWT segments, base64url) */
  text = g_strndup ((const char *) data, size);
  g_free (pv_graph_account_from_id_token (text));

  answer = pv_graph_parse (bytes);
  if (answer == NULL)
    return 0;

  {
    g_autofree char *device_code = NULL;
    g_autoptr(PvDeviceCode) code = pv_device_code_new_from_json (answer, &device_code);

    g_assert ((code == NULL) == (device_code == NULL));
    if (code != NULL)
      g_assert (code->user_code != NULL && code->verification_uri != NULL &&
                code->expires_in >= 1 && code->interval >= 1);
  }
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = pv_graph_oauth_error (answer, statuses[i]);
      g_autofree char *message = pv_graph_error_message (statuses[i], answer);

      g_assert (error != NULL && error->message != NULL);
      g_assert (message != NULL);
    }
  g_free (pv_entra_base_address_from_secrets (answer));
  {
    g_autofree char *base = pv_entra_base_address_from_secrets (answer);

    g_assert (base == NULL || g_str_has_prefix (base, "https://") || g_str_has_prefix (base, "http://"));
  }
  (void) pv_graph_aadsts_code (answer);
  {
    JsonNode *scope = JSON_NODE_HOLDS_OBJECT (answer)
      ? json_object_get_member (json_node_get_object (answer), "scope") : NULL;
    const char *granted = scope != NULL && JSON_NODE_HOLDS_VALUE (scope) &&
                          json_node_get_value_type (scope) == G_TYPE_STRING ? json_node_get_string (scope) : NULL;
    g_autofree char *message = pv_graph_missing_rights_message (granted, 401, answer);

    g_assert (message != NULL);
  }

  if (JSON_NODE_HOLDS_OBJECT (answer))
    {
      JsonObject *object = json_node_get_object (answer);
      JsonNode *value = json_object_get_member (object, "value");
      JsonNode *id_token = json_object_get_member (object, "id_token");
      g_autoptr(GError) error = NULL;
      g_autoptr(PvEntraJob) job = pv_entra_job_new_from_json (object, &error);

      g_assert ((job == NULL) == (error != NULL));
      if (job != NULL)
        g_free (pv_entra_job_describe (job, 1795000000));
      pv_entra_saml_app_free (pv_entra_saml_app_new_from_json (object));
      if (id_token != NULL && JSON_NODE_HOLDS_VALUE (id_token) &&
          json_node_get_value_type (id_token) == G_TYPE_STRING)
        g_free (pv_graph_account_from_id_token (json_node_get_string (id_token)));
      if (value != NULL && JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);
              g_autoptr(GError) element_error = NULL;
              g_autoptr(PvEntraJob) element_job = NULL;

              if (!JSON_NODE_HOLDS_OBJECT (element))
                continue;
              {
                g_autoptr(PvEntraSamlApp) saml = pv_entra_saml_app_new_from_json (json_node_get_object (element));

                g_assert (saml == NULL || saml->thumbprint == NULL || strlen (saml->thumbprint) <= 128);
              }
              element_job = pv_entra_job_new_from_json (json_node_get_object (element), &element_error);
              g_assert ((element_job == NULL) == (element_error != NULL));
              if (element_job != NULL)
                g_free (pv_entra_job_describe (element_job, 1795000000));
            }
        }
    }
  return 0;
}
