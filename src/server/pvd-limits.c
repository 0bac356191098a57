/* pvd-limits.c: the limits of a request's headers and body, and its deadline
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-limits"

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "pvd-http.h"
#include "pvd-limits.h"

/**
 * pvd_send_limit_error:
 * @status: 431 (headers too large) or 413 (body too large)
 *
 * Answers a request past a limit, in the format of the part asked: a SCIM
 * error body under /t/, the API's otherwise; the connection closes after
 * the answer.
 */
void
pvd_send_limit_error (PvdMessage *msg,
                      guint       status)
{
  g_autofree char *message = NULL;
  const char *code;

  if (status == 431)
    {
      code = "headers_too_large";
      message = g_strdup_printf ("The request headers are too large: at most %d fields and %d KiB",
                                 PVD_MAX_HEADER_FIELDS, PVD_MAX_HEADER_SIZE / 1024);
    }
  else
    {
      g_return_if_fail (status == 413);
      code = "payload_too_large";
      message = g_strdup_printf ("The body is larger than %d KiB", PVD_MAX_BODY_SIZE / 1024);
    }
  pvd_message_set_header (msg, "Connection", "close");
  if (g_str_has_prefix (msg->path, "/t/"))
    pvd_send_scim_error (msg, status, NULL, "%s", message);
  else
    pvd_send_error (msg, status, code, "%s", message);
}

/**
 * pvd_header_size_add:
 *
 * Counts one request header field towards %PVD_MAX_HEADER_FIELDS and
 * %PVD_MAX_HEADER_SIZE.
 */
void
pvd_header_size_add (PvdHeaderSize *size,
                     const char    *name,
                     const char    *value)
{
  size->n_fields++;
  size->size += strlen (name) + (value ? strlen (value) : 0) + 4;   /* ": " and CRLF */
}

gboolean
pvd_header_size_too_large (const PvdHeaderSize *size)
{
  return size->n_fields > PVD_MAX_HEADER_FIELDS || size->size > PVD_MAX_HEADER_SIZE;
}

/* libsoup 3.2 still reads the body before it answers (unless the client
 * sent "Expect: 100-continue"): it is dropped as it comes. */
static void
send_limit_error (SoupServerMessage *msg,
                  const char        *path,
                  guint              status)
{
  PvdMessage answer;

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  pvd_soup_message_init (&answer, msg, path);
  pvd_send_limit_error (&answer, status);
  pvd_soup_message_send (&answer);
  pvd_message_clear (&answer);
  /* libsoup 3.2 has no phrase for 431 (RFC 6585). */
  if (status == 431)
    soup_server_message_set_status (msg, status, "Request Header Fields Too Large");
}

static void
add_header_size (const char *name,
                 const char *value,
                 gpointer    user_data)
{
  pvd_header_size_add (user_data, name, value);
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

/* Some clients write a request's headers and its body with two send()
 * calls and leave Nagle's algorithm on: the body waits until the headers
 * are acknowledged.  Once a connection has carried a request, Linux
 * delays that acknowledgement by 40 ms in the hope of sending it with the
 * answer, which needs the body: every later request with a body took
 * some 44 ms however fast the server, and a load through one keep-alive
 * connection crawled at a 200th of its speed, as if provisiod hung.
 * Headers that announce a body are acknowledged at once; the option lasts
 * until the kernel next delays an acknowledgement, so it is set for each
 * request. */
static void
ack_headers_now (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_QUICKACK, 1, NULL);
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
  PvdHeaderSize size = { 0, 0 };

  soup_message_headers_foreach (headers, add_header_size, &size);
  if (pvd_header_size_too_large (&size))
    {
      send_limit_error (msg, path, 431);
      return;
    }

  /* Refuse an announced oversized body without keeping it. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > PVD_MAX_BODY_SIZE)
    {
      send_limit_error (msg, path, 413);
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED)
    g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), NULL);
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_NONE &&
      (length > 0 || soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH))
    ack_headers_now (msg);
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
 * pvd_limits_start:
 *
 * Checks the headers and announced body of each request of the worker's
 * server before it is read, and closes connections past their deadline.
 */
void
pvd_limits_start (PvdWorker *worker)
{
  deadlines_start (worker);
  soup_server_add_early_handler (worker->soup, NULL, early_cb, worker, NULL);
}

void
pvd_limits_stop (PvdWorker *worker)
{
  deadlines_stop (worker);
}
