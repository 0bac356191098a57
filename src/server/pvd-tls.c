/* pvd-tls.c: provisiod's certificate and key, and when plain HTTP is allowed
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-tls"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pvd-tls.h"

/* Every error names the file it is about and never shows what is in it:
 * the key file is a secret. */

/* The whole of @path; @mode_out the file's permissions. */
static char *
read_file (const char  *path,
           gboolean     is_key,
           gsize       *length,
           mode_t      *mode_out,
           GError     **error)
{
  g_autofree char *data = NULL;
  struct stat st;
  GString *buffer;
  char chunk[4096];
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  int saved = 0;

  if (fd < 0)
    saved = errno;
  else if (fstat (fd, &st) != 0)
    saved = errno;
  else if (S_ISDIR (st.st_mode))
    saved = EISDIR;
  else if (!S_ISREG (st.st_mode) || st.st_size > 1024 * 1024)
    saved = EFBIG;
  if (saved != 0)
    {
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   is_key ? _("Cannot read the TLS key %s: %s")
                          : _("Cannot read the TLS certificate %s: %s"),
                   path, saved == EFBIG ? _("not a PEM file") : g_strerror (saved));
      return NULL;
    }

  buffer = g_string_sized_new ((gsize) st.st_size + 1);
  for (;;)
    {
      gssize n = read (fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        saved = errno;
      if (n <= 0)
        break;
      g_string_append_len (buffer, chunk, n);
    }
  explicit_bzero (chunk, sizeof chunk);
  close (fd);
  if (saved != 0)
    {
      explicit_bzero (buffer->str, buffer->len);
      g_string_free (buffer, TRUE);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   is_key ? _("Cannot read the TLS key %s: %s")
                          : _("Cannot read the TLS certificate %s: %s"),
                   path, g_strerror (saved));
      return NULL;
    }
  *length = buffer->len;
  *mode_out = st.st_mode;
  data = g_string_free (buffer, FALSE);
  return g_steal_pointer (&data);
}

static void
free_secret (char  *data,
             gsize  length)
{
  if (data == NULL)
    return;
  explicit_bzero (data, length);
  g_free (data);
}

static void
got_result_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
accept_any_cb (GTlsConnection       *connection,
               GTlsCertificate      *peer,
               GTlsCertificateFlags  errors,
               gpointer              user_data)
{
  /* Only whether the key signs for the certificate matters here. */
  return TRUE;
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* GLib does not check that a key belongs to its certificate; a handshake
 * with ourselves over a socket pair does: the client checks the server's
 * signature against the certificate's public key. */
static gboolean
handshake_with_self (GTlsCertificate  *certificate,
                     GError          **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GSocket) server_socket = NULL;
  g_autoptr(GSocket) client_socket = NULL;
  g_autoptr(GSocketConnection) server_stream = NULL;
  g_autoptr(GSocketConnection) client_stream = NULL;
  g_autoptr(GIOStream) server = NULL;
  g_autoptr(GIOStream) client = NULL;
  g_autoptr(GAsyncResult) server_done = NULL;
  g_autoptr(GAsyncResult) client_done = NULL;
  gboolean ok;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socketpair: %s", g_strerror (saved));
      return FALSE;
    }
  server_socket = g_socket_new_from_fd (fds[0], error);
  if (server_socket == NULL)
    {
      close (fds[0]);
      close (fds[1]);
      return FALSE;
    }
  client_socket = g_socket_new_from_fd (fds[1], error);
  if (client_socket == NULL)
    {
      close (fds[1]);
      return FALSE;
    }
  server_stream = g_socket_connection_factory_create_connection (server_socket);
  client_stream = g_socket_connection_factory_create_connection (client_socket);
  server = g_tls_server_connection_new (G_IO_STREAM (server_stream), certificate, error);
  if (server == NULL)
    return FALSE;
  client = g_tls_client_connection_new (G_IO_STREAM (client_stream), NULL, error);
  if (client == NULL)
    return FALSE;
  g_signal_connect (client, "accept-certificate", G_CALLBACK (accept_any_cb), NULL);

  g_main_context_push_thread_default (context);
  timeout = g_timeout_source_new_seconds (10);
  g_source_set_callback (timeout, cancel_cb, cancellable, NULL);
  g_source_attach (timeout, context);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (server), G_PRIORITY_DEFAULT, cancellable,
                                    got_result_cb, &server_done);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (client), G_PRIORITY_DEFAULT, cancellable,
                                    got_result_cb, &client_done);
  while (client_done == NULL)
    g_main_context_iteration (context, TRUE);
  ok = g_tls_connection_handshake_finish (G_TLS_CONNECTION (client), client_done, error);
  /* A client that gave up leaves the server waiting: hang up on it. */
  if (!ok)
    g_socket_shutdown (client_socket, TRUE, TRUE, NULL);
  while (server_done == NULL)
    g_main_context_iteration (context, TRUE);
  g_tls_connection_handshake_finish (G_TLS_CONNECTION (server), server_done, NULL);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  g_socket_close (client_socket, NULL);
  g_socket_close (server_socket, NULL);
  return ok;
}

