/* pvd-mhd.c: libmicrohttpd, provisiod's HTTP front end
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libmicrohttpd serves two to four times the requests libsoup's server did
 * on the same handlers (issue #18; docs/benchmarks.md).  Each worker runs
 * one libmicrohttpd daemon with its own polling thread (poll()) on the
 * worker's SO_REUSEPORT socket; the handlers, authentication, caches and
 * store are the worker's.  HTTPS is libmicrohttpd's, through GnuTLS.
 */

#define G_LOG_DOMAIN "pvd-mhd"

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>

#include <libsoup/soup.h>
#include <microhttpd.h>

#include "pvd-http.h"
#include "pvd-limits.h"
#include "pvd-mhd.h"

/* Where a deferred answer is (pvd_message_defer()): it may be resumed
 * before or after libmicrohttpd suspended the connection. */
enum {
  ANSWER_WAITING,
  ANSWER_SUSPENDED,    /* the connection is suspended, the answer not ready */
  ANSWER_BLOCKED,      /* its thread waits for it (wait_for_answer()) */
  ANSWER_READY,        /* resumed (pvd_message_resume()) */
};

/* For the few answers a thread waits for: one lock and condition for all. */
static GMutex answer_lock;
static GCond answer_ready;

/* One request, from its URI to its completion. */
typedef struct {
  struct MHD_Connection *connection;
  GUri                  *uri;
  GByteArray            *body;         /* NULL: none announced */
  gboolean               too_large;    /* its body is dropped as it comes */
  char                  *content_type;
  char                   remote[INET6_ADDRSTRLEN];
  gboolean               started;
  gboolean               handled;      /* msg holds the handlers' answer */
  int                    answer;       /* a deferred one's state; atomic */
  PvdMessage             msg;
} MhdRequest;

struct _PvdMhd {
  struct MHD_Daemon *daemon;
  char              *certificate_pem;
  char              *key_pem;
  gint64             timeout;      /* request-timeout, µs; 0: none */
  GMutex             lock;         /* guards the set of deadlines */
  GHashTable        *deadlines;    /* MhdDeadline, its own key */
  GSource           *sweep;        /* in the worker's main context */
};

/* The request timeout of pvd-limits.c: a connection has the timeout from
 * its opening, or the start of a request, until the answer is written, and
 * as long again until the next request.  libmicrohttpd's thread moves the
 * deadline; once a second the worker's own thread, otherwise idle, shuts
 * down the connections past theirs, and libmicrohttpd closes them. */
typedef struct {
  int    fd;
  gint64 deadline;   /* monotonic µs; atomic */
} MhdDeadline;

static void
move_deadline (PvdMhd                *mhd,
               struct MHD_Connection *connection)
{
  const union MHD_ConnectionInfo *info;
  MhdDeadline *d;

  if (mhd->timeout == 0 ||
      (info = MHD_get_connection_info (connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT)) == NULL ||
      (d = info->socket_context) == NULL)
    return;
  __atomic_store_n (&d->deadline, g_get_monotonic_time () + mhd->timeout, __ATOMIC_RELAXED);
}

static void
connection_cb (void                              *cls,
               struct MHD_Connection             *connection,
               void                             **socket_context,
               enum MHD_ConnectionNotificationCode toe)
{
  PvdMhd *mhd = cls;
  MhdDeadline *d = *socket_context;

  if (toe == MHD_CONNECTION_NOTIFY_STARTED)
    {
      const union MHD_ConnectionInfo *info =
        MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CONNECTION_FD);

      if (mhd->timeout == 0 || info == NULL)
        return;
      d = g_new0 (MhdDeadline, 1);
      d->fd = info->connect_fd;
      d->deadline = g_get_monotonic_time () + mhd->timeout;
      g_mutex_lock (&mhd->lock);
      g_hash_table_add (mhd->deadlines, d);
      g_mutex_unlock (&mhd->lock);
      *socket_context = d;
    }
  else if (d != NULL)
    {
      /* Before libmicrohttpd closes the socket: the sweep never shuts
       * down a number the kernel has given to another connection. */
      g_mutex_lock (&mhd->lock);
      g_hash_table_remove (mhd->deadlines, d);
      g_mutex_unlock (&mhd->lock);
      *socket_context = NULL;
    }
}

