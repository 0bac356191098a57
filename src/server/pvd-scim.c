/* pvd-scim.c: the SCIM 2.0 endpoint of each provisioning connection
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisiod"

#include "config.h"

#include <string.h>

#include "pvd-server-private.h"

#define SCIM_CONTENT_TYPE "application/scim+json"
#define SCIM_ERROR_SCHEMA "urn:ietf:params:scim:api:messages:2.0:Error"

static void
send_scim_error (SoupServerMessage *msg,
                 guint              status,
                 const char        *detail)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *status_text = g_strdup_printf ("%u", status);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schemas");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, SCIM_ERROR_SCHEMA);
  json_builder_end_array (b);
  pvd_json_string (b, "status", status_text);
  pvd_json_string (b, "detail", detail);
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate",
                                  "Bearer realm=\"provisio\", error=\"invalid_token\"");
  pvd_send_json (msg, status, SCIM_CONTENT_TYPE, root);
}

static void
send_service_provider_config (PvdWorker         *worker,
                              SoupServerMessage *msg,
                              const char        *base_url)
{
  static const char *unsupported[] = { "patch", "bulk", "filter", "changePassword", "sort", "etag" };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *location = g_strdup_printf ("%s/ServiceProviderConfig", base_url);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "schemas");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
  json_builder_end_array (b);

  /* Only what this endpoint really does is advertised. */
  for (guint i = 0; i < G_N_ELEMENTS (unsupported); i++)
    {
      json_builder_set_member_name (b, unsupported[i]);
      json_builder_begin_object (b);
      pvd_json_bool (b, "supported", FALSE);
      if (g_str_equal (unsupported[i], "bulk"))
        {
          pvd_json_int (b, "maxOperations", 0);
          pvd_json_int (b, "maxPayloadSize", 0);
        }
      else if (g_str_equal (unsupported[i], "filter"))
        pvd_json_int (b, "maxResults", 0);
      json_builder_end_object (b);
    }

  json_builder_set_member_name (b, "authenticationSchemes");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  pvd_json_string (b, "type", "oauthbearertoken");
  pvd_json_string (b, "name", "OAuth Bearer Token");
  pvd_json_string (b, "description",
                   "A secret token issued in the tenant for this connection (pvs_…)");
  pvd_json_bool (b, "primary", TRUE);
  json_builder_end_object (b);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "meta");
  json_builder_begin_object (b);
  pvd_json_string (b, "resourceType", "ServiceProviderConfig");
  pvd_json_string (b, "location", location);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  pvd_send_json (msg, 200, SCIM_CONTENT_TYPE, root);

  /* It only depends on the base URL: the next answers are copies. */
  if (g_hash_table_size (worker->documents) >= 1024)
    g_hash_table_remove_all (worker->documents);
  g_hash_table_replace (worker->documents, g_steal_pointer (&location),
                        soup_message_body_flatten (soup_server_message_get_response_body (msg)));
}

static void
send_document (SoupServerMessage *msg,
               GBytes            *document)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, SCIM_CONTENT_TYPE, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (document, NULL), g_bytes_get_size (document));
}

static const char *
auth_failure_detail (PvdScimAuth result)
{
  switch (result)
    {
    case PVD_SCIM_AUTH_EXPIRED:
      return "The token has expired; issue a new one in the tenant and update the identity provider";
    case PVD_SCIM_AUTH_REVOKED:
      return "The token has been revoked";
    case PVD_SCIM_AUTH_WRONG_CONNECTION:
      return "The token belongs to another provisioning connection";
    case PVD_SCIM_AUTH_UNKNOWN:
    case PVD_SCIM_AUTH_OK:
    default:
      return "The bearer token is not valid for this endpoint";
    }
}

/**
 * pvd_scim_handle:
 * @path: `/t/{tenant}/scim/{users|persons}/v2/…`
 *
 * Authenticates a SCIM request with the connection's tokens, records it as
 * an event of the token that made it, and answers it.
 */
void
pvd_scim_handle (PvdWorker         *worker,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query)
{
  PvdServer *server = worker->server;
  g_auto(GStrv) parts = g_strsplit (path, "/", 7);
  const PvdTenant *tenant = NULL;
  const PvdToken *token = NULL;
  gboolean enabled = FALSE;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *operation = NULL;
  const char *method = soup_server_message_get_method (msg);
  const char *user_agent;
  const char *resource;
  const char *kind;
  PvdScimAuth result;
  PvdEvent event = { 0 };
  gint64 now = pvd_server_now (server);

  /* "", "t", tenant, "scim", kind, "v2", resource */
  if (g_strv_length (parts) < 6 || !g_str_equal (parts[3], "scim") ||
      !pvd_kind_is_valid (parts[4]) || !g_str_equal (parts[5], "v2"))
    {
      send_scim_error (msg, 404, "There is no SCIM endpoint at this path");
      return;
    }
  kind = parts[4];
  resource = parts[6] ? parts[6] : "";

  if (pvd_rate_limited (server, msg))
    {
      send_scim_error (msg, 429, "Too many failed authentications from this address");
      return;
    }

  secret = pvd_bearer_token (msg);
  if (secret == NULL)
    {
      pvd_count_auth_failure (server, msg);
      send_scim_error (msg, 401, "A bearer token is needed");
      return;
    }

  user_agent = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                             "User-Agent");
  result = pvd_scim_authenticate (worker, parts[2], kind, secret, user_agent, now,
                                  &tenant, &token, &enabled, &error);
  if (error != NULL)
    {
      g_warning ("SCIM authentication failed: %s", error->message);
      send_scim_error (msg, 500, "The server could not check the token");
      return;
    }
  if (result != PVD_SCIM_AUTH_OK)
    {
      pvd_count_auth_failure (server, msg);
      send_scim_error (msg, 401, auth_failure_detail (result));
      return;
    }

  base_url = pvd_scim_base_url (server, tenant->slug, kind);
  if (!enabled)
    send_scim_error (msg, 403, "Provisioning is disabled for this connection in the tenant");
  else if (g_str_equal (resource, "ServiceProviderConfig") && g_str_equal (method, "GET"))
    {
      g_autofree char *location = g_strdup_printf ("%s/ServiceProviderConfig", base_url);
      GBytes *document = g_hash_table_lookup (worker->documents, location);

      if (document != NULL)
        send_document (msg, document);
      else
        send_service_provider_config (worker, msg, base_url);
    }
  else if (g_str_equal (resource, "ServiceProviderConfig"))
    send_scim_error (msg, 405, "ServiceProviderConfig is read-only");
  else
    send_scim_error (msg, 404, "This endpoint does not serve that resource type");

  /* Reads are the identity provider's look-ups; what it changed is what an
   * admin wants to see. */
  if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD"))
    return;

  operation = g_strdup_printf ("%s /%.100s", method, resource);
  event.at = now;
  event.type = (char *) "scim";
  event.token_id = token->id;
  event.token_prefix = token->prefix;
  event.operation = operation;
  event.status = soup_server_message_get_status (msg);
  event.user_agent = token->last_user_agent;
  if (!pvd_store_add_event (worker->store, tenant->id, kind, &event, &error))
    g_warning ("Could not record a SCIM event: %s", error->message);
}