/**
 * pvd_tls_load_certificate:
 * @certificate_file: PEM: the server's certificate, then any intermediate
 *   certificates
 * @key_file: PEM: its unencrypted private key
 *
 * Loads the certificate and key provisiod serves HTTPS with, and checks
 * with a handshake that the key belongs to the certificate.
 *
 * Returns: (transfer full): the certificate, with its key
 */
GTlsCertificate *
pvd_tls_load_certificate (const char  *certificate_file,
                          const char  *key_file,
                          GError     **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  char *key = NULL;
  gsize pem_length, key_length = 0;
  mode_t mode;
  gboolean encrypted, has_key;

  pem = read_file (certificate_file, FALSE, &pem_length, &mode, error);
  if (pem == NULL)
    return NULL;
  if (strstr (pem, "-----BEGIN CERTIFICATE-----") == NULL)
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                   _("The TLS certificate %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)"),
                   certificate_file);
      return NULL;
    }

  key = read_file (key_file, TRUE, &key_length, &mode, error);
  if (key == NULL)
    return NULL;
  encrypted = strstr (key, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL ||
              strstr (key, "Proc-Type: 4,ENCRYPTED") != NULL;
  has_key = strstr (key, "PRIVATE KEY-----") != NULL;
  free_secret (key, key_length);
  if (encrypted)
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                   _("The TLS key %s is encrypted with a passphrase; provisiod needs it "
                     "unencrypted, in a file only its user can read"), key_file);
      return NULL;
    }
  if (!has_key)
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                   _("The TLS key %s holds no PEM private key (-----BEGIN PRIVATE KEY-----)"), key_file);
      return NULL;
    }
  if ((mode & (S_IRWXG | S_IRWXO)) != 0)
    g_warning (_("The TLS key %s can be read by other users; make it readable by provisiod’s user only "
                 "(chmod 600)"), key_file);

  certificate = g_tls_certificate_new_from_files (certificate_file, key_file, &local_error);
  if (certificate == NULL)
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                   _("The TLS certificate %s and key %s cannot be used: %s"),
                   certificate_file, key_file, local_error->message);
      return NULL;
    }

  if (!handshake_with_self (certificate, &local_error))
    {
      g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                   _("The TLS key %s does not belong to the certificate %s (a test handshake failed: %s)"),
                   key_file, certificate_file, local_error->message);
      return NULL;
    }

  not_after = g_tls_certificate_get_not_valid_after (certificate);
  if (not_after != NULL && g_date_time_to_unix (not_after) < g_get_real_time () / G_USEC_PER_SEC)
    {
      g_autofree char *when = g_date_time_format_iso8601 (not_after);

      g_warning (_("The TLS certificate %s expired at %s: clients will refuse it"), certificate_file, when);
    }
  return g_steal_pointer (&certificate);
}

/**
 * pvd_tls_check_plain_http:
 * @address: the address provisiod is to listen on without TLS
 * @allow_insecure_http: whether plain HTTP was allowed explicitly
 *
 * Plain HTTP carries admin API keys and SCIM tokens readably: it is for
 * loopback addresses (and a TLS-terminating proxy on the same machine), or
 * allowed explicitly.
 *
 * Returns: whether provisiod may serve plain HTTP on @address
 */
gboolean
pvd_tls_check_plain_http (GInetAddress  *address,
                          gboolean       allow_insecure_http,
                          GError       **error)
{
  g_autofree char *where = NULL;

  if (allow_insecure_http || g_inet_address_get_is_loopback (address))
    return TRUE;
  where = g_inet_address_to_string (address);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
               _("Refusing plain HTTP on %s, which is not a loopback address: admin API keys and SCIM "
                 "tokens would cross the network unencrypted. Give a TLS certificate and key "
                 "(--tls-certificate, --tls-key), listen on 127.0.0.1, or, behind a TLS-terminating "
                 "proxy, allow it with --allow-insecure-http"), where);
  return FALSE;
}
