/* pvd-server.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisiod"

#include "config.h"

#include <string.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "pv-json.h"
#include "pv-time.h"
#include "pv-token.h"
#include "pvd-server-private.h"
#include "pvd-tls.h"

G_DEFINE_FINAL_TYPE (PvdServer, pvd_server, G_TYPE_OBJECT)

#define MAX_TRACKED_ADDRESSES 10000

typedef struct {
  gint64 window_start;   /* monotonic seconds */
  guint  count;
} PvdAuthFailures;

/* A GET answer depends only on the tenant, the path and query, the
 * database and the second it is computed in; it is kept for as long as all
 * of these stay the same. */
typedef struct {
  gint64  data_version;
  gint64  changes;
  gint64  now;
  GBytes *body;
} PvdCachedResponse;

#define MAX_CACHED_RESPONSES 1024

/* What an admin key stands for, kept while the database is unchanged, so
 * that a request needs no query to authenticate. */
typedef struct {
  PvdApiKey      *key;
  PvdTenant      *tenant;
  PvExpiryPolicy  policy;
  gint64          data_version;
  gint64          changes;
} PvdAuthEntry;

/* What a SCIM token stands for, kept like PvdAuthEntry. */
typedef struct {
  PvdTenant *tenant;
  PvdToken  *token;
  gboolean   enabled;
  gint64     data_version;
  gint64     changes;
} PvdScimAuthEntry;

static void
scim_auth_entry_free (PvdScimAuthEntry *entry)
{
  pvd_tenant_free (entry->tenant);
  pvd_token_free (entry->token);
  g_free (entry);
}

static void
auth_entry_free (PvdAuthEntry *entry)
{
  pvd_api_key_free (entry->key);
  pvd_tenant_free (entry->tenant);
  g_free (entry);
}

static void
cached_response_free (PvdCachedResponse *cached)
{
  g_bytes_unref (cached->body);
  g_free (cached);
}

static void
pvd_server_finalize (GObject *object)
{
  PvdServer *self = (PvdServer *) object;

  pvd_server_stop (self);
  g_clear_pointer (&self->workers, g_ptr_array_unref);
  g_clear_pointer (&self->auth_failures, g_hash_table_unref);
  g_clear_error (&self->start_error);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->write_lock);
  g_cond_clear (&self->started);
  g_free (self->db_path);
  g_free (self->options.listen);
  g_free (self->options.public_url);
  g_clear_object (&self->options.tls_certificate);
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
  g_mutex_init (&self->lock);
  g_mutex_init (&self->write_lock);
  g_cond_init (&self->started);
  self->auth_failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Read on every request by every worker: an atomic, not a lock. */
gint64
pvd_server_get_clock_offset (PvdServer *self)
{
  return __atomic_load_n (&self->options.clock_offset, __ATOMIC_RELAXED);
}

void
pvd_server_set_clock_offset (PvdServer *self,
                             gint64     offset)
{
  __atomic_store_n (&self->options.clock_offset, offset, __ATOMIC_RELAXED);
}

/**
 * pvd_server_now:
 *
 * Returns: the server's time in seconds since the epoch: real time, moved by
 *   the test clock when there is one
 */
gint64
pvd_server_now (PvdServer *self)
{
  return g_get_real_time () / G_USEC_PER_SEC + pvd_server_get_clock_offset (self);
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

  /* json-glib 1.6 writes U+001F unescaped, which RFC 8259 forbids; the byte
   * is nothing else in UTF-8, and only strings hold control characters. */
  if (memchr (text, 0x1f, length) != NULL)
    {
      GString *escaped = g_string_sized_new (length + 16);

      for (gsize i = 0; i < length; i++)
        {
          if (text[i] == 0x1f)
            g_string_append (escaped, "\\u001f");
          else
            g_string_append_c (escaped, text[i]);
        }
      g_free (text);
      length = escaped->len;
      text = g_string_free (escaped, FALSE);
    }
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type ? content_type : "application/json",
                                    SOUP_MEMORY_TAKE, text, length);
}

/* An error answer: {"error": code, "message": text}, and the members
 * @add_extra adds (a refused token issue names the token concerned). */
static void
send_error_body (SoupServerMessage   *msg,
                 guint                status,
                 const char          *code,
                 const char          *message,
                 PvdErrorExtraFunc    add_extra,
                 gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  pvd_json_string (builder, "error", code);
  pvd_json_string (builder, "message", message);
  if (add_extra != NULL)
    add_extra (builder, user_data);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"provisio\"");
  pvd_send_json (msg, status, NULL, root);
}

void
pvd_send_error (SoupServerMessage *msg,
                guint              status,
                const char        *code,
                const char        *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  send_error_body (msg, status, code, message, NULL, NULL);
}

/**
 * pvd_send_store_error_full:
 * @add_extra: (nullable): adds members to the error object
 *
 * Answers with the status and error code of a store error.
 */
