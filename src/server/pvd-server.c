/* pvd-server.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisiod"

#include "config.h"

#include <string.h>

#include "pv-time.h"
#include "pvd-server-private.h"

G_DEFINE_FINAL_TYPE (PvdServer, pvd_server, G_TYPE_OBJECT)

#define MAX_JSON_DEPTH 64
#define MAX_TRACKED_ADDRESSES 10000

typedef struct {
  gint64 window_start;   /* monotonic seconds */
  guint  count;
} PvdAuthFailures;

static void
pvd_server_finalize (GObject *object)
{
  PvdServer *self = (PvdServer *) object;

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->store);
  g_clear_object (&self->schema);
  g_clear_pointer (&self->auth_failures, g_hash_table_unref);
  g_free (self->options.listen);
  g_free (self->options.public_url);
  g_free (self->url);

  G_OBJECT_CLASS (pvd_server_parent_class)->finalize (object);
}

static void
pvd_server_class_init (PvdServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pvd_server_finalize;
}

static void
pvd_server_init (PvdServer *self)
{
  self->auth_failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

gint64
pvd_server_now (PvdServer *self)
{
  return g_get_real_time () / G_USEC_PER_SEC + self->options.clock_offset;
}

const char *
pvd_server_get_url (PvdServer *self)
{
  return self->url;
}

/* Responses */

void
pvd_send_json (SoupServerMessage *msg,
               guint              status,
               const char        *content_type,
               JsonNode          *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type ? content_type : "application/json",
                                    SOUP_MEMORY_TAKE, text, length);
}

void
pvd_send_error (SoupServerMessage *msg,
                guint              status,
                const char        *code,
                const char        *format,
                ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_builder_begin_object (builder);
  pvd_json_string (builder, "error", code);
  pvd_json_string (builder, "message", message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"provisio\"");
  pvd_send_json (msg, status, NULL, root);
}

void
pvd_send_store_error (SoupServerMessage *msg,
                      const GError      *error)
{
  if (error->domain == PVD_ERROR)
    {
      switch ((PvdError) error->code)
        {
        case PVD_ERROR_NOT_FOUND:
          pvd_send_error (msg, 404, "not_found", "%s", error->message);
          return;
        case PVD_ERROR_INVALID:
        case PVD_ERROR_EXISTS:
          pvd_send_error (msg, 400, "invalid_request", "%s", error->message);
          return;
        case PVD_ERROR_TOKEN_LIMIT:
          pvd_send_error (msg, 409, "token_limit_reached", "%s", error->message);
          return;
        case PVD_ERROR_TOKEN_IN_USE:
          pvd_send_error (msg, 409, "token_in_use", "%s", error->message);
          return;
        case PVD_ERROR_UNAUTHORIZED:
          pvd_send_error (msg, 401, "unauthorized", "%s", error->message);
          return;
        case PVD_ERROR_DATABASE:
        default:
          break;
        }
    }
  g_warning ("Internal error: %s", error->message);
  pvd_send_error (msg, 500, "internal_error",
                  "The server could not complete the request; nothing was changed");
}

/* JSON helpers */

void
pvd_json_time (JsonBuilder *builder,
               const char  *member,
               gint64       value)
{
  json_builder_set_member_name (builder, member);
  if (value == 0)
    json_builder_add_null_value (builder);
  else
    {
      g_autofree char *text = pv_time_format (value);
      json_builder_add_string_value (builder, text);
    }
}

