/* pvd-server.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-server"

#include "config.h"

#include <string.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "pvd-auth.h"
#include "pvd-http.h"
#include "pvd-limits.h"
#include "pvd-mhd.h"
#include "pvd-scim.h"
#include "pvd-server-private.h"
#include "pvd-tls.h"

G_DEFINE_FINAL_TYPE (PvdServer, pvd_server, G_TYPE_OBJECT)

/* A GET answer depends only on the tenant, the path and query, the
 * database and the second it is computed in; it is kept for as long as all
 * of these stay the same. */
typedef struct {
  gint64  data_version;
  gint64  changes;
  gint64  now;
  GBytes *body;
} PvdCachedResponse;

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

static gboolean
read_body (PvdRequest *req,
           JsonNode   *schema)
{
  g_autoptr(GBytes) bytes = pvd_message_get_body (req->msg);
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

  content_type = pvd_message_get_content_type (req->msg);
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
  if (!pvd_openapi_check_validate (req->openapi, schema, req->body, &error))
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
  const char *query = pvd_message_get_query (req->msg);
  /* By key too: answers name the key they were asked with. */
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT " %s %s?%s", req->tenant->id, req->key->id,
                                          req->path, query ? query : "");
  PvdCachedResponse *cached = g_hash_table_lookup (worker->cache, key);
  gint64 data_version, changes;

  pvd_store_get_version (worker->store, &data_version, &changes);
  if (cached != NULL && cached->data_version == data_version &&
      cached->changes == changes && cached->now == req->now)
    {
      pvd_message_set_response (req->msg, 200, "application/json", cached->body);
      return;
    }

  route->handler (req);

  if (pvd_message_get_status (req->msg) == 200)
    {
      if (g_hash_table_size (worker->cache) >= PVD_MAX_CACHED_ENTRIES)
        g_hash_table_remove_all (worker->cache);
      cached = g_new0 (PvdCachedResponse, 1);
      cached->data_version = data_version;
      cached->changes = changes;
      cached->now = req->now;
      cached->body = g_bytes_ref (pvd_message_get_response (req->msg));
      g_hash_table_replace (worker->cache, g_steal_pointer (&key), cached);
    }
}

static void
dispatch (PvdWorker  *worker,
          PvdMessage *msg,
          const char *path,
          GHashTable *query,
          gint64      now)
{
  PvdServer *self = worker->server;
  const char *method = pvd_message_get_method (msg);
  PvdRequest req = { 0 };
  const PvdRoute *route = NULL;
  GString *allow = NULL;
  JsonNode *schema;
  gboolean read_only = FALSE;

  req.server = self;
  req.worker = worker;
  req.store = worker->store;
  req.openapi = worker->openapi;
  req.msg = msg;
  req.path = path;
  req.query = query;
  req.now = now;

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
          pvd_message_set_header (msg, "Allow", allow->str);
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

  if (route->admin_auth && !pvd_authenticate_admin (&req))
    goto out;

  if (strstr (route->template, "{kind}") != NULL && !pvd_kind_is_valid (req.params[0]))
    {
      pvd_send_error (msg, 404, "not_found",
                      "There is no provisioning connection of that kind; use “users” or “persons”");
      goto out;
    }

  schema = pvd_openapi_check_get_request_schema (worker->openapi, route->template, method);
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

/**
 * pvd_server_handle:
 * @msg: a request, answered on return
 * @query: (nullable): its query, decoded
 *
 * Answers a request, whichever HTTP library serves it.
 */
void
pvd_server_handle (PvdWorker  *worker,
                   PvdMessage *msg,
                   GHashTable *query)
{
  gint64 start = g_get_monotonic_time ();

  pvd_message_set_header (msg, "Cache-Control", "no-store");

  if (g_str_has_prefix (msg->path, "/t/"))
    pvd_scim_handle (worker, msg, msg->path, query, pvd_server_now (worker->server));
  else
    dispatch (worker, msg, msg->path, query, pvd_server_now (worker->server));

  /* The path is logged, never a header or a body: that is where secrets go.
   * Requests have a log domain of their own, the server's name, so that
   * G_MESSAGES_DEBUG=provisiod is an access log without the files' debug. */
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, PVD_REQUEST_LOG_DOMAIN))
    g_log (PVD_REQUEST_LOG_DOMAIN, G_LOG_LEVEL_DEBUG, "%s %.200s %u %.1f ms",
           msg->method, msg->path, msg->status, (g_get_monotonic_time () - start) / 1000.0);
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
  pvd_auth_start (worker);
  worker->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_bytes_unref);

  worker->store = pvd_store_open (worker->server->db_path, &error);
  if (worker->store != NULL)
    worker->openapi = pvd_openapi_check_new_from_resource ("/io/github/provisio/provisiod/openapi.json",
                                                           &error);
  if (worker->openapi != NULL)
    pvd_mhd_start (worker, &error);

  worker_started (worker, error);
  if (error == NULL)
    g_main_loop_run (worker->loop);

  pvd_mhd_stop (worker);
  g_clear_object (&worker->openapi);
  g_clear_object (&worker->store);
  g_clear_pointer (&worker->cache, g_hash_table_unref);
  pvd_auth_stop (worker);
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

  /* Before the workers: they make their SCIM changes through it. */
  self->writer = pvd_writer_new (self->db_path, error);
  if (self->writer == NULL)
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
  /* The changes waiting for their commit are answered by the workers. */
  if (self->writer != NULL)
    pvd_writer_stop (self->writer);
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
  g_clear_pointer (&self->writer, pvd_writer_free);
}