void
pvd_send_store_error_full (SoupServerMessage *msg,
                           const GError      *error,
                           PvdErrorExtraFunc  add_extra,
                           gpointer           user_data)
{
  guint status = 0;
  const char *code = NULL;

  if (error->domain == PVD_ERROR)
    {
      switch ((PvdError) error->code)
        {
        case PVD_ERROR_NOT_FOUND:
          status = 404, code = "not_found";
          break;
        case PVD_ERROR_INVALID:
        case PVD_ERROR_EXISTS:
          status = 400, code = "invalid_request";
          break;
        case PVD_ERROR_TOKEN_LIMIT:
          status = 409, code = "token_limit_reached";
          break;
        case PVD_ERROR_TOKEN_IN_USE:
          status = 409, code = "token_in_use";
          break;
        case PVD_ERROR_REPLACEMENT_PENDING:
          status = 409, code = "replacement_pending";
          break;
        case PVD_ERROR_REPLACEMENT_IN_USE:
          status = 409, code = "replacement_in_use";
          break;
        case PVD_ERROR_REPLACEMENT_CHANGED:
          status = 409, code = "replacement_changed";
          break;
        case PVD_ERROR_ALREADY_ISSUED:
          status = 409, code = "already_issued";
          break;
        case PVD_ERROR_UNAUTHORIZED:
          status = 401, code = "unauthorized";
          break;
        case PVD_ERROR_KEY_EXPIRED:
          status = 401, code = "key_expired";
          break;
        case PVD_ERROR_UNAVAILABLE:
          /* The database's own words stay in the log. */
          g_warning ("%s", error->message);
          pvd_set_retry_after (msg, PVD_UNAVAILABLE_RETRY_AFTER);
          pvd_send_error (msg, 503, "unavailable", "The database is unavailable; try again shortly");
          return;
        case PVD_ERROR_DATABASE:
        default:
          break;
        }
    }
  if (code != NULL)
    {
      send_error_body (msg, status, code, error->message, add_extra, user_data);
      return;
    }
  g_warning ("Internal error: %s", error->message);
  pvd_send_error (msg, 500, "internal_error",
                  "The server could not complete the request; nothing was changed");
}

void
pvd_send_store_error (SoupServerMessage *msg,
                      const GError      *error)
{
  pvd_send_store_error_full (msg, error, NULL, NULL);
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
  PvdAuthFailures *failures;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  gint64 retry_after = 0;

  /* Nobody has failed lately: no need to take the lock. */
  if (g_atomic_int_get (&self->n_failing) == 0)
    return FALSE;

  g_mutex_lock (&self->lock);
  failures = g_hash_table_lookup (self->auth_failures, client_address (msg));
  if (failures != NULL && failures->count >= self->options.auth_failure_limit)
    retry_after = failures->window_start + PVD_AUTH_FAILURE_WINDOW - now;
  g_mutex_unlock (&self->lock);

  if (retry_after <= 0)
    return FALSE;

  pvd_set_retry_after (msg, retry_after);
  return TRUE;
}

void
pvd_set_retry_after (SoupServerMessage *msg,
                     gint64             seconds)
{
  g_autofree char *header = g_strdup_printf ("%" G_GINT64_FORMAT, seconds);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", header);
}

/* Counted here, and where nodes share the database also there: the
 * count of every node, once this one learns it, is this one's. */
void
pvd_count_auth_failure (PvdServer         *self,
                        PvdStore          *store,
                        SoupServerMessage *msg)
{
  const char *address = client_address (msg);
  PvdAuthFailures *failures;
  gint64 now = g_get_monotonic_time () / G_USEC_PER_SEC;
  gint64 real_now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 shared_start = 0, shared_count = 0;
  gboolean shared;

  shared = pvd_store_count_auth_failure (store, address, real_now, PVD_AUTH_FAILURE_WINDOW,
                                         &shared_start, &shared_count);

  g_mutex_lock (&self->lock);
  failures = g_hash_table_lookup (self->auth_failures, address);
  if (failures == NULL)
    {
      /* Bounded memory even if many addresses fail: forget them all. */
      if (g_hash_table_size (self->auth_failures) >= MAX_TRACKED_ADDRESSES)
        g_hash_table_remove_all (self->auth_failures);
      failures = g_new0 (PvdAuthFailures, 1);
      g_hash_table_insert (self->auth_failures, g_strdup (address), failures);
      g_atomic_int_set (&self->n_failing, g_hash_table_size (self->auth_failures));
    }
  if (failures->count == 0 || now - failures->window_start >= PVD_AUTH_FAILURE_WINDOW)
    {
      failures->window_start = now;
      failures->count = 0;
    }
  failures->count++;
  if (shared && shared_count > failures->count)
    {
      failures->window_start = now - (real_now - shared_start);
      failures->count = shared_count;
    }
  g_mutex_unlock (&self->lock);
}