void
pvd_json_string (JsonBuilder *builder,
                 const char  *member,
                 const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

void
pvd_json_int (JsonBuilder *builder,
              const char  *member,
              gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
pvd_json_bool (JsonBuilder *builder,
               const char  *member,
               gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

char *
pvd_scim_base_url (PvdServer  *self,
                   const char *slug,
                   const char *kind)
{
  return g_strdup_printf ("%s/t/%s/scim/%s/v2", self->options.public_url, slug, kind);
}

/* Authentication */

/**
 * pvd_bearer_token:
 * @msg: a request
 *
 * Returns: (transfer full) (nullable): the bearer token, or %NULL if the
 *   request has no `Authorization: Bearer` header
 */
char *
pvd_bearer_token (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  return g_strstrip (g_strdup (header));
}

static const char *
client_address (SoupServerMessage *msg)
{
  const char *host = soup_server_message_get_remote_host (msg);

  return host ? host : "unknown";
}

/* Failed authentications are counted per client address in a fixed window
 * of real time (not the test clock), and once over the limit that address
 * gets 429 until the window ends, valid key or not. */
gboolean
pvd_rate_limited (PvdServer         *self,
                  SoupServerMessage *msg)
{
  PvdAuthFailures *failures = g_hash_table_lookup (self->auth_failures, client_address (msg));
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  gint64 retry_after;
  g_autofree char *header = NULL;

  if (failures == NULL || failures->count < self->options.auth_failure_limit)
    return FALSE;
  retry_after = failures->window_start + PVD_AUTH_FAILURE_WINDOW - now;
  if (retry_after <= 0)
    return FALSE;

  header = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", header);
  return TRUE;
}

void
pvd_count_auth_failure (PvdServer         *self,
                        SoupServerMessage *msg)
{
  const char *address = client_address (msg);
  PvdAuthFailures *failures = g_hash_table_lookup (self->auth_failures, address);
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;

  if (failures == NULL)
    {
      /* Bounded memory even if many addresses fail: forget them all. */
      if (g_hash_table_size (self->auth_failures) >= MAX_TRACKED_ADDRESSES)
        g_hash_table_remove_all (self->auth_failures);
      failures = g_new0 (PvdAuthFailures, 1);
      g_hash_table_insert (self->auth_failures, g_strdup (address), failures);
    }
  if (failures->count == 0 || now - failures->window_start >= PVD_AUTH_FAILURE_WINDOW)
    {
      failures->window_start = now;
      failures->count = 0;
    }
  failures->count++;
}

static gboolean
authenticate_admin (PvdRequest *req)
{
  g_autofree char *secret = pvd_bearer_token (req->msg);
  g_autoptr(GError) error = NULL;

  if (pvd_rate_limited (req->server, req->msg))
    {
      pvd_send_error (req->msg, 429, "rate_limited",
                      "Too many failed authentications from this address; try again later");
      return FALSE;
    }

  if (secret == NULL)
    {
      gboolean other_scheme = soup_message_headers_get_one (
        soup_server_message_get_request_headers (req->msg), "Authorization") != NULL;

      pvd_count_auth_failure (req->server, req->msg);
      pvd_send_error (req->msg, 401, "unauthorized",
                      other_scheme ? "The Authorization header must use the Bearer scheme "
                                     "with an admin API key"
                                   : "An admin API key is needed: send “Authorization: Bearer pva_…”");
      return FALSE;
    }

  req->key = pvd_store_authenticate_admin (req->server->store, secret, req->now, &error);
  if (req->key == NULL)
    {
      if (g_error_matches (error, PVD_ERROR, PVD_ERROR_UNAUTHORIZED))
        pvd_count_auth_failure (req->server, req->msg);
      pvd_send_store_error (req->msg, error);
      return FALSE;
    }

  req->tenant = pvd_store_get_tenant_by_id (req->server->store, req->key->tenant_id, &error);
  if (req->tenant == NULL)
    {
      pvd_send_store_error (req->msg, error);
      return FALSE;
    }

  pv_expiry_policy_init_default (&req->policy);
  if (!pv_expiry_policy_parse (&req->policy, req->tenant->reminder_thresholds, &error))
    g_warning ("Tenant %s has invalid reminder thresholds: %s", req->tenant->slug, error->message);
  return TRUE;
}

/* Bodies */

/* json-glib's parser recurses once per nesting level; refuse absurd depth
 * before it sees the text. */
static gboolean
nesting_is_reasonable (const char *data,
                       gsize       length)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return TRUE;
}

static gboolean
read_body (PvdRequest *req,
           JsonNode   *schema)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  const char *content_type;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  if (length > PVD_MAX_BODY_SIZE)
    {
      pvd_send_error (req->msg, 413, "payload_too_large",
                      "The body is larger than %d KiB", PVD_MAX_BODY_SIZE / 1024);
      return FALSE;
    }

  if (length == 0)
    {
      g_autoptr(JsonObject) empty = json_object_new ();

      if (g_strcmp0 (req->template, "/api/v1/provisioning/{kind}/tokens") != 0)
        {
          pvd_send_error (req->msg, 400, "invalid_json", "This request needs a JSON body");
          return FALSE;
        }
      req->body = json_node_init_object (json_node_alloc (), empty);
      return TRUE;
    }

  content_type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (req->msg), NULL);
  if (g_strcmp0 (content_type, "application/json") != 0)
    {
      pvd_send_error (req->msg, 415, "unsupported_media_type",
                      "The body must be sent as application/json");
      return FALSE;
    }

  if (!nesting_is_reasonable (data, length))
    {
      pvd_send_error (req->msg, 400, "invalid_json",
                      "The body is nested more than %d levels deep", MAX_JSON_DEPTH);
      return FALSE;
    }

  parser = json_parser_new_immutable ();
  if (!g_utf8_validate_len (data, length, NULL) ||
      !json_parser_load_from_data (parser, data, length, &error))
    {
      pvd_send_error (req->msg, 400, "invalid_json", "The body is not valid JSON%s%s",
                      error ? ": " : "", error ? error->message : "");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      pvd_send_error (req->msg, 400, "invalid_json", "The body must be a JSON object");
      return FALSE;
    }

  req->body = json_parser_steal_root (parser);
  if (!pvd_schema_validate (req->server->schema, schema, req->body, &error))
    {
      pvd_send_error (req->msg, 400, "invalid_request", "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* Routing */

static gboolean
match_template (const char  *template,
                const char  *path,
                char       **params)
{
  g_auto(GStrv) t = g_strsplit (template, "/", -1);
  g_auto(GStrv) p = g_strsplit (path, "/", -1);
  guint n_params = 0;

  if (g_strv_length (t) != g_strv_length (p))
    return FALSE;

  for (guint i = 0; t[i] != NULL; i++)
    {
      if (t[i][0] == '{')
        {
          if (p[i][0] == '\0')
            goto mismatch;
          g_assert (n_params < 2);
          params[n_params++] = g_strdup (p[i]);
        }
      else if (!g_str_equal (t[i], p[i]))
        goto mismatch;
    }
  return TRUE;

mismatch:
  for (guint i = 0; i < n_params; i++)
    g_clear_pointer (&params[i], g_free);
  return FALSE;
}

static void
dispatch (PvdServer         *self,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);
  PvdRequest req = { 0 };
  const PvdRoute *route = NULL;
  GString *allow = NULL;
  JsonNode *schema;

  req.server = self;
  req.msg = msg;
  req.path = path;
  req.query = query;
  req.now = pvd_server_now (self);

  for (gsize i = 0; i < pvd_api_n_routes; i++)
    {
      const PvdRoute *r = &pvd_api_routes[i];

      if (req.template != NULL && !g_str_equal (req.template, r->template))
        continue;
      if (req.template == NULL)
        {
          if (!match_template (r->template, path, req.params))
            continue;
          req.template = r->template;
        }
      if (g_str_equal (r->method, method))
        {
          route = r;
          break;
        }
      if (allow == NULL)
        allow = g_string_new (r->method);
      else
        g_string_append_printf (allow, ", %s", r->method);
    }

  if (route == NULL)
    {
      if (allow != NULL)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Allow", allow->str);
          pvd_send_error (msg, 405, "method_not_allowed", "%s is not allowed here; use %s",
                          method, allow->str);
        }
      else
        pvd_send_error (msg, 404, "not_found", "There is nothing at this path");
      goto out;
    }

  /* The test clock does not exist unless asked for. */
  if (g_str_has_prefix (route->template, "/_test/") && !self->options.test_clock)
    {
      pvd_send_error (msg, 404, "not_found", "There is nothing at this path");
      goto out;
    }

  if (route->admin_auth && !authenticate_admin (&req))
    goto out;

  if (strstr (route->template, "{kind}") != NULL && !pvd_kind_is_valid (req.params[0]))
    {
      pvd_send_error (msg, 404, "not_found",
                      "There is no provisioning connection of that kind; use “users” or “persons”");
      goto out;
    }

  schema = pvd_schema_get_request_schema (self->schema, route->template, method);
  if (schema != NULL && !read_body (&req, schema))
    goto out;

  route->handler (&req);

out:
  if (allow != NULL)
    g_string_free (allow, TRUE);
  g_free (req.params[0]);
  g_free (req.params[1]);
  g_clear_pointer (&req.body, json_node_unref);
  g_clear_pointer (&req.key, pvd_api_key_free);
  g_clear_pointer (&req.tenant, pvd_tenant_free);
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  PvdServer *self = user_data;
  gint64 start = g_get_monotonic_time ();

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");

  if (g_str_has_prefix (path, "/t/"))
    pvd_scim_handle (self, msg, path);
  else
    dispatch (self, msg, path, query);

  /* The path is logged, never a header or a body: that is where secrets go. */
  g_debug ("%s %.200s %u %.1f ms", soup_server_message_get_method (msg), path,
           soup_server_message_get_status (msg),
           (g_get_monotonic_time () - start) / 1000.0);
}

static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);

  /* Refuse an announced oversized body before reading it. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > PVD_MAX_BODY_SIZE)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      pvd_send_error (msg, 413, "payload_too_large",
                      "The body is larger than %d KiB", PVD_MAX_BODY_SIZE / 1024);
    }
}

/**
 * pvd_server_new:
 * @store: the database
 * @options: listening address and policies; copied
 * @error: return location for an error
 *
 * Returns: (transfer full): a server, not yet listening
 */