static gboolean
sweep_cb (gpointer user_data)
{
  PvdMhd *mhd = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  MhdDeadline *d;

  g_mutex_lock (&mhd->lock);
  g_hash_table_iter_init (&iter, mhd->deadlines);
  while (g_hash_table_iter_next (&iter, (gpointer *) &d, NULL))
    if (now >= __atomic_load_n (&d->deadline, __ATOMIC_RELAXED))
      {
        g_debug ("Closing a connection that sent no complete request, or read no answer, "
                 "within the request timeout");
        shutdown (d->fd, SHUT_RDWR);
        __atomic_store_n (&d->deadline, G_MAXINT64, __ATOMIC_RELAXED);
      }
  g_mutex_unlock (&mhd->lock);
  return G_SOURCE_CONTINUE;
}

static void *
uri_cb (void                  *cls,
        const char            *uri,
        struct MHD_Connection *connection)
{
  MhdRequest *r = g_new0 (MhdRequest, 1);
  /* The request target: dot segments removed, the path and query kept as
   * sent. */
  g_autofree char *absolute = g_strconcat ("http://localhost", uri, NULL);

  move_deadline (cls, connection);
  r->connection = connection;
  if (uri[0] == '/')
    r->uri = g_uri_parse (absolute, G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY |
                                    G_URI_FLAGS_ENCODED_FRAGMENT, NULL);
  return r;
}

static void
completed_cb (void                           *cls,
              struct MHD_Connection          *connection,
              void                          **con_cls,
              enum MHD_RequestTerminationCode toe)
{
  MhdRequest *r = *con_cls;

  move_deadline (cls, connection);
  if (r == NULL)
    return;
  if (r->handled)
    pvd_message_clear (&r->msg);
  g_clear_pointer (&r->uri, g_uri_unref);
  g_clear_pointer (&r->body, g_byte_array_unref);
  g_free (r->content_type);
  g_free (r);
  *con_cls = NULL;
}

/* libmicrohttpd's side of a PvdMessage */

static const char *
mhd_get_header (PvdMessage *msg,
                const char *name)
{
  MhdRequest *r = msg->native;

  return MHD_lookup_connection_value (r->connection, MHD_HEADER_KIND, name);
}

static const char *
mhd_get_content_type (PvdMessage *msg)
{
  MhdRequest *r = msg->native;
  const char *value;

  if (r->content_type == NULL &&
      (value = MHD_lookup_connection_value (r->connection, MHD_HEADER_KIND, "Content-Type")) != NULL)
    r->content_type = g_strstrip (g_strndup (value, strcspn (value, ";")));
  return r->content_type;
}

static const char *
mhd_get_remote_host (PvdMessage *msg)
{
  MhdRequest *r = msg->native;
  const union MHD_ConnectionInfo *info;

  if (r->remote[0] != '\0')
    return r->remote;
  info = MHD_get_connection_info (r->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == NULL || info->client_addr == NULL)
    return NULL;
  if (info->client_addr->sa_family == AF_INET)
    inet_ntop (AF_INET, &((struct sockaddr_in *) info->client_addr)->sin_addr, r->remote, sizeof r->remote);
  else if (info->client_addr->sa_family == AF_INET6)
    inet_ntop (AF_INET6, &((struct sockaddr_in6 *) info->client_addr)->sin6_addr, r->remote, sizeof r->remote);
  return r->remote[0] != '\0' ? r->remote : NULL;
}

static GBytes *
mhd_get_body (PvdMessage *msg)
{
  MhdRequest *r = msg->native;

  if (r->body == NULL)
    return g_bytes_new_static ("", 0);
  return g_bytes_new (r->body->data, r->body->len);
}

/* From the writer's commit thread, or from this connection's own thread
 * (a group lost while the change was made): the connection is resumed
 * only once it was suspended, by whichever of the two comes second. */
static void
mhd_resume (PvdMessage *msg)
{
  MhdRequest *r = msg->native;

  switch (g_atomic_int_exchange (&r->answer, ANSWER_READY))
    {
    case ANSWER_SUSPENDED:
      MHD_resume_connection (r->connection);
      break;
    case ANSWER_BLOCKED:
      g_mutex_lock (&answer_lock);
      g_cond_broadcast (&answer_ready);
      g_mutex_unlock (&answer_lock);
      break;
    default:
      break;
    }
}

/* Whether the client shut down its sending side after the request:
 * libmicrohttpd 0.9.75 reads a resumed connection before it asks for the
 * answer, and takes the end of the stream then for the client giving up
 * (the change committed and its answer never sent). */