static gboolean
authenticate_admin (PvdRequest *req)
{
  g_autofree char *secret = pvd_bearer_token (req->msg);
  g_autofree char *digest = NULL;
  g_autoptr(GError) error = NULL;
  PvdAuthEntry *entry = NULL;
  gint64 data_version = -1, changes = -1;
  PvTokenKind kind;

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

      pvd_count_auth_failure (req->server, req->store, req->msg);
      pvd_send_error (req->msg, 401, "unauthorized",
                      other_scheme ? "The Authorization header must use the Bearer scheme "
                                     "with an admin API key"
                                   : "An admin API key is needed: send “Authorization: Bearer pva_…”");
      return FALSE;
    }

  if (pv_token_is_well_formed (secret, &kind) && kind == PV_TOKEN_ADMIN)
    {
      digest = pv_token_digest (secret);
      entry = g_hash_table_lookup (req->worker->auth_cache, digest);
      pvd_store_get_version (req->store, &data_version, &changes);
      if (entry != NULL &&
          (entry->data_version != data_version || entry->changes != changes ||
           entry->key->expires_at <= req->now || req->now - entry->key->last_used_at >= 60 ||
           entry->key->replaced_by != NULL))
        entry = NULL;
    }

  if (entry == NULL)
    {
      g_autoptr(PvdApiKey) key = pvd_store_authenticate_admin (req->store, secret, req->now,
                                                               req->server->options.retire_grace,
                                                               &error);
      g_autoptr(PvdTenant) tenant = NULL;

      if (key == NULL)
        {
          if (g_error_matches (error, PVD_ERROR, PVD_ERROR_UNAUTHORIZED) ||
              g_error_matches (error, PVD_ERROR, PVD_ERROR_KEY_EXPIRED))
            pvd_count_auth_failure (req->server, req->store, req->msg);
          pvd_send_store_error (req->msg, error);
          return FALSE;
        }
      tenant = pvd_store_get_tenant_by_id (req->store, key->tenant_id, &error);
      if (tenant == NULL)
        {
          pvd_send_store_error (req->msg, error);
          return FALSE;
        }

      entry = g_new0 (PvdAuthEntry, 1);
      pv_expiry_policy_init_default (&entry->policy);
      if (!pv_expiry_policy_parse (&entry->policy, tenant->reminder_thresholds, &error))
        g_warning ("Tenant %s has invalid reminder thresholds: %s", tenant->slug, error->message);
      entry->key = g_steal_pointer (&key);
      entry->tenant = g_steal_pointer (&tenant);
      /* After the store's own write of last_used_at, if there was one. */
      pvd_store_get_version (req->store, &entry->data_version, &entry->changes);

      if (g_hash_table_size (req->worker->auth_cache) >= MAX_CACHED_RESPONSES)
        g_hash_table_remove_all (req->worker->auth_cache);
      g_hash_table_replace (req->worker->auth_cache,
                            digest ? g_steal_pointer (&digest) : pv_token_digest (secret), entry);
    }

  req->key = entry->key;
  req->tenant = entry->tenant;
  req->policy = entry->policy;
  return TRUE;
}

/**
 * pvd_scim_authenticate:
 * @slug: the tenant of the SCIM URL
 * @kind: the connection of the SCIM URL
 * @secret: the bearer token sent
 * @out_tenant: (out) (transfer none): the tenant, on %PVD_SCIM_AUTH_OK
 * @out_token: (out) (transfer none): the token, likewise
 * @out_enabled: (out): whether the connection is enabled, likewise
 * @error: set only when the database fails
 *
 * Authenticates a SCIM request.  While the database is unchanged and the
 * token's use was recorded this second, the answer comes from the worker's
 * cache without a query; otherwise from the store, which records the use.
 * A change (@provisions, pvd_scim_request_provisions()) with a token that
 * replaces another always asks the store: it may start the old token's
 * retirement.
 * The pointers stay valid until the worker's next authentication.
 */