PvdServer *
pvd_server_new (PvdStore                *store,
                const PvdServerOptions  *options,
                GError                 **error)
{
  g_autoptr(PvdServer) self = g_object_new (PVD_TYPE_SERVER, NULL);

  self->store = g_object_ref (store);
  self->options = *options;
  self->options.listen = g_strdup (options->listen);
  self->options.public_url = g_strdup (options->public_url);

  self->schema = pvd_schema_new_from_resource ("/io/github/provisio/provisiod/openapi.json", error);
  if (self->schema == NULL)
    return NULL;

  self->soup = soup_server_new ("server-header", "provisiod/" PACKAGE_VERSION " ", NULL);
  soup_server_add_early_handler (self->soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handle_cb, self, NULL);

  return g_steal_pointer (&self);
}

static GInetSocketAddress *
parse_listen (const char  *listen,
              GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;
  guint16 port;

  connectable = g_network_address_parse (listen, 8080, error);
  if (connectable == NULL)
    return NULL;

  host = g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable));
  port = g_network_address_get_port (G_NETWORK_ADDRESS (connectable));
  if (g_str_equal (host, "localhost"))
    host = "127.0.0.1";
  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address to listen on", host);
      return NULL;
    }
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, port));
}

gboolean
pvd_server_listen (PvdServer  *self,
                   GError    **error)
{
  g_autoptr(GInetSocketAddress) address = parse_listen (self->options.listen, error);
  GSList *uris;
  g_autofree char *uri = NULL;

  if (address == NULL)
    return FALSE;

  if (self->options.test_clock &&
      !g_inet_address_get_is_loopback (g_inet_socket_address_get_address (address)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The test clock is only available on a loopback address");
      return FALSE;
    }

  if (!soup_server_listen (self->soup, G_SOCKET_ADDRESS (address), 0, error))
    return FALSE;

  uris = soup_server_get_uris (self->soup);
  g_assert (uris != NULL);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* "http://127.0.0.1:8080/" -> "http://127.0.0.1:8080" */
  if (g_str_has_suffix (uri, "/"))
    uri[strlen (uri) - 1] = '\0';
  self->url = g_steal_pointer (&uri);

  if (self->options.public_url == NULL)
    self->options.public_url = g_strdup (self->url);
  else if (g_str_has_suffix (self->options.public_url, "/"))
    self->options.public_url[strlen (self->options.public_url) - 1] = '\0';

  return TRUE;
}