static gboolean
client_half_closed (struct MHD_Connection *connection)
{
  const union MHD_ConnectionInfo *info =
    MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  char byte;

  return info != NULL && recv (info->connect_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* The thread waits for the answer itself: the commit thread commits
 * without it (pvd-writer.c), at once or within its window. */
static void
wait_for_answer (MhdRequest *r)
{
  g_mutex_lock (&answer_lock);
  if (g_atomic_int_compare_and_exchange (&r->answer, ANSWER_WAITING, ANSWER_BLOCKED))
    while (g_atomic_int_get (&r->answer) != ANSWER_READY)
      g_cond_wait (&answer_ready, &answer_lock);
  g_mutex_unlock (&answer_lock);
}

static const PvdMessageFuncs mhd_funcs = {
  mhd_get_header,
  mhd_get_content_type,
  mhd_get_remote_host,
  mhd_get_body,
  mhd_resume,
};

static enum MHD_Result
send_answer (struct MHD_Connection *connection,
             PvdMessage            *msg)
{
  struct MHD_Response *response;
  enum MHD_Result result;

  if (msg->body != NULL)
    response = MHD_create_response_from_buffer_with_free_callback_cls (
      g_bytes_get_size (msg->body), (void *) g_bytes_get_data (msg->body, NULL),
      (MHD_ContentReaderFreeCallback) g_bytes_unref, g_bytes_ref (msg->body));
  else
    response = MHD_create_response_from_buffer (0, NULL, MHD_RESPMEM_PERSISTENT);
  if (response == NULL)
    return MHD_NO;

  MHD_add_response_header (response, MHD_HTTP_HEADER_SERVER, "provisiod/" PACKAGE_VERSION);
  if (msg->body != NULL && msg->content_type != NULL)
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, msg->content_type);
  for (guint i = 0; i < msg->n_headers; i++)
    MHD_add_response_header (response, msg->headers[i].name, msg->headers[i].value);
  result = MHD_queue_response (connection, msg->status != 0 ? msg->status : 500, response);
  MHD_destroy_response (response);
  return result;
}

/* A request refused before it is read to its end (@status 431 or 413,
 * pvd_send_limit_error()), or whose target is not a path (400). */
static enum MHD_Result
send_refusal (MhdRequest *r,
              const char *method,
              guint       status)
{
  PvdMessage msg;
  enum MHD_Result result;

  pvd_message_init (&msg, &mhd_funcs, r, method, r->uri ? g_uri_get_path (r->uri) : "/", NULL);
  if (status == 400)
    {
      pvd_message_set_header (&msg, "Connection", "close");
      pvd_send_error (&msg, 400, "invalid_request", "The request target is not valid");
    }
  else
    pvd_send_limit_error (&msg, status);
  result = send_answer (r->connection, &msg);
  pvd_message_clear (&msg);
  return result;
}

static enum MHD_Result
add_header_size (void               *cls,
                 enum MHD_ValueKind  kind,
                 const char         *name,
                 const char         *value)
{
  pvd_header_size_add (cls, name, value);
  return MHD_YES;
}

/* The limits of pvd-limits.c, checked once the headers are in.
 * Returns: whether the request may go on to its body and handler */
static gboolean
check_limits (MhdRequest      *r,
              const char      *method,
              enum MHD_Result *result)
{
  PvdHeaderSize size = { 0, 0 };
  const char *length_text = MHD_lookup_connection_value (r->connection, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
  const char *encoding = MHD_lookup_connection_value (r->connection, MHD_HEADER_KIND,
                                                      MHD_HTTP_HEADER_TRANSFER_ENCODING);
  guint64 length = length_text ? g_ascii_strtoull (length_text, NULL, 10) : 0;

  MHD_get_connection_values (r->connection, MHD_HEADER_KIND, add_header_size, &size);
  if (pvd_header_size_too_large (&size))
    {
      *result = send_refusal (r, method, 431);
      return FALSE;
    }
  if (encoding == NULL && length > PVD_MAX_BODY_SIZE)
    {
      const char *expect = MHD_lookup_connection_value (r->connection, MHD_HEADER_KIND,
                                                        MHD_HTTP_HEADER_EXPECT);

      /* Refused before the body comes if the client waits for a word
       * ("Expect: 100-continue"); otherwise the body is read and dropped
       * as it comes, and then refused, so that the client, still sending,
       * reads the answer. */
      r->too_large = TRUE;
      if (expect != NULL && g_ascii_strcasecmp (expect, "100-continue") == 0)
        {
          *result = send_refusal (r, method, 413);
          return FALSE;
        }
      return TRUE;
    }
  if (r->uri == NULL)
    {
      *result = send_refusal (r, method, 400);
      return FALSE;
    }
  if (length > 0 || encoding != NULL)
    {
      const union MHD_ConnectionInfo *info =
        MHD_get_connection_info (r->connection, MHD_CONNECTION_INFO_CONNECTION_FD);
      int on = 1;

      r->body = g_byte_array_new ();
      /* Some clients write a request's headers and its body with two
       * send() calls and leave Nagle's algorithm on: the body waits until
       * the headers are acknowledged, and once a connection has carried a
       * request Linux delays that by 40 ms, hoping to send it with the
       * answer.  Headers that announce a body are acknowledged at once;
       * the option lasts until the kernel next delays an acknowledgement,
       * so it is set for each request. */
      if (info != NULL)
        setsockopt (info->connect_fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
    }
  return TRUE;
}

static enum MHD_Result
access_cb (void                  *cls,
           struct MHD_Connection *connection,
           const char            *url,
           const char            *method,
           const char            *version,
           const char            *upload_data,
           size_t                *upload_data_size,
           void                 **con_cls)
{
  PvdWorker *worker = cls;
  MhdRequest *r = *con_cls;
  g_autoptr(GHashTable) query = NULL;
  enum MHD_Result result = MHD_NO;

  if (r->handled)
    {
      /* Called again once resumed: the deferred answer is ready. */
      g_assert (g_atomic_int_get (&r->answer) == ANSWER_READY);
      pvd_message_finish (&r->msg);
      return send_answer (connection, &r->msg);
    }
  else if (!r->started)
    {
      r->started = TRUE;
      if (!check_limits (r, method, &result))
        return result;
      /* Answered on the next call, once the request is read to its end:
       * an answer queued now would close the connection after it. */
      return MHD_YES;
    }
  else if (r->too_large)
    {
      if (*upload_data_size == 0)
        return send_refusal (r, method, 413);
      *upload_data_size = 0;
      return MHD_YES;
    }
  else if (*upload_data_size > 0)
    {
      /* A body without a length is counted as it comes; past the limit
       * the connection closes. */
      if (r->body->len + *upload_data_size > PVD_MAX_BODY_SIZE)
        {
          g_debug ("Closing a connection whose body passed %d KiB", PVD_MAX_BODY_SIZE / 1024);
          return MHD_NO;
        }
      g_byte_array_append (r->body, (const guint8 *) upload_data, *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }

  if (g_uri_get_query (r->uri) != NULL)
    query = soup_form_decode (g_uri_get_query (r->uri));
  pvd_message_init (&r->msg, &mhd_funcs, r, method, g_uri_get_path (r->uri), g_uri_get_query (r->uri));
  r->handled = TRUE;
  pvd_server_handle (worker, &r->msg, query);
  if (pvd_message_is_deferred (&r->msg) && !client_half_closed (connection))
    {
      /* The connection waits, this thread serves the others; resumed,
       * libmicrohttpd calls again (above).  Resumed already, it is resumed
       * again at once. */
      MHD_suspend_connection (connection);
      if (!g_atomic_int_compare_and_exchange (&r->answer, ANSWER_WAITING, ANSWER_SUSPENDED))
        MHD_resume_connection (connection);
      return MHD_YES;
    }
  if (pvd_message_is_deferred (&r->msg))
    {
      wait_for_answer (r);
      pvd_message_finish (&r->msg);
    }
  return send_answer (connection, &r->msg);
}

/**
 * pvd_mhd_start:
 *
 * Serves the worker's socket with libmicrohttpd, in a thread of its own,
 * until pvd_mhd_stop().
 */
gboolean
pvd_mhd_start (PvdWorker  *worker,
               GError    **error)
{
  PvdServerOptions *options = &worker->server->options;
  /* poll(), not epoll: libmicrohttpd 0.9.75's edge-triggered epoll misses
   * a client's half-close that arrives while a handler runs (a write
   * waiting for its commit), and kept the connection open until the
   * request timeout; with poll() it closes once the answer is written.
   * Both serve alike at the benchmark's 16 connections per worker. */
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME;
  g_autofree PvdMhd *mhd = g_new0 (PvdMhd, 1);
  /* libmicrohttpd closes the socket it is given; the worker's stays its own. */
  int fd = dup (g_socket_get_fd (worker->socket));
  struct MHD_OptionItem tls[] = {
    { MHD_OPTION_HTTPS_MEM_CERT, 0, NULL },
    { MHD_OPTION_HTTPS_MEM_KEY, 0, NULL },
    { MHD_OPTION_HTTPS_PRIORITIES, 0, NULL },
    { MHD_OPTION_END, 0, NULL },
  };

  mhd->timeout = (gint64) options->request_timeout * G_USEC_PER_SEC;
  g_mutex_init (&mhd->lock);
  mhd->deadlines = g_hash_table_new_full (NULL, NULL, g_free, NULL);
  if (options->tls_certificate != NULL)
    {
      GString *chain = g_string_new (NULL);

      /* GnuTLS, through libmicrohttpd, from PEM: the certificate and the
       * intermediate ones after it. */
      for (GTlsCertificate *c = options->tls_certificate; c != NULL; c = g_tls_certificate_get_issuer (c))
        {
          g_autofree char *pem = NULL;

          g_object_get (c, "certificate-pem", &pem, NULL);
          g_string_append (chain, pem);
        }
      mhd->certificate_pem = g_string_free (chain, FALSE);
      g_object_get (options->tls_certificate, "private-key-pem", &mhd->key_pem, NULL);
      flags |= MHD_USE_TLS;
      tls[0].ptr_value = mhd->certificate_pem;
      tls[1].ptr_value = mhd->key_pem;
      /* The versions and ciphers glib-networking is given (main.c). */
      tls[2].ptr_value = (void *) g_getenv ("G_TLS_GNUTLS_PRIORITY");
      if (tls[2].ptr_value == NULL)
        tls[2].option = MHD_OPTION_END;
    }

  /* Headers are read into the connection's memory, with some 56 bytes per
   * field besides their text; past it libmicrohttpd answers 431 itself (a
   * short HTML page) and closes the connection.  80 KiB hold 64 KiB of
   * headers in up to 200 fields (or some 600 short fields), so that
   * provisiod answers those past its own limits (pvd-limits.c) with its own
   * 431 in JSON.  libmicrohttpd clears all of this memory after every
   * request: at 64 KiB provisiod served some 5% more requests per second,
   * at 128 KiB 15% to 20% fewer (docs/benchmarks.md). */
  mhd->daemon = MHD_start_daemon (flags, 0, NULL, NULL, access_cb, worker,
                                  MHD_OPTION_LISTEN_SOCKET, fd,
                                  MHD_OPTION_URI_LOG_CALLBACK, uri_cb, mhd,
                                  MHD_OPTION_NOTIFY_COMPLETED, completed_cb, mhd,
                                  MHD_OPTION_NOTIFY_CONNECTION, connection_cb, mhd,
                                  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 80 * 1024,
                                  MHD_OPTION_ARRAY, flags & MHD_USE_TLS ? tls : tls + 3,
                                  MHD_OPTION_END);
  if (mhd->daemon == NULL)
    {
      close (fd);
      worker->mhd = g_steal_pointer (&mhd);
      pvd_mhd_stop (worker);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libmicrohttpd could not start");
      return FALSE;
    }
  if (mhd->timeout != 0)
    {
      mhd->sweep = g_timeout_source_new_seconds (1);
      g_source_set_callback (mhd->sweep, sweep_cb, mhd, NULL);
      g_source_attach (mhd->sweep, worker->context);
    }
  worker->mhd = g_steal_pointer (&mhd);
  return TRUE;
}

void
pvd_mhd_stop (PvdWorker *worker)
{
  PvdMhd *mhd = g_steal_pointer (&worker->mhd);

  if (mhd == NULL)
    return;
  if (mhd->sweep != NULL)
    g_source_destroy (mhd->sweep);
  g_clear_pointer (&mhd->sweep, g_source_unref);
  if (mhd->daemon != NULL)
    MHD_stop_daemon (mhd->daemon);
  g_hash_table_unref (mhd->deadlines);
  g_mutex_clear (&mhd->lock);
  g_free (mhd->certificate_pem);
  if (mhd->key_pem != NULL)
    explicit_bzero (mhd->key_pem, strlen (mhd->key_pem));
  g_free (mhd->key_pem);
  g_free (mhd);
}
