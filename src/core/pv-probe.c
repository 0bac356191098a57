/* pv-probe.c: "Test connection" against any SCIM 2.0 base URL
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-probe"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "pv-json.h"
#include "pv-probe.h"
#include "pv-session.h"
#include "pv-token.h"

/* What an identity provider's own "Test connection" does, with a verdict
 * precise enough to act on: GET /ServiceProviderConfig with the token, then
 * /ResourceTypes.  It never changes anything on the endpoint. */

#define SPC_SCHEMA "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"

typedef struct {
  SoupSession   *session;
  char          *base_url;
  char          *token;
  gint64         start;
  PvProbeResult *result;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_object (&probe->session);
  g_free (probe->base_url);
  pv_secret_free (probe->token);
  g_clear_pointer (&probe->result, pv_probe_result_free);
  g_free (probe);
}

static Probe *
probe_new (const char   *base_url,
           const char   *token,
           GTlsDatabase *tls_database)
{
  Probe *probe = g_new0 (Probe, 1);

  /* Its own session: a shorter timeout than the shared one, and maybe a
   * certificate pinned in the window but not saved yet. */
  probe->session = pv_session_new ("provisio/" PACKAGE_VERSION " (test connection)", 15);
  if (tls_database != NULL)
    soup_session_set_tls_database (probe->session, tls_database);
  probe->base_url = g_strdup (base_url);
  if (g_str_has_suffix (probe->base_url, "/"))
    probe->base_url[strlen (probe->base_url) - 1] = '\0';
  probe->token = g_strdup (token);
  probe->start = g_get_monotonic_time ();
  probe->result = g_new0 (PvProbeResult, 1);
  probe->result->features = g_ptr_array_new_with_free_func (g_free);
  probe->result->endpoints = g_ptr_array_new_with_free_func (g_free);
  return probe;
}

void
pv_probe_result_free (PvProbeResult *result)
{
  if (result == NULL)
    return;
  g_free (result->detail);
  g_clear_pointer (&result->features, g_ptr_array_unref);
  g_clear_pointer (&result->endpoints, g_ptr_array_unref);
  g_free (result);
}

const char *
pv_probe_verdict_to_string (PvProbeVerdict verdict)
{
  static const char *names[] = { "works", "slow", "token-rejected", "not-scim", "tls", "unreachable" };

  g_return_val_if_fail (verdict <= PV_PROBE_UNREACHABLE, NULL);
  return names[verdict];
}

static SoupMessage *
new_message (Probe      *probe,
             const char *resource)
{
  g_autofree char *url = g_strconcat (probe->base_url, resource, NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", probe->token, NULL);
  SoupMessage *msg = soup_message_new ("GET", url);

  if (msg == NULL)
    return NULL;
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/scim+json");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  return msg;
}

static JsonNode *
parse (GBytes *bytes)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autoptr(JsonParser) parser = NULL;

  if (!pv_json_precheck (data, length) || !g_utf8_validate_len (data, length, NULL))
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, NULL))
    return NULL;
  return json_parser_steal_root (parser);
}

static void
finish (GTask          *task,
        PvProbeVerdict  verdict,
        char           *detail)
{
  Probe *probe = g_task_get_task_data (task);
  PvProbeResult *result = g_steal_pointer (&probe->result);

  result->elapsed_ms = (g_get_monotonic_time () - probe->start) / 1000;
  if (verdict == PV_PROBE_WORKS && result->elapsed_ms > PV_PROBE_SLOW_MS)
    {
      verdict = PV_PROBE_SLOW;
      g_free (detail);
      detail = g_strdup_printf (_("The SCIM endpoint works, but answered in %.1f s; identity providers give up on slow endpoints"),
                                result->elapsed_ms / 1000.0);
    }
  result->verdict = verdict;
  result->detail = detail;
  g_task_return_pointer (task, result, (GDestroyNotify) pv_probe_result_free);
}