PvdScimAuth
pvd_scim_authenticate (PvdWorker        *worker,
                       const char       *slug,
                       const char       *kind,
                       const char       *secret,
                       const char       *user_agent,
                       gboolean          provisions,
                       gint64            now,
                       const PvdTenant **out_tenant,
                       const PvdToken  **out_token,
                       gboolean         *out_enabled,
                       GError          **error)
{
  PvdStore *store = worker->store;
  PvdScimAuthEntry *entry = NULL;
  g_autofree char *digest = NULL;
  g_autoptr(PvdTenant) tenant = NULL;
  g_autoptr(PvdToken) token = NULL;
  g_autoptr(PvdConnection) connection = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 data_version, changes;
  PvTokenKind token_kind;
  PvdScimAuth result;

  if (!pv_token_is_well_formed (secret, &token_kind) || token_kind != PV_TOKEN_SCIM)
    return PVD_SCIM_AUTH_UNKNOWN;

  digest = pv_token_digest (secret);
  pvd_store_begin_read (store);
  pvd_store_get_version (store, &data_version, &changes);
  entry = g_hash_table_lookup (worker->scim_cache, digest);
  if (entry != NULL && entry->data_version == data_version && entry->changes == changes &&
      g_str_equal (entry->tenant->slug, slug) && g_str_equal (entry->token->kind, kind) &&
      pvd_token_is_active (entry->token, now) && now - entry->token->last_used_at < 1 &&
      entry->token->retires_at == 0 && !(provisions && entry->token->replaces != NULL) &&
      (user_agent == NULL || g_strcmp0 (user_agent, entry->token->last_user_agent) == 0))
    {
      pvd_store_end_read (store);
      goto done;
    }

  tenant = pvd_store_get_tenant (store, slug, &local_error);
  if (tenant == NULL)
    {
      pvd_store_end_read (store);
      /* An unknown tenant is an unknown token; a database away is not. */
      if (!g_error_matches (local_error, PVD_ERROR, PVD_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return PVD_SCIM_AUTH_UNKNOWN;
    }
  result = pvd_store_authenticate_scim (store, secret, tenant->id, kind, user_agent, provisions, now,
                                        worker->server->options.retire_grace, &token, error);
  if (result != PVD_SCIM_AUTH_OK || (error != NULL && *error != NULL))
    {
      pvd_store_end_read (store);
      return result;
    }
  connection = pvd_store_get_connection (store, tenant->id, kind, error);
  if (connection == NULL)
    {
      pvd_store_end_read (store);
      return PVD_SCIM_AUTH_UNKNOWN;
    }

  entry = g_new0 (PvdScimAuthEntry, 1);
  entry->tenant = g_steal_pointer (&tenant);
  entry->token = g_steal_pointer (&token);
  entry->enabled = connection->enabled;
  /* After the store's own write of the token's use, if there was one. */
  pvd_store_get_version (store, &entry->data_version, &entry->changes);
  pvd_store_end_read (store);

  if (g_hash_table_size (worker->scim_cache) >= MAX_CACHED_RESPONSES)
    g_hash_table_remove_all (worker->scim_cache);
  g_hash_table_replace (worker->scim_cache, g_steal_pointer (&digest), entry);

done:
  *out_tenant = entry->tenant;
  *out_token = entry->token;
  *out_enabled = entry->enabled;
  return PVD_SCIM_AUTH_OK;
}

/* Bodies */

/* json-glib ends a string at an escaped NUL ("a\u0000b" reads as "a"), and
 * neither C strings nor the store could keep it: the member that holds one,
 * as a dotted path, or NULL.  @data has passed pv_json_precheck(). */
static char *
find_escaped_nul (const char *data,
                  gsize       length)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);   /* per object */

  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '{')
        g_ptr_array_add (keys, NULL);
      else if (data[i] == '}' && keys->len > 0)
        g_ptr_array_remove_index (keys, keys->len - 1);
      else if (data[i] == '"')
        {
          gsize start = ++i;
          gboolean nul = FALSE;
          gsize j;

          for (; i < length && data[i] != '"'; i++)
            if (data[i] == '\\')
              {
                nul = nul || (length - i >= 6 && memcmp (data + i, "\\u0000", 6) == 0);
                i++;
              }
          for (j = i + 1; j < length && g_ascii_isspace (data[j]); j++)
            ;
          if (j < length && data[j] == ':' && keys->len > 0)
            {
              g_free (keys->pdata[keys->len - 1]);
              keys->pdata[keys->len - 1] = nul ? g_strdup ("a member name")
                                               : g_strndup (data + start, i - start);
            }
          if (nul)
            {
              GString *path = g_string_new (NULL);

              for (guint k = 0; k < keys->len; k++)
                if (keys->pdata[k] != NULL)
                  g_string_append_printf (path, "%s%s", path->len ? "." : "", (char *) keys->pdata[k]);
              return g_string_free (path, FALSE);
            }
        }
    }
  return NULL;
}

/**
 * pvd_parse_body:
 * @data: (array length=length): a request body as the peer sent it
 * @length: its length, at most %PVD_MAX_BODY_SIZE
 * @error: a %G_IO_ERROR_INVALID_DATA whose message says what is wrong, for
 *   the answer; %G_IO_ERROR_INVALID_ARGUMENT for valid JSON with a string
 *   that cannot be kept whole (an escaped NUL), naming its member
 *
 * The strict reading of every JSON body, by the management API and the
 * SCIM endpoint: strict JSON (pv_json_parse()) whose root is an object.  It needs no request, so that the fuzz tests call it as is.
 *
 * Returns: (transfer full) (nullable): the body, a JSON object
 */
JsonNode *
pvd_parse_body (const char  *data,
                gsize        length,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = pv_json_parse (data, length, &local_error);

  if (root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The body is not valid JSON%s%s",
                   *local_error->message ? ": " : "", local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The body must be a JSON object");
      return NULL;
    }
  /* Nothing a client sends is changed without a word. */
  if (memchr (data, '\\', length) != NULL)
    {
      g_autofree char *where = find_escaped_nul (data, length);

      if (where != NULL)
        {
          if (*where == '\0')
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "The body holds a NUL character (\\u0000), which cannot be kept");
          else
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "“%s” holds a NUL character (\\u0000), which cannot be kept", where);
          return NULL;
        }
    }
  return g_steal_pointer (&root);
}

