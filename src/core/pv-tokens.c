/* pv-tokens.c: issuing and revoking a connection's tokens, and telling the
 * tenant which identity provider uses them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-tokens"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pv-connection-info.h"
#include "pv-dates.h"
#include "pv-error.h"
#include "pv-overview.h"
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

void
pv_issue_refusal_free (PvIssueRefusal *refusal)
{
  if (refusal == NULL)
    return;
  g_clear_object (&refusal->token);
  g_free (refusal);
}

/**
 * pv_issue_refusal_from_json:
 * @answer: the JSON object of a 409 answer to an issue
 *
 * Reads why the tenant refused and the token it named.  A code this
 * version does not know reads as %PV_ISSUE_REFUSED_LIMIT; a token that does
 * not read as one is left out.
 *
 * Returns: (transfer full): the refusal
 */
PvIssueRefusal *
pv_issue_refusal_from_json (JsonObject *answer)
{
  static const struct {
    const char         *code;
    PvIssueRefusalKind  kind;
  } codes[] = {
    { "replacement_pending", PV_ISSUE_REFUSED_PENDING },
    { "replacement_in_use", PV_ISSUE_REFUSED_IN_USE },
    { "replacement_changed", PV_ISSUE_REFUSED_CHANGED },
    { "already_issued", PV_ISSUE_REFUSED_ALREADY_ISSUED },
  };
  PvIssueRefusal *refusal = g_new0 (PvIssueRefusal, 1);
  const char *code = pv_json_string_member (answer, "error");
  JsonObject *token = pv_json_object_member (answer, "token");

  refusal->kind = PV_ISSUE_REFUSED_LIMIT;
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (g_strcmp0 (code, codes[i].code) == 0)
      refusal->kind = codes[i].kind;
  if (token != NULL)
    {
      g_autoptr(PvTokenInfo) info = pv_token_info_new ();

      if (pv_token_info_update_from_json (info, token, NULL))
        refusal->token = g_steal_pointer (&info);
    }
  return refusal;
}

/**
 * pv_issue_refusal_can_replace:
 *
 * Whether the token the refusal names may be replaced before first use
 * (pv_tokens_issue_full_async() with its id as @replace_unused): a
 * replacement nobody has used, and that is not deleted.  The tenant checks
 * it again, in the same transaction as the replacing.
 */
gboolean
pv_issue_refusal_can_replace (const PvIssueRefusal *refusal)
{
  g_return_val_if_fail (refusal != NULL, FALSE);

  if (refusal->token == NULL ||
      pv_token_info_get_deleted (refusal->token) ||
      pv_token_info_get_last_used_at (refusal->token) != 0)
    return FALSE;
  return refusal->kind == PV_ISSUE_REFUSED_PENDING ||
         refusal->kind == PV_ISSUE_REFUSED_CHANGED ||
         refusal->kind == PV_ISSUE_REFUSED_ALREADY_ISSUED;
}

/**
 * pv_issue_refusal_describe:
 *
 * Returns: (transfer full): what stands in the way, who issued the token
 *   concerned and when, in words for the admin; what to do is the caller's
 *   (a button in the app, a flag in provisioctl)
 */