/* No HTTP answer: cancelled (an error), or the verdict that says why. */
static void
finish_unanswered (GTask  *task,
                   GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      if (error->domain == G_TLS_ERROR)
        finish (task, PV_PROBE_TLS, g_strdup_printf (_("The connection is not secure: %s"), error->message));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
               g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
               g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
               g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
               error->domain == G_RESOLVER_ERROR)
        finish (task, PV_PROBE_UNREACHABLE, g_strdup_printf (_("Nothing answers there: %s"), error->message));
      else
        finish (task, PV_PROBE_NOT_SCIM, g_strdup_printf (_("Something answers there, but not as an HTTP server: %s"),
                                                          error->message));
      g_error_free (error);
    }
}

static gboolean
finish_if_rejected (GTask *task,
                    guint  status)
{
  if (status != SOUP_STATUS_UNAUTHORIZED && status != SOUP_STATUS_FORBIDDEN)
    return FALSE;
  finish (task, PV_PROBE_TOKEN_REJECTED,
          g_strdup_printf (_("The endpoint refuses the token (HTTP %u): it is wrong, expired, revoked or for another app"),
                           status));
  return TRUE;
}

static void
resource_types_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), res, NULL);
  g_autoptr(JsonNode) root = bytes ? parse (bytes) : NULL;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "Resources") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "Resources")))
    {
      JsonArray *types = json_object_get_array_member (json_node_get_object (root), "Resources");

      for (guint i = 0; i < json_array_get_length (types); i++)
        {
          JsonNode *t = json_array_get_element (types, i);
          JsonNode *endpoint = JSON_NODE_HOLDS_OBJECT (t)
                               ? json_object_get_member (json_node_get_object (t), "endpoint") : NULL;

          if (endpoint && JSON_NODE_HOLDS_VALUE (endpoint) &&
              json_node_get_value_type (endpoint) == G_TYPE_STRING)
            g_ptr_array_add (probe->result->endpoints, g_strdup (json_node_get_string (endpoint)));
        }
    }
  finish (task, PV_PROBE_WORKS, g_strdup (_("The SCIM endpoint works and accepts the token")));
}

static void
service_provider_config_cb (GObject      *source,
                            GAsyncResult *res,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  SoupMessage *msg = g_object_get_data (G_OBJECT (task), "message");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SoupMessage) next = NULL;
  GCancellable *cancellable;
  const char *content_type;
  JsonObject *spc;
  guint status;

  if (bytes == NULL)
    {
      finish_unanswered (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (msg);
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  root = parse (bytes);

  if (finish_if_rejected (task, status))
    return;
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      finish (task, PV_PROBE_NOT_SCIM,
              g_strdup (_("Nothing at /ServiceProviderConfig below this address: check the tenant URL's path")));
      return;
    }
  spc = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) || spc == NULL || !json_object_has_member (spc, "schemas") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (spc, "schemas")))
    {
      finish (task, PV_PROBE_NOT_SCIM,
              g_strdup_printf (_("The server answered HTTP %u with %s, not a SCIM ServiceProviderConfig"),
                               status, content_type ? content_type : _("no content type")));
      return;
    }

  {
    JsonArray *schemas = json_object_get_array_member (spc, "schemas");
    gboolean is_spc = FALSE;
    g_autoptr(GList) members = json_object_get_members (spc);

    for (guint i = 0; i < json_array_get_length (schemas); i++)
      if (JSON_NODE_HOLDS_VALUE (json_array_get_element (schemas, i)) &&
          g_strcmp0 (json_array_get_string_element (schemas, i), SPC_SCHEMA) == 0)
        is_spc = TRUE;
    if (!is_spc)
      {
        finish (task, PV_PROBE_NOT_SCIM, g_strdup (_("The answer is JSON, but not a SCIM ServiceProviderConfig")));
        return;
      }
    for (const GList *l = members; l != NULL; l = l->next)
      {
        JsonNode *feature = json_object_get_member (spc, l->data);
        JsonNode *supported;

        if (!JSON_NODE_HOLDS_OBJECT (feature))
          continue;
        supported = json_object_get_member (json_node_get_object (feature), "supported");
        if (supported && JSON_NODE_HOLDS_VALUE (supported) &&
            json_node_get_value_type (supported) == G_TYPE_BOOLEAN && json_node_get_boolean (supported))
          g_ptr_array_add (probe->result->features, g_strdup (l->data));
      }
  }

  next = new_message (probe, "/ResourceTypes");
  /* The cancellable first: the order arguments are evaluated in is
   * unspecified, and g_steal_pointer() empties task. */
  cancellable = g_task_get_cancellable (task);
  soup_session_send_and_read_async (probe->session, next, G_PRIORITY_DEFAULT, cancellable,
                                    resource_types_cb, g_steal_pointer (&task));
}