static gboolean
read_body (PvdRequest *req,
           JsonNode   *schema)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  const char *content_type;
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

  req->body = pvd_parse_body (data, length, &error);
  if (req->body == NULL)
    {
      pvd_send_error (req->msg, 400,
                      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)
                      ? "invalid_request" : "invalid_json", "%s", error->message);
      return FALSE;
    }
  if (!pvd_schema_validate (req->schema, schema, req->body, &error))
    {
      pvd_send_error (req->msg, 400, "invalid_request", "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* Routing */

/* Matches "/a/{x}/b" against "/a/value/b", capturing the {…} segments. */
static gboolean
match_template (const char  *template,
                const char  *path,
                char       **params)
{
  const char *starts[2];
  gsize lengths[2];
  guint n_params = 0;

  while (*template != '\0' && *path != '\0')
    {
      if (*template == '{')
        {
          const char *end = strchr (path, '/');
          gsize length = end ? (gsize) (end - path) : strlen (path);

          if (length == 0 || n_params == G_N_ELEMENTS (starts))
            return FALSE;
          starts[n_params] = path;
          lengths[n_params++] = length;
          path += length;
          template = strchr (template, '}') + 1;
        }
      else if (*template++ != *path++)
        return FALSE;
    }
  if (*template != '\0' || *path != '\0')
    return FALSE;

  for (guint i = 0; i < n_params; i++)
    params[i] = g_strndup (starts[i], lengths[i]);
  return TRUE;
}

static void
handle_get (PvdWorker      *worker,
            PvdRequest     *req,
            const PvdRoute *route)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (req->msg));
  /* By key too: answers name the key they were asked with. */
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT " %s %s?%s", req->tenant->id, req->key->id,
                                          req->path, query ? query : "");
  PvdCachedResponse *cached = g_hash_table_lookup (worker->cache, key);
  gint64 data_version, changes;

  pvd_store_get_version (worker->store, &data_version, &changes);
  if (cached != NULL && cached->data_version == data_version &&
      cached->changes == changes && cached->now == req->now)
    {
      soup_server_message_set_status (req->msg, 200, NULL);
      soup_server_message_set_response (req->msg, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (cached->body, NULL),
                                        g_bytes_get_size (cached->body));
      return;
    }

  route->handler (req);

  if (soup_server_message_get_status (req->msg) == 200)
    {
      if (g_hash_table_size (worker->cache) >= MAX_CACHED_RESPONSES)
        g_hash_table_remove_all (worker->cache);
      cached = g_new0 (PvdCachedResponse, 1);
      cached->data_version = data_version;
      cached->changes = changes;
      cached->now = req->now;
      cached->body = soup_message_body_flatten (soup_server_message_get_response_body (req->msg));
      g_hash_table_replace (worker->cache, g_steal_pointer (&key), cached);
    }
}

static void
dispatch (PvdWorker         *worker,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query)
{
  PvdServer *self = worker->server;
  const char *method = soup_server_message_get_method (msg);
  PvdRequest req = { 0 };
  const PvdRoute *route = NULL;
  GString *allow = NULL;
  JsonNode *schema;
  gboolean read_only = FALSE;

  req.server = self;
  req.worker = worker;
  req.store = worker->store;
  req.schema = worker->schema;
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

  /* A GET runs in one read transaction, authentication included: a
   * consistent view, and one round of file locking instead of one per
   * statement. */
  read_only = g_str_equal (method, "GET");
  if (read_only)
    pvd_store_begin_read (worker->store);

  if (route->admin_auth && !authenticate_admin (&req))
    goto out;

  if (strstr (route->template, "{kind}") != NULL && !pvd_kind_is_valid (req.params[0]))
    {
      pvd_send_error (msg, 404, "not_found",
                      "There is no provisioning connection of that kind; use “users” or “persons”");
      goto out;
    }

  schema = pvd_schema_get_request_schema (worker->schema, route->template, method);
  if (schema != NULL && !read_body (&req, schema))
    goto out;

  if (g_str_equal (method, "GET") && route->admin_auth)
    handle_get (worker, &req, route);
  else if (read_only)
    route->handler (&req);
  else
    {
      /* Workers take turns to write here rather than poll SQLite's lock.
       * What an administrator changes is on disk before it is answered. */
      g_mutex_lock (&self->write_lock);
      pvd_store_set_durable (worker->store, TRUE);
      route->handler (&req);
      pvd_store_set_durable (worker->store, FALSE);
      g_mutex_unlock (&self->write_lock);
    }

out:
  if (read_only)
    pvd_store_end_read (worker->store);
  if (allow != NULL)
    g_string_free (allow, TRUE);
  g_free (req.params[0]);
  g_free (req.params[1]);
  g_clear_pointer (&req.body, json_node_unref);
}

static void
wrote_body_cb (SoupServerMessage *msg,
               gpointer           user_data)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_CORK, 0, NULL);
}

/* libsoup writes a response's headers and body with two send() calls; a
 * corked socket sends them as one segment once the body is written, which
 * halves the network work per small response. */
static void
cork (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL && g_socket_set_option (socket, IPPROTO_TCP, TCP_CORK, 1, NULL))
    g_signal_connect (msg, "wrote-body", G_CALLBACK (wrote_body_cb), NULL);
}

