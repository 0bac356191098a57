/* pv-tokens.c: issuing and revoking a connection's tokens, and telling the
 * tenant which identity provider uses them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <string.h>

#include "pv-error.h"
#include "pv-json-read.h"
#include "pv-token.h"
#include "pv-tokens.h"

void
pv_issued_token_free (PvIssuedToken *issued)
{
  if (issued == NULL)
    return;
  g_clear_object (&issued->token);
  pv_secret_free (issued->secret);
  g_free (issued->scim_base_url);
  g_free (issued->replaces);
  g_free (issued->retire);
  g_free (issued);
}

static void
issued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(PvIssuedToken) issued = g_new0 (PvIssuedToken, 1);
  const char *secret, *scim_base_url, *replaces, *retire;
  JsonObject *token;
  GError *error = NULL;

  answer = pv_client_request_finish (PV_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  token = pv_json_object_member (answer, "token");
  issued->token = pv_token_info_new ();
  if (token == NULL)
    pv_json_invalid (&error, "token");
  else if (pv_token_info_update_from_json (issued->token, token, &error) &&
           pv_json_read_string (answer, "secret", FALSE, &secret, &error) &&
           pv_json_read_string (answer, "scim_base_url", FALSE, &scim_base_url, &error) &&
           pv_json_read_string (answer, "replaces", TRUE, &replaces, &error) &&
           pv_json_read_string (answer, "retire", FALSE, &retire, &error))
    {
      issued->secret = g_strdup (secret);
      issued->scim_base_url = g_strdup (scim_base_url);
      issued->replaces = g_strdup (replaces);
      issued->retire = g_strdup (retire);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&issued), (GDestroyNotify) pv_issued_token_free);
}

/**
 * pv_tokens_issue_async:
 * @kind: "users" or "persons"
 * @retire: what becomes of the token it replaces: "on-first-use", "now" or "never"
 * @description: (nullable): a note kept with it
 *
 * Issues a new token for a connection.
 */
void
pv_tokens_issue_async (PvClient            *client,
                       const char          *kind,
                       const char          *retire,
                       const char          *description,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s/tokens", kind);

  g_task_set_source_tag (task, pv_tokens_issue_async);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "retire");
  json_builder_add_string_value (b, retire);
  if (description != NULL && *description != '\0')
    {
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, description);
    }
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  pv_client_request_async (client, "POST", path, body, cancellable, issued_cb, task);
}

/**
 * pv_tokens_issue_finish:
 *
 * Returns: (transfer full): the new token and its secret
 */
PvIssuedToken *
pv_tokens_issue_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tokens_issue_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A request whose answer only says it was done */
static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) answer = NULL;
  GError *error = NULL;

  answer = pv_client_request_finish (PV_CLIENT (source), result, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * pv_tokens_set_identity_provider_async:
 * @kind: "users" or "persons"
 * @identity_provider: "entra", "okta" or "other"
 *
 * Tells the tenant which identity provider provisions the connection (the
 * first step of a setup).
 */
void
pv_tokens_set_identity_provider_async (PvClient            *client,
                                       const char          *kind,
                                       const char          *identity_provider,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s", kind);

  g_task_set_source_tag (task, pv_tokens_set_identity_provider_async);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "identity_provider");
  json_builder_add_string_value (b, identity_provider);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  pv_client_request_async (client, "PATCH", path, body, cancellable, answered_cb, task);
}

gboolean
pv_tokens_set_identity_provider_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tokens_set_identity_provider_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pv_tokens_revoke_async:
 * @force: also when the identity provider still uses it; without it the
 *   tenant refuses with %PV_ERROR_CONFLICT
 *
 * Revokes a token.
 */
void
pv_tokens_revoke_async (PvClient            *client,
                        const char          *kind,
                        const char          *token_id,
                        gboolean             force,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *escaped = g_uri_escape_string (token_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s/tokens/%s%s", kind, escaped,
                                           force ? "?force=true" : "");

  g_task_set_source_tag (task, pv_tokens_revoke_async);
  pv_client_request_async (client, "DELETE", path, NULL, cancellable, answered_cb, task);
}

gboolean
pv_tokens_revoke_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tokens_revoke_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