char *
pv_issue_refusal_describe (const PvIssueRefusal *refusal)
{
  static const char *limit_words =
    N_("The connection already has two active tokens that do not replace one another. "
       "Revoke the one the identity provider does not use, then renew.");
  g_autofree char *when = NULL;
  const char *who;

  g_return_val_if_fail (refusal != NULL, NULL);

  if (refusal->token == NULL && refusal->kind == PV_ISSUE_REFUSED_CHANGED)
    return g_strdup (_("The replacement was replaced or revoked in the meantime, and the connection "
                       "has no other new token."));
  if (refusal->token == NULL || refusal->kind == PV_ISSUE_REFUSED_LIMIT)
    return g_strdup (_(limit_words));

  who = pv_token_info_get_created_by (refusal->token);
  when = pv_format_date (pv_token_info_get_created_at (refusal->token));
  switch (refusal->kind)
    {
    case PV_ISSUE_REFUSED_PENDING:
      /* Translators: the first %s is who (an email address), the second a date and time */
      return g_strdup_printf (_("%s issued a replacement token on %s that has never been used. Its secret "
                                "was shown only then, or never if that answer was lost. Replacing it issues a "
                                "new one in its place; the token the identity provider uses now goes on "
                                "working."), who, when);
    case PV_ISSUE_REFUSED_ALREADY_ISSUED:
      if (pv_issue_refusal_can_replace (refusal))
        /* Translators: the first %s is who (an email address), the second a date and time */
        return g_strdup_printf (_("The tenant issued the token (%s, on %s), but its answer was lost on the "
                                  "way, and with it the secret, which is shown only once. Replacing it issues "
                                  "a new one in its place; the token the identity provider uses now goes on "
                                  "working."), who, when);
      /* Translators: the first %s is who (an email address), the second a date and time */
      return g_strdup_printf (_("The tenant already issued a token for this request (%s, on %s); its secret "
                                "cannot be shown again, and it has been used or deleted since. Close this "
                                "assistant and renew again."), who, when);
    case PV_ISSUE_REFUSED_IN_USE:
      /* Translators: the first %s is who (an email address), the second a date and time */
      return g_strdup_printf (_("The identity provider already uses the replacement %s issued on %s, so it "
                                "is never replaced. Renew again once the old token has retired, or revoke "
                                "the old token if the identity provider no longer uses it."), who, when);
    case PV_ISSUE_REFUSED_CHANGED:
      if (pv_issue_refusal_can_replace (refusal))
        /* Translators: the first %s is who (an email address), the second a date and time */
        return g_strdup_printf (_("In the meantime %s replaced it with another replacement, issued on %s and "
                                  "not used yet. Replace that one too only if nobody is entering it in the "
                                  "identity provider."), who, when);
      /* Translators: the first %s is who (an email address), the second a date and time */
      return g_strdup_printf (_("In the meantime %s issued another replacement, on %s, and the identity "
                                "provider already uses it."), who, when);
    case PV_ISSUE_REFUSED_LIMIT:
    default:
      return g_strdup (_(limit_words));
    }
}

/**
 * pv_issue_refusal_for_connection:
 *
 * What the tenant would answer to an issue, as far as the connection's
 * listed tokens tell: a replacement that has never been used
 * (%PV_ISSUE_REFUSED_PENDING) or one already in use while the token it
 * replaces is still active (%PV_ISSUE_REFUSED_IN_USE), so that an assistant
 * can offer what to do before anything is sent.  The tenant decides again
 * when asked.
 *
 * Returns: (transfer full) (nullable): the refusal to expect, or %NULL when
 *   a new token can be issued
 */
PvIssueRefusal *
pv_issue_refusal_for_connection (PvConnectionInfo *connection)
{
  GListModel *tokens = pv_connection_info_get_tokens (connection);
  guint n = g_list_model_get_n_items (tokens);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PvTokenInfo) old = g_list_model_get_item (tokens, i);
      const char *replaced_by = pv_token_info_get_replaced_by (old);

      if (replaced_by == NULL || pv_token_info_get_deleted (old))
        continue;
      for (guint j = 0; j < n; j++)
        {
          g_autoptr(PvTokenInfo) replacement = g_list_model_get_item (tokens, j);
          PvIssueRefusal *refusal;

          if (g_strcmp0 (pv_token_info_get_id (replacement), replaced_by) != 0 ||
              pv_token_info_get_deleted (replacement))
            continue;
          refusal = g_new0 (PvIssueRefusal, 1);
          refusal->kind = pv_token_info_get_last_used_at (replacement) == 0
                          ? PV_ISSUE_REFUSED_PENDING : PV_ISSUE_REFUSED_IN_USE;
          refusal->token = g_steal_pointer (&replacement);
          return refusal;
        }
    }
  return NULL;
}

/**
 * pv_tokens_new_idempotency_key:
 *
 * Returns: (transfer full): a new Idempotency-Key, for one intent to issue
 */
char *
pv_tokens_new_idempotency_key (void)
{
  return g_uuid_string_random ();
}

typedef struct {
  PvClient       *client;
  char           *path;
  JsonNode       *body;
  char           *idempotency_key;
  gboolean        retried;
  PvIssueRefusal *refusal;
} IssueData;

