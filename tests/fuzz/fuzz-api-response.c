/* fuzz-api-response.c: management API answers as the client core reads them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is the body of a 200 answer from a tenant server.  It is read
 * as PvClient reads answers (pv_json_parse(), an object), then given to
 * every reader of an answer in the core: the tenant's four parts (tenant,
 * provisioning, sso, reminders) one by one and all at once, as a refresh
 * and the offline cache do; the event watch's list of events; the answer
 * to issuing a token; and each model's own reader, as the element of a
 * list.  A reader may refuse it; none may crash, warn or leak.
 */

#include "config.h"

#include "fuzz.h"
#include "pv-connection-info.h"
#include "pv-error.h"
#include "pv-event-info.h"
#include "pv-json.h"
#include "pv-json-read.h"
#include "pv-reminder-info.h"
#include "pv-sso-info.h"
#include "pv-tenant-info.h"
#include "pv-time.h"
#include "pv-token-info.h"
#include "pv-tokens.h"

#define MAX_RESPONSE_SIZE (8 * 1024 * 1024)   /* as pv-client.c */

static const char *parts[] = { "tenant", "provisioning", "sso", "reminders" };

/* A reader says why it refused, and only then; call with the error
 * pointer, as the arguments' order of evaluation is not set. */
static void
check_refusal (gboolean       ok,
               GError *const *error)
{
  g_assert (ok == (*error == NULL));
  g_assert (ok || (*error)->message != NULL);
}

/* PvTenantInfo: pv_tenant_info_refresh_async() and the cache */
static void
read_tenant (JsonObject *answer)
{
  PvProfile profile = { (char *) "fuzz", (char *) "https://tenant.example", NULL, FALSE };
  g_autoptr(PvTenantInfo) tenant = pv_tenant_info_new (&profile);
  g_autoptr(JsonObject) all = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autoptr(JsonObject) state = json_object_new ();
      g_autoptr(GError) error = NULL;

      json_object_set_object_member (state, parts[i], json_object_ref (answer));
      json_object_set_object_member (all, parts[i], json_object_ref (answer));
      check_refusal (pv_tenant_info_update_from_json (tenant, state, &error), &error);
    }
  /* twice: the second keeps the connections it has */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = pv_tenant_info_update_from_json (tenant, all, &error);

      check_refusal (ok, &error);
    }
  pv_tenant_info_get_state (tenant);
  pv_tenant_info_get_connection (tenant, "users");
  pv_tenant_info_get_connection (tenant, "persons");
}

/* PvEventWatch */
static void
read_events (JsonObject *answer)
{
  JsonNode *node = json_object_get_member (answer, "events");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(PvEventInfo) event = pv_event_info_new ();
      g_autoptr(GError) error = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        break;
      check_refusal (pv_event_info_update_from_json (event, json_node_get_object (element), &error),
                     &error);
    }
}

/* pv_tokens_issue_async() */
static void
read_issued (JsonObject *answer)
{
  JsonObject *token = pv_json_object_member (answer, "token");
  g_autoptr(PvTokenInfo) info = pv_token_info_new ();
  g_autoptr(GError) error = NULL;
  const char *secret, *scim_base_url, *replaces, *retire;

  if (token == NULL)
    return;
  check_refusal (pv_token_info_update_from_json (info, token, &error) &&
                 pv_json_read_string (answer, "secret", FALSE, &secret, &error) &&
                 pv_json_read_string (answer, "scim_base_url", FALSE, &scim_base_url, &error) &&
                 pv_json_read_string (answer, "replaces", TRUE, &replaces, &error) &&
                 pv_json_read_string (answer, "retire", FALSE, &retire, &error), &error);
}

/* pv_tokens_issue_get_refusal(): a 409 answer to an issue, in words, and
 * what the connection's tokens predict */
static void
read_refusal (JsonObject *answer)
{
  g_autoptr(PvIssueRefusal) refusal = pv_issue_refusal_from_json (answer);
  g_autoptr(PvConnectionInfo) connection = pv_connection_info_new ();
  g_autoptr(PvIssueRefusal) predicted = NULL;
  g_autofree char *words = pv_issue_refusal_describe (refusal);

  g_assert (words != NULL);
  pv_issue_refusal_can_replace (refusal);
  if (pv_connection_info_update_from_json (connection, answer, NULL))
    predicted = pv_issue_refusal_for_connection (connection);
}

/* Each model's reader, on the answer as one element of a list */
static void
read_elements (JsonObject *answer)
{
  g_autoptr(PvTokenInfo) token = pv_token_info_new ();
  g_autoptr(PvConnectionInfo) connection = pv_connection_info_new ();
  g_autoptr(PvEventInfo) event = pv_event_info_new ();
  g_autoptr(PvReminderInfo) reminder = pv_reminder_info_new ();
  g_autoptr(PvSsoInfo) sso = pv_sso_info_new ();
  GError *error = NULL;

  check_refusal (pv_token_info_update_from_json (token, answer, &error), &error);
  g_clear_error (&error);
  check_refusal (pv_connection_info_update_from_json (connection, answer, &error), &error);
  g_clear_error (&error);
  check_refusal (pv_event_info_update_from_json (event, answer, &error), &error);
  g_clear_error (&error);
  check_refusal (pv_reminder_info_update_from_json (reminder, answer, &error), &error);
  g_clear_error (&error);
  check_refusal (pv_sso_info_update_from_json (sso, answer, &error), &error);
  g_clear_error (&error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *answer;
  JsonNode *server_time;
  gint64 when;

  fuzz_setup ();
  if (size > MAX_RESPONSE_SIZE)
    return 0;
  root = pv_json_parse ((const char *) data, size, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  answer = json_node_get_object (root);

  /* pv-client.c: the server's clock */
  server_time = json_object_get_member (answer, "server_time");
  if (server_time != NULL && JSON_NODE_HOLDS_VALUE (server_time) &&
      json_node_get_value_type (server_time) == G_TYPE_STRING)
    pv_time_parse (json_node_get_string (server_time), &when);

  read_tenant (answer);
  read_events (answer);
  read_issued (answer);
  read_refusal (answer);
  read_elements (answer);
  return 0;
}