/* libsoup 3.2 takes a response with neither a length nor chunks to end
 * when the connection closes, and so closes it after each one: a 204 has
 * no body and must not say Content-Length, which libsoup removes from it as
 * it writes the headers.  Once they are written, say there is no body:
 * the connection stays open for the next request, as the client expects,
 * rather than losing one the client had already sent on it. */
static void
wrote_bodiless_headers_cb (SoupServerMessage *msg,
                           gpointer           user_data)
{
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_NONE);
}

static void
keep_alive_without_body (SoupServerMessage *msg)
{
  guint status = soup_server_message_get_status (msg);

  if (status == SOUP_STATUS_NO_CONTENT)
    g_signal_connect (msg, "wrote-headers", G_CALLBACK (wrote_bodiless_headers_cb), NULL);
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  PvdWorker *worker = user_data;
  gint64 start = g_get_monotonic_time ();

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");

  if (g_str_has_prefix (path, "/t/"))
    pvd_scim_handle (worker, msg, path, query);
  else
    dispatch (worker, msg, path, query);
  keep_alive_without_body (msg);
  cork (msg);

  /* The path is logged, never a header or a body: that is where secrets go. */
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    g_debug ("%s %.200s %u %.1f ms", soup_server_message_get_method (msg), path,
             soup_server_message_get_status (msg),
             (g_get_monotonic_time () - start) / 1000.0);
}

/* Limits */

/* An error about the request itself, in the format of the part asked: a
 * SCIM error body under /t/, the API's otherwise.  libsoup 3.2 still reads
 * the body before it answers (unless the client sent "Expect:
 * 100-continue"): it is dropped as it comes, and the connection closes
 * after the answer. */
static void
send_limit_error (SoupServerMessage *msg,
                  const char        *path,
                  guint              status,
                  const char        *code,
                  const char        *message)
{
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  if (g_str_has_prefix (path, "/t/"))
    pvd_scim_send_error (msg, status, message);
  else
    pvd_send_error (msg, status, code, "%s", message);
  /* libsoup 3.2 has no phrase for 431 (RFC 6585). */
  if (status == 431)
    soup_server_message_set_status (msg, status, "Request Header Fields Too Large");
}

typedef struct {
  guint n_fields;
  gsize size;
} HeaderSize;

static void
add_header_size (const char *name,
                 const char *value,
                 gpointer    user_data)
{
  HeaderSize *size = user_data;

  size->n_fields++;
  size->size += strlen (name) + strlen (value) + 4;   /* ": " and CRLF */
}

/* A body without a length (chunked) is counted as it arrives; past the
 * limit the connection is closed, as libsoup would read on to its end. */
static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  GSocket *socket = soup_server_message_get_socket (msg);

  if (body->length > PVD_MAX_BODY_SIZE && socket != NULL)
    {
      g_debug ("Closing a connection whose body passed %d KiB", PVD_MAX_BODY_SIZE / 1024);
      g_signal_handlers_disconnect_by_func (msg, got_chunk_cb, user_data);
      g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
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
  HeaderSize size = { 0, 0 };

  soup_message_headers_foreach (headers, add_header_size, &size);
  if (size.n_fields > PVD_MAX_HEADER_FIELDS || size.size > PVD_MAX_HEADER_SIZE)
    {
      g_autofree char *message =
        g_strdup_printf ("The request headers are too large: at most %d fields and %d KiB",
                         PVD_MAX_HEADER_FIELDS, PVD_MAX_HEADER_SIZE / 1024);

      send_limit_error (msg, path, 431, "headers_too_large", message);
      return;
    }

  /* Refuse an announced oversized body without keeping it. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > PVD_MAX_BODY_SIZE)
    {
      g_autofree char *message = g_strdup_printf ("The body is larger than %d KiB",
                                                  PVD_MAX_BODY_SIZE / 1024);

      send_limit_error (msg, path, 413, "payload_too_large", message);
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED)
    g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), NULL);
}

/* Slow clients: a connection has request-timeout seconds from the start of
 * a request until its answer is written, and as long again from there to
 * the next request; past either its connection is closed.  Waiting costs a
 * worker nothing, so slow clients cannot hold up the others; the timeout
 * frees what they hold.
 *
 * Each request only moves its connection's deadline; once a second the
 * worker closes the connections past theirs.  A timer per request would
 * cost a source and a wake-up of the main loop each time. */
typedef struct {
  PvdWorker *worker;
  GSocket   *socket;     /* not a reference: removed as it goes */
  gint64     deadline;   /* monotonic microseconds */
} PvdDeadline;

static void
socket_gone_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  PvdDeadline *d = data;

  g_hash_table_remove (d->worker->deadlines, d->socket);
}

static void
set_deadline (PvdWorker         *worker,
              SoupServerMessage *msg)
{
  guint timeout = worker->server->options.request_timeout;
  GSocket *socket = soup_server_message_get_socket (msg);
  PvdDeadline *d;

  if (timeout == 0 || socket == NULL)
    return;
  d = g_hash_table_lookup (worker->deadlines, socket);
  if (d == NULL)
    {
      d = g_new0 (PvdDeadline, 1);
      d->worker = worker;
      d->socket = socket;
      g_object_weak_ref (G_OBJECT (socket), socket_gone_cb, d);
      g_hash_table_insert (worker->deadlines, socket, d);
    }
  d->deadline = g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC;
}