static void
issue_data_free (IssueData *data)
{
  g_object_unref (data->client);
  g_free (data->path);
  json_node_unref (data->body);
  g_free (data->idempotency_key);
  pv_issue_refusal_free (data->refusal);
  g_free (data);
}

static void
issued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IssueData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(PvIssuedToken) issued = g_new0 (PvIssuedToken, 1);
  const char *secret, *scim_base_url, *replaces, *retire;
  JsonObject *token;
  GError *error = NULL;

  answer = pv_client_request_finish (PV_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      JsonObject *said = pv_client_request_get_error_answer (result);

      /* The answer may be lost after the tenant issued the token: asked
       * again with the same key, the tenant says so rather than issuing
       * another. */
      if (g_error_matches (error, PV_ERROR, PV_ERROR_NETWORK) &&
          data->idempotency_key != NULL && !data->retried)
        {
          /* Before g_steal_pointer() empties task: arguments have no order. */
          GCancellable *cancellable = g_task_get_cancellable (task);

          data->retried = TRUE;
          g_clear_error (&error);
          pv_client_request_full_async (data->client, "POST", data->path, data->body,
                                        data->idempotency_key, cancellable,
                                        issued_cb, g_steal_pointer (&task));
          return;
        }
      if (g_error_matches (error, PV_ERROR, PV_ERROR_CONFLICT) && said != NULL)
        data->refusal = pv_issue_refusal_from_json (said);
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
  pv_tokens_issue_full_async (client, kind, retire, description, NULL, NULL, cancellable,
                              callback, user_data);
}

/**
 * pv_tokens_issue_full_async:
 * @replace_unused: (nullable): the id of the connection's unused
 *   replacement, to replace in the same step (pv_issue_refusal_can_replace())
 * @idempotency_key: (nullable): names this intent
 *   (pv_tokens_new_idempotency_key()); the same for each retry of it
 *
 * Issues a new token for a connection.  With @idempotency_key, a request
 * whose answer is lost on the way is asked once more with the same key:
 * the tenant then refuses with %PV_ISSUE_REFUSED_ALREADY_ISSUED instead of
 * issuing another.  A refusal (%PV_ERROR_CONFLICT) says why and names the
 * token concerned: pv_tokens_issue_get_refusal().
 */
void
pv_tokens_issue_full_async (PvClient            *client,
                            const char          *kind,
                            const char          *retire,
                            const char          *description,
                            const char          *replace_unused,
                            const char          *idempotency_key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  IssueData *data = g_new0 (IssueData, 1);

  g_task_set_source_tag (task, pv_tokens_issue_async);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "retire");
  json_builder_add_string_value (b, retire);
  if (description != NULL && *description != '\0')
    {
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, description);
    }
  if (replace_unused != NULL)
    {
      json_builder_set_member_name (b, "replace_unused");
      json_builder_add_string_value (b, replace_unused);
    }
  json_builder_end_object (b);
  data->client = g_object_ref (client);
  data->path = g_strdup_printf ("/api/v1/provisioning/%s/tokens", kind);
  data->body = json_builder_get_root (b);
  data->idempotency_key = g_strdup (idempotency_key);
  g_task_set_task_data (task, data, (GDestroyNotify) issue_data_free);
  pv_client_request_full_async (client, "POST", data->path, data->body, idempotency_key,
                                cancellable, issued_cb, task);
}

/**
 * pv_tokens_issue_get_refusal:
 * @result: the result of pv_tokens_issue_full_async() that failed with
 *   %PV_ERROR_CONFLICT
 *
 * Returns: (transfer full) (nullable): why the tenant refused, and the
 *   token concerned
 */
PvIssueRefusal *
pv_tokens_issue_get_refusal (GAsyncResult *result)
{
  IssueData *data;
  PvIssueRefusal *copy;

  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tokens_issue_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (data->refusal == NULL)
    return NULL;
  copy = g_new0 (PvIssueRefusal, 1);
  copy->kind = data->refusal->kind;
  g_set_object (&copy->token, data->refusal->token);
  return copy;
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
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
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
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
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
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tokens_revoke_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
