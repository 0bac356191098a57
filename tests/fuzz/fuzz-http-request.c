/* fuzz-http-request.c: raw HTTP requests, as provisiod's front end reads them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is what a client sends on one connection: one request or
 * several, kept alive or not, with or without a body.  It goes to a real
 * provisiod (PvdServer: libmicrohttpd's front end, pvd-mhd.c, with the real
 * handlers, authentication and store) on a loopback port, over a temporary
 * SQLite database holding one tenant "acme" with an admin key and a SCIM
 * token of its Users connection.  "@KEY@" and "@TOKEN@" in the input
 * become their secrets, so that the fuzzer reaches what lies behind
 * authentication too.  The connection is shut down for writing once the
 * input is sent and read to its end: provisiod must answer what it read,
 * or close, and never crash, hang, or log a warning.
 */

#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "pvd-server.h"
#include "pvd-store.h"

/* Kept for the whole run */
static PvdServer *server;
static char *admin_key;
static char *scim_token;
static struct sockaddr_in address;
static char *directory;

/* The temporary database goes with the process */
static void
remove_directory (void)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      g_unlink (path);
    }
  g_rmdir (directory);
}

static void
start_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("provisio-fuzz-http-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autoptr(PvdStore) store = NULL;
  g_autoptr(PvdTenant) tenant = NULL;
  g_autoptr(PvdApiKey) key = NULL;
  g_autoptr(PvdToken) token = NULL;
  g_autoptr(GUri) url = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  PvdServerOptions options = {
    .listen = (char *) "127.0.0.1:0",
    .threads = 1,
    .retire_grace = -1,
    /* Every input comes from 127.0.0.1: no 429 for the fuzzer's guesses */
    .auth_failure_limit = G_MAXINT / 2,
    .request_timeout = 5,
  };

  g_assert_no_error (error);
  directory = g_strdup (dir);
  atexit (remove_directory);
  db = g_build_filename (dir, "fuzz.db", NULL);
  store = pvd_store_open (db, &error);
  g_assert_no_error (error);
  tenant = pvd_store_create_tenant (store, "acme", "Acme", now, &error);
  g_assert_no_error (error);
  admin_key = pvd_store_issue_api_key (store, tenant->id, "fuzz", 365, now, &key, &error);
  g_assert_no_error (error);
  scim_token = pvd_store_issue_token (store, tenant->id, "users", "fuzz", 365, PVD_RETIRE_NEVER,
                                      "fuzz", now, &token, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  server = pvd_server_new (db, &options);
  if (!pvd_server_listen (server, &error))
    g_error ("provisiod did not start: %s", error->message);
  url = g_uri_parse (pvd_server_get_url (server), G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  address.sin_family = AF_INET;
  address.sin_port = htons (g_uri_get_port (url));
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
}

/* Waits for @events on @fd; a front end that keeps a shut-down client
 * waiting past its request timeout has hung. */
static void
wait_for (int   fd,
          short events)
{
  struct pollfd p = { fd, events, 0 };

  if (poll (&p, 1, 30 * 1000) == 0)
    g_error ("provisiod neither answered nor closed the connection within 30 s");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GString) request = NULL;
  struct linger no_linger = { 1, 0 };
  char answer[16384];
  gsize sent = 0;
  int fd;

  fuzz_setup ();
  if (server == NULL)
    start_server ();
  /* Past the limits of pvd-limits.c and libmicrohttpd's memory, more of the
   * same finds nothing new. */
  if (size > 256 * 1024)
    return 0;

  request = g_string_new_len ((const char *) data, size);
  g_string_replace (request, "@KEY@", admin_key, 0);
  g_string_replace (request, "@TOKEN@", scim_token, 0);

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert (fd >= 0);
  /* Closed with a reset: no TIME_WAIT, so a long run keeps its ports. */
  setsockopt (fd, SOL_SOCKET, SO_LINGER, &no_linger, sizeof no_linger);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    g_error ("Could not connect to provisiod: %s", g_strerror (errno));

  /* provisiod may answer and close before it has read everything (a 431, a
   * 413 with Expect): then the rest is not sent. */
  while (sent < request->len)
    {
      gssize n;

      wait_for (fd, POLLOUT);
      n = send (fd, request->str + sent, request->len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n <= 0)
        break;
      sent += n;
    }
  shutdown (fd, SHUT_WR);

  /* Read to the end: the answers, then provisiod's close. */
  for (;;)
    {
      gssize n;

      wait_for (fd, POLLIN);
      n = recv (fd, answer, sizeof answer, MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n <= 0)
        break;
    }
  close (fd);
  return 0;
}