static gboolean
sweep_cb (gpointer user_data)
{
  PvdWorker *worker = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  PvdDeadline *d;

  g_hash_table_iter_init (&iter, worker->deadlines);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &d))
    if (now >= d->deadline)
      {
        g_debug ("Closing a connection that sent no complete request, or read no answer, "
                 "within the request timeout");
        /* The connection sees its end and goes, and its socket with it. */
        g_socket_shutdown (d->socket, TRUE, TRUE, NULL);
        d->deadline = G_MAXINT64;
      }
  return G_SOURCE_CONTINUE;
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  set_deadline (user_data, msg);
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  set_deadline (user_data, msg);
}

static void
deadlines_start (PvdWorker *worker)
{
  worker->deadlines = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  if (worker->server->options.request_timeout == 0)
    return;
  g_signal_connect (worker->soup, "request-started", G_CALLBACK (request_started_cb), worker);
  g_signal_connect (worker->soup, "request-finished", G_CALLBACK (request_finished_cb), worker);
  worker->sweep = g_timeout_source_new_seconds (1);
  g_source_set_callback (worker->sweep, sweep_cb, worker, NULL);
  g_source_attach (worker->sweep, worker->context);
}

static void
deadlines_stop (PvdWorker *worker)
{
  GHashTableIter iter;
  PvdDeadline *d;

  if (worker->sweep != NULL)
    g_source_destroy (worker->sweep);
  g_clear_pointer (&worker->sweep, g_source_unref);
  if (worker->deadlines == NULL)
    return;
  /* Sockets still held elsewhere must not call back into a freed table. */
  g_hash_table_iter_init (&iter, worker->deadlines);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &d))
    g_object_weak_unref (G_OBJECT (d->socket), socket_gone_cb, d);
  g_clear_pointer (&worker->deadlines, g_hash_table_unref);
}

/**
 * pvd_server_new:
 * @db_path: the database, which each worker opens for itself
 * @options: listening address and policies; copied
 *
 * Returns: (transfer full): a server, not yet listening
 */
PvdServer *
pvd_server_new (const char              *db_path,
                const PvdServerOptions  *options)
{
  PvdServer *self = g_object_new (PVD_TYPE_SERVER, NULL);

  self->db_path = g_strdup (db_path);
  self->options = *options;
  self->options.listen = g_strdup (options->listen);
  self->options.public_url = g_strdup (options->public_url);
  self->options.tls_certificate = options->tls_certificate ? g_object_ref (options->tls_certificate) : NULL;
  self->options.threads = CLAMP (options->threads, 1, 64);

  return self;
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

static void
worker_free (PvdWorker *worker)
{
  g_assert (worker->thread == NULL);
  g_clear_object (&worker->socket);
  g_free (worker);
}

static gboolean
quit_worker_cb (gpointer user_data)
{
  PvdWorker *worker = user_data;

  g_main_loop_quit (worker->loop);
  return G_SOURCE_REMOVE;
}

static void
worker_started (PvdWorker *worker,
                GError    *error)
{
  PvdServer *self = worker->server;

  g_mutex_lock (&self->lock);
  if (error != NULL && self->start_error == NULL)
    self->start_error = g_error_copy (error);
  self->n_started++;
  g_cond_broadcast (&self->started);
  g_mutex_unlock (&self->lock);
}

static gpointer
worker_thread (gpointer data)
{
  PvdWorker *worker = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (worker->context);
  worker->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) cached_response_free);
  worker->auth_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) auth_entry_free);
  worker->scim_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) scim_auth_entry_free);
  worker->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_bytes_unref);

  worker->store = pvd_store_open (worker->server->db_path, &error);
  if (worker->store != NULL)
    worker->schema = pvd_schema_new_from_resource ("/io/github/provisio/provisiod/openapi.json",
                                                   &error);
  if (worker->schema != NULL)
    {
      GTlsCertificate *certificate = worker->server->options.tls_certificate;

      /* Every worker serves the one certificate, which is immutable once
       * loaded; each TLS connection has its own session state. */
      worker->soup = soup_server_new ("server-header", "provisiod/" PACKAGE_VERSION " ",
                                      "tls-certificate", certificate,
                                      NULL);
      deadlines_start (worker);
      soup_server_add_early_handler (worker->soup, NULL, early_cb, worker, NULL);
      soup_server_add_handler (worker->soup, NULL, handle_cb, worker, NULL);
      soup_server_listen_socket (worker->soup, worker->socket,
                                 certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, &error);
    }

  worker_started (worker, error);
  if (error == NULL)
    g_main_loop_run (worker->loop);

  if (worker->soup != NULL)
    soup_server_disconnect (worker->soup);
  g_clear_object (&worker->soup);
  deadlines_stop (worker);
  g_clear_object (&worker->schema);
  g_clear_object (&worker->store);
  g_clear_pointer (&worker->cache, g_hash_table_unref);
  g_clear_pointer (&worker->auth_cache, g_hash_table_unref);
  g_clear_pointer (&worker->scim_cache, g_hash_table_unref);
  g_clear_pointer (&worker->documents, g_hash_table_unref);
  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