/**
 * pv_probe_async:
 * @base_url: a SCIM base URL, such as `https://tenant.example.com/scim/v2`
 * @token: the bearer token the identity provider would use
 * @tls_database: (nullable): certificates to trust instead of the system's
 *
 * Probes a SCIM endpoint as an identity provider's "Test connection" does.
 * The answer is always a #PvProbeResult; only cancellation is an error.
 */
void
pv_probe_async (const char          *base_url,
                const char          *token,
                GTlsDatabase        *tls_database,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = NULL;
  Probe *probe = probe_new (base_url, token, tls_database);

  g_task_set_source_tag (task, pv_probe_async);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);

  msg = new_message (probe, "/ServiceProviderConfig");
  if (msg == NULL)
    {
      finish (task, PV_PROBE_UNREACHABLE, g_strdup_printf (_("“%s” is not a web address"), base_url));
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "message", g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (probe->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    service_provider_config_cb, g_steal_pointer (&task));
}

PvProbeResult *
pv_probe_finish (GAsyncResult  *result,
                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_probe_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
users_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_object_get_data (G_OBJECT (task), "message");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *list;
  guint status;

  if (bytes == NULL)
    {
      finish_unanswered (task, g_steal_pointer (&error));
      return;
    }
  status = soup_message_get_status (msg);
  if (finish_if_rejected (task, status))
    return;
  root = parse (bytes);
  list = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  /* A SCIM ListResponse (RFC 7644, 3.4.2): totalResults, and no one of
   * that random name. */
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) || list == NULL ||
      !json_object_has_member (list, "totalResults") ||
      !JSON_NODE_HOLDS_VALUE (json_object_get_member (list, "totalResults")) ||
      json_node_get_value_type (json_object_get_member (list, "totalResults")) != G_TYPE_INT64)
    {
      finish (task, PV_PROBE_NOT_SCIM,
              status == SOUP_STATUS_NOT_FOUND
              ? g_strdup (_("Nothing at /Users below this address: check the SCIM base URL's path"))
              : g_strdup_printf (_("The server answered HTTP %u, not a SCIM list of users"), status));
      return;
    }
  finish (task, PV_PROBE_WORKS, g_strdup (_("The vendor accepts the token")));
}

/**
 * pv_probe_token_async:
 * @base_url: a SCIM base URL
 * @token: the bearer token to check
 * @tls_database: (nullable): certificates to trust instead of the system's
 *
 * Asks whether the endpoint still accepts @token with the harmless request
 * Microsoft Entra's connection test sends: `GET /Users?filter=userName eq
 * "<random>"`, which reads nothing and changes nothing.  The verdicts are
 * those of pv_probe_async(); finish with pv_probe_finish().
 */
void
pv_probe_token_async (const char          *base_url,
                      const char          *token,
                      GTlsDatabase        *tls_database,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *random = g_uuid_string_random ();
  g_autofree char *filter = g_strdup_printf ("userName eq \"%s\"", random);
  g_autofree char *escaped = g_uri_escape_string (filter, NULL, FALSE);
  g_autofree char *resource = g_strconcat ("/Users?filter=", escaped, NULL);
  Probe *probe = probe_new (base_url, token, tls_database);

  /* Same tag as pv_probe_async(): one finish for both. */
  g_task_set_source_tag (task, pv_probe_async);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  msg = new_message (probe, resource);
  if (msg == NULL)
    {
      finish (task, PV_PROBE_UNREACHABLE, g_strdup_printf (_("“%s” is not a web address"), base_url));
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "message", g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (probe->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    users_cb, g_steal_pointer (&task));
}