/* One listening socket per worker on the same address; the kernel spreads
 * new connections over them. */
static GSocket *
open_socket (GInetSocketAddress  *address,
             GError             **error)
{
  g_autoptr(GSocket) socket = NULL;
  struct sockaddr_storage native;
  gssize length = g_socket_address_get_native_size (G_SOCKET_ADDRESS (address));

  socket = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (address)),
                         G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL ||
      !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, error) ||
      !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, error) ||
      !g_socket_address_to_native (G_SOCKET_ADDRESS (address), &native, sizeof native, error))
    return NULL;

  /* Not g_socket_bind(): it turns SO_REUSEPORT off again for TCP. */
  if (bind (g_socket_get_fd (socket), (struct sockaddr *) &native, (socklen_t) length) != 0)
    {
      int saved = errno;
      g_autofree char *where = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot listen on %s: %s", where, g_strerror (saved));
      return NULL;
    }
  /* GLib's default backlog of 10 drops connections that arrive together,
   * and a dropped SYN is retried a second later; the kernel caps this at
   * net.core.somaxconn. */
  g_socket_set_listen_backlog (socket, SOMAXCONN);
  if (!g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

/* Each connection is a file: the usual soft limit of 1,024 would refuse
 * connections long before the workers are busy.  The hard limit is the
 * administrator's. */
static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
    return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    g_warning ("Could not raise the limit of open files: %s", g_strerror (errno));
}

/**
 * pvd_server_listen:
 * @error: return location for an error
 *
 * Opens the listening sockets and starts the workers; returns once all of
 * them serve, or the first failed.  Raises the process's soft limit of open
 * files to its hard limit: every connection is one.
 */
gboolean
pvd_server_listen (PvdServer  *self,
                   GError    **error)
{
  g_autoptr(GInetSocketAddress) address = parse_listen (self->options.listen, error);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *host = NULL;
  GInetAddress *inet;
  const char *scheme;
  guint16 port;

  if (address == NULL)
    return FALSE;
  inet = g_inet_socket_address_get_address (address);   /* owned by address */

  if (self->options.test_clock && !g_inet_address_get_is_loopback (inet))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The test clock is only available on a loopback address");
      return FALSE;
    }
  if (self->options.tls_certificate == NULL &&
      !pvd_tls_check_plain_http (inet, self->options.allow_insecure_http, error))
    return FALSE;

  raise_file_limit ();
  self->workers = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_free);
  for (guint i = 0; i < self->options.threads; i++)
    {
      PvdWorker *worker = g_new0 (PvdWorker, 1);

      worker->server = self;
      worker->index = i;
      g_ptr_array_add (self->workers, worker);

      worker->socket = open_socket (address, error);
      if (worker->socket == NULL)
        return FALSE;

      /* Port 0: the first socket picks the port, the others share it. */
      if (i == 0)
        {
          bound = g_socket_get_local_address (worker->socket, error);
          if (bound == NULL)
            return FALSE;
          g_clear_object (&address);
          address = G_INET_SOCKET_ADDRESS (g_object_ref (bound));
        }
    }

  for (guint i = 0; i < self->workers->len; i++)
    {
      PvdWorker *worker = g_ptr_array_index (self->workers, i);
      g_autofree char *name = g_strdup_printf ("pvd-worker-%u", i);

      worker->context = g_main_context_new ();
      worker->loop = g_main_loop_new (worker->context, FALSE);
      worker->thread = g_thread_new (name, worker_thread, worker);
    }

  g_mutex_lock (&self->lock);
  while (self->n_started < self->workers->len)
    g_cond_wait (&self->started, &self->lock);
  g_mutex_unlock (&self->lock);

  if (self->start_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      pvd_server_stop (self);
      return FALSE;
    }

  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (bound));
  host = g_inet_address_to_string (inet);
  scheme = self->options.tls_certificate != NULL ? "https" : "http";
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    self->url = g_strdup_printf ("%s://[%s]:%u", scheme, host, port);
  else
    self->url = g_strdup_printf ("%s://%s:%u", scheme, host, port);

  if (self->options.public_url == NULL)
    self->options.public_url = g_strdup (self->url);
  else if (g_str_has_suffix (self->options.public_url, "/"))
    self->options.public_url[strlen (self->options.public_url) - 1] = '\0';

  return TRUE;
}

/**
 * pvd_server_stop:
 *
 * Stops every worker and waits for it; requests in progress finish first.
 */
void
pvd_server_stop (PvdServer *self)
{
  for (guint i = 0; self->workers != NULL && i < self->workers->len; i++)
    {
      PvdWorker *worker = g_ptr_array_index (self->workers, i);

      if (worker->thread == NULL)
        continue;
      g_main_context_invoke (worker->context, quit_worker_cb, worker);
      g_thread_join (g_steal_pointer (&worker->thread));
      g_clear_pointer (&worker->loop, g_main_loop_unref);
      g_clear_pointer (&worker->context, g_main_context_unref);
    }
}
