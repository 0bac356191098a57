/* test-client.c: libprovisio's management API client against a real
 * provisiod, and against servers that answer wrongly
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "pv-cache.h"
#include "pv-client.h"
#include "pv-connection-info.h"
#include "pv-event-info.h"
#include "pv-event-watch.h"
#include "pv-reminder-info.h"
#include "pv-sso-info.h"
#include "pv-tenant-info.h"
#include "pv-tenant-list.h"
#include "pv-time.h"
#include "pv-tls.h"
#include "pv-token-info.h"
#include "pv-tokens.h"
#include "pv-tracked-app.h"
#include "pv-tracked-check.h"

typedef struct {
  char        *dir;
  char        *db;
  GSubprocess *provisiod;
  char        *url;
  char        *key;
} Fixture;

static const char *
provisiod_path (void)
{
  const char *path = g_getenv ("PROVISIOD");

  g_assert_nonnull (path);
  return path;
}

/* Runs `provisiod --db DB ARGS…` and returns its last line of output. */
static char *
admin (Fixture     *f,
       const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  g_ptr_array_add (argv, (char *) provisiod_path ());
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, f->db);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  return g_strdup (lines[g_strv_length (lines) - 1]);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *create[] = { "tenant", "create", "acme", "--name", "Acme", "--owner", "ann@acme.example", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  f->dir = g_dir_make_tmp ("pv-client-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "t.db", NULL);
  f->key = admin (f, create);
  g_assert_true (g_str_has_prefix (f->key, "pva_"));

  f->provisiod = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, provisiod_path (),
                                   "--db", f->db, "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->provisiod));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "provisiod: listening on "));
  f->url = g_strdup (line + strlen ("provisiod: listening on "));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_subprocess_force_exit (f->provisiod);
  g_subprocess_wait (f->provisiod, NULL, NULL);
  g_clear_object (&f->provisiod);
  for (const char *const *s = (const char *[]) { "", "-wal", "-shm", NULL }; *s; s++)
    {
      g_autofree char *file = g_strconcat (f->db, *s, NULL);
      g_unlink (file);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->url);
  g_free (f->key);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* One result, waited for in this test's own loop. */
static GAsyncResult *
wait_done (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* One request, waited for in this test's own loop. */
static JsonObject *
request (PvClient    *client,
         const char  *method,
         const char  *path,
         const char  *body,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = body ? json_from_string (body, NULL) : NULL;

  pv_client_request_async (client, method, path, node, NULL, done_cb, &result);
  return pv_client_request_finish (client, wait_done (&result), error);
}

static void
test_ok (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) tenant = request (client, "GET", "/api/v1/tenant", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (tenant, "id"), ==, "acme");
}

static void
assert_pv_error (GError     *error,
                 PvError     code,
                 const char *key,
                 const char *mentions)
{
  g_assert_error (error, PV_ERROR, (gint) code);
  g_assert_null (strstr (error->message, key));   /* never the secret */
  if (mentions != NULL && strstr (error->message, mentions) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, mentions);
}

static void
test_tenant_errors (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(PvClient) wrong = pv_client_new (f->url, "pva_not-a-key");
  const char *issue[] = { "key", "issue", "acme", NULL };
  g_autofree char *second_key = admin (f, issue);
  g_autoptr(PvClient) second = pv_client_new (f->url, second_key);
  g_autoptr(GError) error = NULL;
  JsonObject *o;

  o = request (wrong, "GET", "/api/v1/tenant", NULL, &error);
  g_assert_null (o);
  assert_pv_error (error, PV_ERROR_UNAUTHORIZED, "pva_not-a-key", NULL);
  g_clear_error (&error);

  for (int i = 0; i < 2; i++)
    json_object_unref (request (client, "POST", "/api/v1/provisioning/users/tokens", NULL, &error));
  g_assert_no_error (error);
  g_assert_null (request (client, "POST", "/api/v1/provisioning/users/tokens", NULL, &error));
  assert_pv_error (error, PV_ERROR_CONFLICT, f->key, "never been used");
  g_clear_error (&error);

  g_assert_null (request (client, "DELETE", "/api/v1/provisioning/users/tokens/tok_000000000000", NULL, &error));
  assert_pv_error (error, PV_ERROR_NOT_FOUND, f->key, NULL);
  g_clear_error (&error);

  g_assert_null (request (client, "PATCH", "/api/v1/provisioning/users", "{\"token_lifetime_days\": 1}", &error));
  assert_pv_error (error, PV_ERROR_INVALID_REQUEST, f->key, "token_lifetime_days");
  g_clear_error (&error);

  /* The key revoked on the server: refused at once. */
  {
    g_autoptr(JsonObject) me = request (client, "GET", "/api/v1/tenant", NULL, &error);
    const char *id = json_object_get_string_member (json_object_get_object_member (me, "api_key"), "id");
    const char *revoke[] = { "key", "revoke", "acme", id, NULL };
    g_autofree char *out = admin (f, revoke);

    g_assert_null (request (client, "GET", "/api/v1/tenant", NULL, &error));
    assert_pv_error (error, PV_ERROR_UNAUTHORIZED, f->key, "revoked");
    g_clear_error (&error);
    o = request (second, "GET", "/api/v1/tenant", NULL, &error);
    g_assert_no_error (error);
    json_object_unref (o);
  }
}

static void
test_nothing_listening (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PvClient) client = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_force_exit (f->provisiod);
  g_subprocess_wait (f->provisiod, NULL, NULL);
  client = pv_client_new (f->url, f->key);
  g_assert_null (request (client, "GET", "/api/v1/tenant", NULL, &error));
  assert_pv_error (error, PV_ERROR_NETWORK, f->key, "127.0.0.1");
}

/* Servers that are not Provisio tenants */

static void
odd_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  if (g_str_equal (path, "/html"))
    soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html>Welcome</html>", 20);
  else if (g_str_equal (path, "/truncated"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"id\": \"ac", 10);
  else if (g_str_equal (path, "/array"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "[1, 2]", 6);
  else if (g_str_equal (path, "/lenient"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{'id': 1}", 9);
  else
    {
      soup_server_message_set_status (msg, 502, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<h1>Bad gateway</h1>", 20);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
}

static char *
start_server (SoupServer *server,
              gboolean    https)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  char *url;

  soup_server_add_handler (server, NULL, odd_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | (https ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  return url;
}

static void
test_not_a_tenant (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autofree char *url = start_server (server, FALSE);
  g_autoptr(PvClient) client = pv_client_new (url, "pva_secret");
  struct { const char *path; PvError code; } cases[] = {
    { "/html", PV_ERROR_INVALID_RESPONSE },
    { "/truncated", PV_ERROR_INVALID_RESPONSE },
    { "/array", PV_ERROR_INVALID_RESPONSE },
    { "/lenient", PV_ERROR_INVALID_RESPONSE },
    { "/gateway", PV_ERROR_SERVER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (request (client, "GET", cases[i].path, NULL, &error));
      assert_pv_error (error, cases[i].code, "pva_secret", NULL);
    }
}

static void
test_tls (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pv-tls-XXXXXX", &error);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                         "-keyout", key, "-out", cert, NULL };
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GTlsDatabase) pinned = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autofree char *url = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  url = start_server (server, TRUE);
  g_assert_true (g_str_has_prefix (url, "https://"));

  /* A self-signed certificate is not trusted by the system... */
  client = pv_client_new (url, "pva_secret");
  g_assert_null (request (client, "GET", "/html", NULL, &error));
  assert_pv_error (error, PV_ERROR_TLS, "pva_secret", NULL);
  g_clear_error (&error);

  /* ...but is once pinned. */
  pinned = g_tls_file_database_new (cert, &error);
  g_assert_no_error (error);
  pv_client_set_tls_database (client, pinned);
  g_assert_null (request (client, "GET", "/html", NULL, &error));
  assert_pv_error (error, PV_ERROR_INVALID_RESPONSE, "pva_secret", NULL);

  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
}

static void
run_openssl (const char *dir,
             const char *command)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  int status;

  g_shell_parse_argv (command, NULL, &argv, &error);
  g_assert_no_error (error);
  g_spawn_sync (dir, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("failed: %s", command);
}

/* An HTTPS server on loopback with @name.pem and @name.key from @dir. */
static char *
start_https_server (SoupServer **server,
                    const char  *dir,
                    const char  *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = g_strdup_printf ("%s/%s.pem", dir, name);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", dir, name);
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert, key, &error);

  g_assert_no_error (error);
  *server = soup_server_new ("tls-certificate", certificate, NULL);
  return start_server (*server, TRUE);
}

/* Trust as the system's store decides it, standing in for it a database
 * of one CA (the system's store is such a GTlsDatabase, glib-networking's
 * default); the pin, which replaces it; and plain HTTP, by address. */
static void
test_tls_trust (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pv-tls-XXXXXX", &error);
  g_autofree char *ca_file = g_build_filename (dir, "ca.pem", NULL);
  g_autofree char *other_file = g_build_filename (dir, "other.pem", NULL);
  g_autofree char *server_file = g_build_filename (dir, "server.pem", NULL);
  g_autofree char *server_pin = NULL;
  g_autofree char *other_pin = NULL;
  g_autoptr(GTlsDatabase) ca = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(SoupServer) misnamed = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(PvClient) system = NULL;
  g_autofree char *url = NULL;
  g_autofree char *misnamed_url = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *file;

  g_assert_no_error (error);
  run_openssl (dir, "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=CA "
                    "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign "
                    "-keyout ca.key -out ca.pem");
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "server" : "misnamed";
      g_autofree char *ext = g_strdup_printf ("%s/%s.ext", dir, name);
      g_autofree char *req = g_strdup_printf ("openssl req -newkey rsa:2048 -nodes -subj /CN=%s "
                                              "-keyout %s.key -out %s.csr", name, name, name);
      g_autofree char *sign = g_strdup_printf ("openssl x509 -req -in %s.csr -CA ca.pem -CAkey ca.key "
                                               "-CAcreateserial -days 2 -extfile %s.ext -out %s.pem",
                                               name, name, name);

      g_file_set_contents (ext, i == 0 ? "subjectAltName=IP:127.0.0.1\n"
                                       : "subjectAltName=DNS:tenant.example.com\n", -1, &error);
      g_assert_no_error (error);
      run_openssl (dir, req);
      run_openssl (dir, sign);
    }
  run_openssl (dir, "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                    "-addext subjectAltName=IP:127.0.0.1 -keyout other.key -out other.pem");

  ca = g_tls_file_database_new (ca_file, &error);
  g_assert_no_error (error);
  server_pin = pv_tls_fingerprint_of_file (server_file, &error);
  g_assert_no_error (error);
  other_pin = pv_tls_fingerprint_of_file (other_file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (server_pin), ==, 95);
  g_assert_cmpstr (server_pin, !=, other_pin);

  url = start_https_server (&server, dir, "server");
  misnamed_url = start_https_server (&misnamed, dir, "misnamed");

  /* Trusted by the store: the request goes through (and finds no tenant). */
  client = pv_client_new (url, "pva_secret");
  pv_client_set_tls_database (client, ca);
  g_assert_null (request (client, "GET", "/html", NULL, &error));
  assert_pv_error (error, PV_ERROR_INVALID_RESPONSE, "pva_secret", NULL);
  g_clear_error (&error);

  /* The system's own store does not know this CA. */
  system = pv_client_new (url, "pva_secret");
  g_assert_null (request (system, "GET", "/html", NULL, &error));
  assert_pv_error (error, PV_ERROR_TLS, "pva_secret",
                   "The tenant’s certificate is not trusted (it is self-signed or signed by an authority");
  g_clear_error (&error);

  /* Another pin: refused, though the store would trust the certificate. */
  pv_client_set_pinned_certificate (client, other_pin);
  g_assert_null (request (client, "GET", "/html", NULL, &error));
  assert_pv_error (error, PV_ERROR_TLS, "pva_secret", "does not match the pinned certificate");
  g_assert_nonnull (strstr (error->message, server_pin));
  g_clear_error (&error);

  /* Its own pin, in any spelling: accepted without the CA. */
  {
    g_autofree char *lower = g_ascii_strdown (server_pin, -1);
    g_auto(GStrv) pairs = g_strsplit (lower, ":", -1);
    g_autofree char *bare = g_strjoinv ("", pairs);

    pv_client_set_pinned_certificate (client, bare);
  }
  g_assert_null (request (client, "GET", "/html", NULL, &error));
  assert_pv_error (error, PV_ERROR_INVALID_RESPONSE, "pva_secret", NULL);
  g_clear_error (&error);

  /* Signed by the trusted CA, but for another name. */
  g_clear_object (&client);
  client = pv_client_new (misnamed_url, "pva_secret");
  pv_client_set_tls_database (client, ca);
  g_assert_null (request (client, "GET", "/html", NULL, &error));
  assert_pv_error (error, PV_ERROR_TLS, "pva_secret", "it was issued for another name than 127.0.0.1");
  g_clear_error (&error);

  g_assert_null (pv_tls_fingerprint_normalize ("AB:CD"));
  g_assert_null (pv_tls_fingerprint_normalize (NULL));
  g_assert_null (pv_tls_fingerprint_of_file (ca_file + 1, &error));
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);

  listing = g_dir_open (dir, 0, NULL);
  while ((file = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *full = g_build_filename (dir, file, NULL);
      g_unlink (full);
    }
  g_rmdir (dir);
}

static void
test_plain_http (void)
{
  /* Nothing listens on port 1: a refusal before connecting is PV_ERROR_TLS,
   * an attempt PV_ERROR_NETWORK.  0.0.0.0 reaches this machine. */
  struct { const char *url; gboolean allow; PvError code; } cases[] = {
    { "http://0.0.0.0:1", FALSE, PV_ERROR_TLS },
    { "HTTP://0.0.0.0:1", FALSE, PV_ERROR_TLS },
    { "http://0.0.0.0:1", TRUE, PV_ERROR_NETWORK },
    { "https://0.0.0.0:1", FALSE, PV_ERROR_NETWORK },
    { "http://127.0.0.1:1", FALSE, PV_ERROR_NETWORK },
    { "http://127.3.4.5:1", FALSE, PV_ERROR_NETWORK },
    { "http://localhost:1", FALSE, PV_ERROR_NETWORK },
    { "http://[::1]:1", FALSE, PV_ERROR_NETWORK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PvClient) client = pv_client_new (cases[i].url, "pva_secret");
      g_autoptr(GError) error = NULL;

      pv_client_set_allow_insecure_http (client, cases[i].allow);
      g_assert_null (request (client, "GET", "/api/v1/tenant", NULL, &error));
      g_test_message ("%s: %s", cases[i].url, error->message);
      assert_pv_error (error, cases[i].code, "pva_secret",
                       cases[i].code == PV_ERROR_TLS ? "is plain HTTP to another computer" : NULL);
    }
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  GPtrArray *names = user_data;

  g_ptr_array_add (names, (gpointer) g_param_spec_get_name (pspec));
}

static gboolean
has_name (GPtrArray  *names,
          const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return TRUE;
  return FALSE;
}

/* The models a view binds to, updated from what a real provisiod answers. */
static void
test_models (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(PvConnectionInfo) connection = pv_connection_info_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autoptr(PvTokenInfo) token = NULL;
  g_autoptr(PvTokenInfo) same = NULL;
  g_autoptr(GPtrArray) notified = g_ptr_array_new ();
  g_autofree char *path = NULL;
  JsonObject *bad;

  first = request (client, "POST", "/api/v1/provisioning/users/tokens", "{\"description\": \"Entra\"}", &error);
  g_assert_no_error (error);
  answer = request (client, "GET", "/api/v1/provisioning/users", NULL, &error);
  g_assert_true (pv_connection_info_update_from_json (connection, answer, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pv_connection_info_get_kind (connection), ==, "users");
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_tokens (connection)), ==, 1);
  token = g_list_model_get_item (pv_connection_info_get_tokens (connection), 0);
  g_assert_cmpstr (pv_token_info_get_description (token), ==, "Entra");
  g_assert_cmpstr (pv_token_info_get_created_by (token), ==, "ann@acme.example");
  g_assert_cmpint (pv_token_info_get_state (token), ==, PV_EXPIRY_OK);
  g_assert_null (pv_token_info_get_replaced_by (token));
  g_assert_cmpint (pv_token_info_get_expires_at (token) - pv_token_info_get_created_at (token), ==, 365 * 86400);

  /* A renewal: the same object, told only what changed. */
  g_signal_connect (token, "notify", G_CALLBACK (count_notify_cb), notified);
  json_object_unref (request (client, "POST", "/api/v1/provisioning/users/tokens", NULL, &error));
  g_clear_pointer (&answer, json_object_unref);
  answer = request (client, "GET", "/api/v1/provisioning/users", NULL, &error);
  g_assert_true (pv_connection_info_update_from_json (connection, answer, &error));
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_tokens (connection)), ==, 2);
  same = g_list_model_get_item (pv_connection_info_get_tokens (connection), 1);
  g_assert_true (same == token);
  g_assert_nonnull (pv_token_info_get_replaced_by (token));
  g_assert_true (has_name (notified, "replaced-by"));
  g_assert_false (has_name (notified, "description"));
  g_assert_false (has_name (notified, "expires-at"));

  /* Revoked: it moves to the deleted tokens, with who did it. */
  path = g_strdup_printf ("/api/v1/provisioning/users/tokens/%s", pv_token_info_get_id (token));
  gone = request (client, "DELETE", path, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&answer, json_object_unref);
  answer = request (client, "GET", "/api/v1/provisioning/users", NULL, &error);
  g_assert_true (pv_connection_info_update_from_json (connection, answer, &error));
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_tokens (connection)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_deleted_tokens (connection)), ==, 1);
  g_clear_object (&same);
  same = g_list_model_get_item (pv_connection_info_get_deleted_tokens (connection), 0);
  g_assert_true (pv_token_info_get_deleted (same));
  g_assert_cmpstr (pv_token_info_get_deleted_by (same), ==, "ann@acme.example");

  /* What is not a connection changes nothing. */
  bad = json_object_new ();
  json_object_set_string_member (bad, "kind", "users");
  g_assert_false (pv_connection_info_update_from_json (connection, bad, &error));
  g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE);
  json_object_unref (bad);
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_tokens (connection)), ==, 1);
}

/* pv_event_list_async(): one listing, newest first, the tenant's JSON kept */
static GPtrArray *
list_events (PvClient    *client,
             const char  *kind,
             guint        limit,
             JsonNode   **json,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pv_event_list_async (client, kind, limit, NULL, done_cb, &result);
  return pv_event_list_finish (wait_done (&result), json, error);
}

static void
test_event_list (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  guint issued = 0;

  first = request (client, "POST", "/api/v1/provisioning/persons/tokens", NULL, &error);
  g_assert_no_error (error);
  second = request (client, "POST", "/api/v1/provisioning/persons/tokens", NULL, &error);
  g_assert_no_error (error);

  all = list_events (client, "persons", 50, &json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (all);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json)), ==, all->len);
  for (guint i = 0; i < all->len; i++)
    {
      PvEventInfo *event = g_ptr_array_index (all, i);

      if (i > 0)
        g_assert_cmpint (pv_event_info_get_id (event), <, pv_event_info_get_id (g_ptr_array_index (all, i - 1)));
      issued += g_str_equal (pv_event_info_get_event_type (event), "token.issued");
    }
  g_assert_cmpuint (issued, ==, 2);

  /* At most @limit: the newest, the second token's issue */
  one = list_events (client, "persons", 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpint (pv_event_info_get_id (g_ptr_array_index (one, 0)), ==,
                   pv_event_info_get_id (g_ptr_array_index (all, 0)));
  g_assert_cmpstr (pv_event_info_get_token_id (g_ptr_array_index (one, 0)), ==,
                   json_object_get_string_member (json_object_get_object_member (second, "token"), "id"));

  /* A connection the tenant does not have: its error, not an empty list */
  none = list_events (client, "groups", 50, NULL, &error);
  g_assert_null (none);
  g_assert_nonnull (error);
}

static void
test_more_models (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(PvSsoInfo) sso = pv_sso_info_new ();
  g_autoptr(GPtrArray) notified = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) empty = json_object_new ();
  JsonArray *list;
  gboolean issued = FALSE;

  answer = request (client, "GET", "/api/v1/sso", NULL, &error);
  g_assert_true (pv_sso_info_update_from_json (sso, answer, &error));
  g_assert_false (pv_sso_info_get_configured (sso));
  g_assert_cmpstr (pv_sso_info_get_protocol (sso), ==, "saml");
  g_assert_true (g_str_has_suffix (pv_sso_info_get_reply_url (sso), "/t/acme/saml/acs"));
  g_assert_null (pv_sso_info_get_certificate_fingerprint (sso));

  g_signal_connect (sso, "notify", G_CALLBACK (count_notify_cb), notified);
  g_clear_pointer (&answer, json_object_unref);
  answer = request (client, "PATCH", "/api/v1/sso", "{\"idp_entity_id\": \"https://sts.example/x/\"}", &error);
  g_assert_true (pv_sso_info_update_from_json (sso, answer, &error));
  g_assert_cmpstr (pv_sso_info_get_idp_entity_id (sso), ==, "https://sts.example/x/");
  g_assert_true (has_name (notified, "idp-entity-id"));
  g_assert_true (has_name (notified, "configured"));
  g_assert_false (has_name (notified, "reply-url"));
  g_assert_false (pv_sso_info_update_from_json (sso, empty, &error));
  g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_cmpstr (pv_sso_info_get_idp_entity_id (sso), ==, "https://sts.example/x/");

  json_object_unref (request (client, "POST", "/api/v1/provisioning/persons/tokens", NULL, &error));
  g_clear_pointer (&answer, json_object_unref);
  answer = request (client, "GET", "/api/v1/provisioning/persons/events", NULL, &error);
  list = json_object_get_array_member (answer, "events");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      g_autoptr(PvEventInfo) event = pv_event_info_new ();

      g_assert_true (pv_event_info_update_from_json (event, json_array_get_object_element (list, i), &error));
      g_assert_no_error (error);
      issued |= g_str_equal (pv_event_info_get_event_type (event), "token.issued");
      g_assert_cmpint (pv_event_info_get_status (event), ==, -1);
      g_assert_cmpint (pv_event_info_get_at (event), >, 0);
    }
  g_assert_true (issued);

  g_clear_pointer (&answer, json_object_unref);
  answer = request (client, "GET", "/api/v1/reminders", NULL, &error);
  list = json_object_get_array_member (answer, "items");
  /* The token, and the admin API key of the request */
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(PvReminderInfo) reminder = pv_reminder_info_new ();

      g_assert_true (pv_reminder_info_update_from_json (reminder, json_array_get_object_element (list, i), &error));
      if (g_str_equal (pv_reminder_info_get_subject (reminder), "key"))
        {
          g_assert_null (pv_reminder_info_get_connection (reminder));
          g_assert_cmpint (pv_reminder_info_get_days_left (reminder), ==, 365);
          continue;
        }
      g_assert_cmpstr (pv_reminder_info_get_subject (reminder), ==, "token");
      g_assert_cmpstr (pv_reminder_info_get_connection (reminder), ==, "persons");
      g_assert_cmpint (pv_reminder_info_get_state (reminder), ==, PV_EXPIRY_OK);
      g_assert_cmpint (pv_reminder_info_get_days_left (reminder), ==, 365);
      g_assert_cmpint (pv_reminder_info_get_crossed_threshold (reminder), ==, -1);
      g_assert_false (pv_reminder_info_get_due (reminder));
      g_assert_cmpint (pv_reminder_info_get_next_reminder_at (reminder), ==,
                       pv_reminder_info_get_expires_at (reminder) - 60 * 86400);
    }
}

static gboolean
refresh (PvTenantInfo  *tenant,
         PvClient      *client,
         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pv_tenant_info_refresh_async (tenant, client, NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return pv_tenant_info_refresh_finish (tenant, result, error);
}

typedef struct {
  guint  ended;
  guint  n_items;
  gint64 acme_fetched_at;
  guint  added;              /* items-changed emissions that added entries */
  gint64 acme_fetched_when_added;
} LoadingSeen;

/* What a view bound to the list sees when the entries arrive */
static void
items_changed_cb (GListModel  *list,
                  guint        position,
                  guint        removed,
                  guint        added,
                  LoadingSeen *seen)
{
  if (added == 0)
    return;
  seen->added++;
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(PvTenantInfo) item = g_list_model_get_item (list, i);

      if (g_str_equal (pv_tenant_info_get_id (item), "acme-test"))
        seen->acme_fetched_when_added = pv_tenant_info_get_fetched_at (item);
    }
}

/* What the list shows when it says it is no longer loading */
static void
loading_cb (PvTenantList *list,
            GParamSpec   *pspec,
            LoadingSeen  *seen)
{
  if (pv_tenant_list_get_loading (list))
    return;
  seen->ended++;
  seen->n_items = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (guint i = 0; i < seen->n_items; i++)
    {
      g_autoptr(PvTenantInfo) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (g_str_equal (pv_tenant_info_get_id (item), "acme-test"))
        seen->acme_fetched_at = pv_tenant_info_get_fetched_at (item);
    }
}

/* A tenant's last known state, as the list's load reads it in its worker */
static gboolean
show_cached (PvTenantInfo  *tenant,
             GError       **error)
{
  g_autoptr(JsonObject) state = NULL;
  gint64 fetched_at = 0;

  state = pv_cache_read (pv_tenant_info_get_id (tenant), &fetched_at, NULL, error);
  return state != NULL && pv_tenant_info_show_cached (tenant, state, fetched_at, error);
}

/* Everything of a tenant in one refresh, kept for offline use. */
static void
test_tenant_info (Fixture       *f,
                  gconstpointer  data)
{
  PvProfile profile = { (char *) "acme-test", f->url };
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(PvClient) wrong = pv_client_new (f->url, "pva_wrong");
  g_autoptr(PvTenantInfo) tenant = pv_tenant_info_new (&profile);
  g_autoptr(PvTenantInfo) offline = pv_tenant_info_new (&profile);
  g_autoptr(PvConnectionInfo) users = NULL;
  g_autoptr(PvConnectionInfo) again = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;

  json_object_unref (request (client, "POST", "/api/v1/provisioning/users/tokens", NULL, &error));
  g_assert_true (refresh (tenant, client, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pv_tenant_info_get_name (tenant), ==, "Acme");
  g_assert_cmpstr (pv_tenant_info_get_account (tenant), ==, "ann@acme.example");
  /* The tenant's own id, as GET /api/v1/tenant says it (provisioctl tenant add prints it) */
  {
    g_autoptr(JsonObject) answer = request (client, "GET", "/api/v1/tenant", NULL, &error);

    g_assert_nonnull (pv_tenant_info_get_server_id (tenant));
    g_assert_cmpstr (pv_tenant_info_get_server_id (tenant), ==, json_object_get_string_member (answer, "id"));
  }
  g_assert_cmpint (pv_tenant_info_get_fetched_at (tenant), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (pv_tenant_info_get_connections (tenant)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (pv_tenant_info_get_reminders (tenant)), ==, 2);   /* the token, the key */
  {
    const char *key_id, *prefix;
    gint64 expires_at;

    g_assert_cmpint (pv_tenant_info_get_key (tenant, &key_id, &prefix, NULL, &expires_at), ==, PV_EXPIRY_OK);
    g_assert_true (g_str_has_prefix (key_id, "key_"));
    g_assert_true (g_str_has_prefix (prefix, "pva_"));
    g_assert_cmpint (pv_expiry_days_left (expires_at, pv_client_get_now (client)), ==, 365);
  }
  g_assert_true (g_str_has_suffix (pv_sso_info_get_reply_url (pv_tenant_info_get_sso (tenant)), "/saml/acs"));
  users = g_list_model_get_item (pv_tenant_info_get_connections (tenant), 0);
  g_assert_cmpstr (pv_connection_info_get_kind (users), ==, "users");
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_tokens (users)), ==, 1);

  /* A second refresh keeps the objects views are bound to. */
  json_object_unref (request (client, "POST", "/api/v1/provisioning/users/tokens", NULL, &error));
  g_assert_true (refresh (tenant, client, &error));
  again = g_list_model_get_item (pv_tenant_info_get_connections (tenant), 0);
  g_assert_true (again == users);
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_tokens (users)), ==, 2);

  /* A refused refresh changes nothing. */
  {
    g_autoptr(PvTenantInfo) other = pv_tenant_info_new (&profile);

    g_assert_false (refresh (other, wrong, &error));
    g_assert_error (error, PV_ERROR, PV_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
    g_assert_null (pv_tenant_info_get_name (other));
    g_assert_cmpint (pv_tenant_info_get_fetched_at (other), ==, 0);
  }

  /* The last known state, without asking the tenant. */
  g_assert_true (show_cached (offline, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pv_tenant_info_get_name (offline), ==, "Acme");
  g_assert_cmpint (pv_tenant_info_get_fetched_at (offline), ==, pv_tenant_info_get_fetched_at (tenant));
  g_clear_object (&again);
  again = g_list_model_get_item (pv_tenant_info_get_connections (offline), 0);
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_tokens (again)), ==, 2);

  /* The same through the app's list, with a tenant never fetched and one
   * whose kept state is damaged: it is loading until every cached state is
   * shown (the app's window updates once then), whatever the keyring says.
   * The entries arrive in the list at once, each already showing its last
   * known state, so that the window's first frame can show them. */
  {
    g_autofree char *path = g_build_filename (f->dir, "tenants.ini", NULL);
    g_autofree char *ini = g_strdup_printf ("[tenant acme-test]\nurl=%s\n\n[tenant never-fetched]\nurl=%s\n\n"
                                            "[tenant damaged]\nurl=%s\n", f->url, f->url, f->url);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GFile) damaged = pv_cache_file_for ("damaged");
    g_autoptr(GFile) never = pv_cache_file_for ("never-fetched");
    g_autoptr(PvTenantList) list = pv_tenant_list_new (file);
    g_autoptr(GAsyncResult) listed = NULL;
    LoadingSeen seen = { 0 };

    g_assert_true (g_file_set_contents (path, ini, -1, NULL));
    g_file_delete (never, NULL, NULL);
    g_assert_true (g_file_replace_contents (damaged, "{\"fetched_at\": \"2026-12-01T00:00:00Z\", \"state\": [",
                                            strlen ("{\"fetched_at\": \"2026-12-01T00:00:00Z\", \"state\": ["),
                                            NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, NULL));
    g_signal_connect (list, "notify::loading", G_CALLBACK (loading_cb), &seen);
    g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &seen);
    pv_tenant_list_load_async (list, NULL, done_cb, &listed);
    g_assert_true (pv_tenant_list_get_loading (list));
    while (listed == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (pv_tenant_list_get_loading (list));
    g_assert_cmpuint (seen.ended, ==, 1);
    g_assert_cmpuint (seen.n_items, ==, 3);
    g_assert_cmpint (seen.acme_fetched_at, >, 0);
    g_assert_cmpint (seen.acme_fetched_at, ==, pv_tenant_info_get_fetched_at (tenant));
    g_assert_cmpuint (seen.added, ==, 1);
    g_assert_cmpint (seen.acme_fetched_when_added, ==, seen.acme_fetched_at);
    /* The damaged state and the missing one: nothing shown and no error
     * of theirs (the next refresh replaces them; the keyring's may be
     * there), and the others read all the same. */
    for (guint i = 1; i < 3; i++)
      {
        g_autoptr(PvTenantInfo) item = g_list_model_get_item (G_LIST_MODEL (list), i);
        const GError *shown = pv_tenant_info_get_error (item);

        g_assert_cmpint (pv_tenant_info_get_fetched_at (item), ==, 0);
        g_assert_null (pv_tenant_info_get_name (item));
        g_assert_true (shown == NULL || shown->domain != G_IO_ERROR);
      }
    pv_tenant_list_load_finish (list, listed, NULL);
    g_file_delete (damaged, NULL, NULL);
    g_unlink (path);
  }
}

/* A cached state read for a tenant never fetched, and a damaged one: each
 * a clear error, the tenant left as it was. */
static GError *
load_cached (PvTenantInfo *tenant)
{
  GError *error = NULL;

  g_assert_false (show_cached (tenant, &error));
  g_assert_nonnull (error);
  return error;
}

static void
test_cache_errors (void)
{
  PvProfile profile = { (char *) "never-fetched", (char *) "http://127.0.0.1:9" };
  g_autoptr(PvTenantInfo) tenant = pv_tenant_info_new (&profile);
  g_autoptr(GFile) file = pv_cache_file_for ("never-fetched");
  g_autoptr(GFile) dir = g_file_get_parent (file);
  g_autoptr(GError) error = NULL;
  const char *damaged[] = {
    "{\"fetched_at\": \"2026-12-01T00:00:00Z\", \"state\": {\"tenant\": ",
    "{\"fetched_at\": \"yesterday\", \"state\": {}}",
    "[1, 2, 3]",
  };

  g_file_delete (file, NULL, NULL);
  error = load_cached (tenant);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_file_make_directory_with_parents (dir, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_file_replace_contents (file, damaged[i], strlen (damaged[i]), NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL,
                               &error);
      g_assert_no_error (error);
      error = load_cached (tenant);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_clear_error (&error);
      g_assert_null (pv_tenant_info_get_name (tenant));
      g_assert_cmpint (pv_tenant_info_get_fetched_at (tenant), ==, 0);
    }
  g_file_delete (file, NULL, NULL);
}

/* pv_tokens_issue_full_async() until it is done, and its refusal if refused */
static PvIssuedToken *
issue_full (PvClient         *client,
            const char       *replace_unused,
            const char       *idempotency_key,
            PvIssueRefusal  **out_refusal,
            GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  PvIssuedToken *issued;

  pv_tokens_issue_full_async (client, "users", "on-first-use", NULL, replace_unused, idempotency_key, NULL,
                              done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  issued = pv_tokens_issue_finish (result, error);
  *out_refusal = issued == NULL ? pv_tokens_issue_get_refusal (result) : NULL;
  return issued;
}

/* The tenant's refusals of an issue as core reads them (issue #21): who
 * issued the token in the way and when, whether it may be replaced, the
 * same as the connection's tokens predict; a replace in one request; a
 * repeated Idempotency-Key. */
static void
test_issue_refusals (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(GError) error = NULL;
  g_autoptr(PvIssueRefusal) refusal = NULL;
  g_autoptr(PvIssueRefusal) predicted = NULL;
  g_autoptr(PvIssuedToken) old = NULL;
  g_autoptr(PvIssuedToken) pending = NULL;
  g_autoptr(PvIssuedToken) fresh = NULL;
  g_autoptr(PvIssuedToken) none = NULL;
  g_autoptr(PvConnectionInfo) connection = pv_connection_info_new ();
  g_autoptr(JsonObject) listed = NULL;
  g_autofree char *words = NULL;
  g_autofree char *key = pv_tokens_new_idempotency_key ();

  old = issue_full (client, NULL, NULL, &refusal, &error);
  g_assert_no_error (error);
  pending = issue_full (client, NULL, key, &refusal, &error);
  g_assert_no_error (error);

  /* The same intent again: issued already, its token named, nothing new. */
  none = issue_full (client, NULL, key, &refusal, &error);
  g_assert_null (none);
  assert_pv_error (error, PV_ERROR_CONFLICT, pending->secret, NULL);
  g_clear_error (&error);
  g_assert_nonnull (refusal);
  g_assert_cmpint (refusal->kind, ==, PV_ISSUE_REFUSED_ALREADY_ISSUED);
  g_assert_cmpstr (pv_token_info_get_id (refusal->token), ==, pv_token_info_get_id (pending->token));
  g_assert_true (pv_issue_refusal_can_replace (refusal));
  words = pv_issue_refusal_describe (refusal);
  g_assert_nonnull (strstr (words, "ann@acme.example"));
  g_assert_nonnull (strstr (words, "answer was lost"));
  g_clear_pointer (&words, g_free);
  g_clear_pointer (&refusal, pv_issue_refusal_free);

  /* Another intent: the unused replacement is in the way. */
  none = issue_full (client, NULL, NULL, &refusal, &error);
  g_assert_null (none);
  g_clear_error (&error);
  g_assert_cmpint (refusal->kind, ==, PV_ISSUE_REFUSED_PENDING);
  g_assert_true (pv_issue_refusal_can_replace (refusal));
  words = pv_issue_refusal_describe (refusal);
  g_assert_nonnull (strstr (words, "ann@acme.example issued a replacement token on"));
  g_clear_pointer (&words, g_free);

  /* What the connection's listed tokens predict is the same. */
  listed = request (client, "GET", "/api/v1/provisioning/users", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pv_connection_info_update_from_json (connection, listed, &error));
  predicted = pv_issue_refusal_for_connection (connection);
  g_assert_nonnull (predicted);
  g_assert_cmpint (predicted->kind, ==, PV_ISSUE_REFUSED_PENDING);
  g_assert_cmpstr (pv_token_info_get_id (predicted->token), ==, pv_token_info_get_id (pending->token));

  /* Replaced in one request: the new one replaces the old token. */
  g_clear_pointer (&predicted, pv_issue_refusal_free);
  fresh = issue_full (client, pv_token_info_get_id (refusal->token), NULL, &predicted, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fresh->replaces, ==, pv_token_info_get_id (old->token));
  g_clear_pointer (&refusal, pv_issue_refusal_free);

  /* The replaced one is no longer the one to replace. */
  none = issue_full (client, pv_token_info_get_id (pending->token), NULL, &refusal, &error);
  g_assert_null (none);
  g_clear_error (&error);
  g_assert_cmpint (refusal->kind, ==, PV_ISSUE_REFUSED_CHANGED);
  g_assert_cmpstr (pv_token_info_get_id (refusal->token), ==, pv_token_info_get_id (fresh->token));
}

/* A stand-in for a slow network in front of provisiod: each request is
 * answered by provisiod at once, but the answer is held back until the
 * test releases it. */
typedef struct {
  SoupServer  *server;
  SoupSession *session;
  char        *upstream;
  char        *url;
  GPtrArray   *held;        /* SoupServerMessage, answered by provisiod */
} Delay;

typedef struct {
  Delay             *delay;
  SoupServerMessage *msg;
  SoupMessage       *forwarded;
} Forwarded;

static void
forwarded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Forwarded *fw = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessageHeaders *in = soup_message_get_response_headers (fw->forwarded);
  SoupMessageHeaders *out = soup_server_message_get_response_headers (fw->msg);
  const char *date = soup_message_headers_get_one (in, "Date");
  gsize size;
  const char *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (body, &size);
  if (date != NULL)
    soup_message_headers_replace (out, "Date", date);
  soup_server_message_set_status (fw->msg, soup_message_get_status (fw->forwarded), NULL);
  soup_server_message_set_response (fw->msg, soup_message_headers_get_content_type (in, NULL),
                                    SOUP_MEMORY_COPY, data, size);
  g_ptr_array_add (fw->delay->held, fw->msg);   /* keeps the reference */
  g_object_unref (fw->forwarded);
  g_free (fw);
}

static void
delay_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Delay *delay = user_data;
  Forwarded *fw = g_new0 (Forwarded, 1);
  const char *uri_query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *url = g_strconcat (delay->upstream, path, uri_query ? "?" : "", uri_query ? uri_query : "", NULL);
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "GET");
  fw->delay = delay;
  fw->msg = g_object_ref (msg);
  fw->forwarded = soup_message_new ("GET", url);
  if (auth != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (fw->forwarded), "Authorization", auth);
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (delay->session, fw->forwarded, G_PRIORITY_DEFAULT, NULL, forwarded_cb, fw);
}

static Delay *
delay_new (const char *upstream)
{
  Delay *delay = g_new0 (Delay, 1);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  delay->upstream = g_strdup (upstream);
  delay->held = g_ptr_array_new_with_free_func (g_object_unref);
  delay->session = soup_session_new ();
  delay->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (delay->server, NULL, delay_cb, delay, NULL);
  soup_server_listen_local (delay->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (delay->server);
  delay->url = g_uri_to_string (uris->data);
  if (g_str_has_suffix (delay->url, "/"))
    delay->url[strlen (delay->url) - 1] = '\0';
  return delay;
}

/* Sends the answers held back, in the order they came from provisiod. */
static void
delay_release (Delay *delay)
{
  for (guint i = 0; i < delay->held->len; i++)
    soup_server_message_unpause (g_ptr_array_index (delay->held, i));
}

static void
delay_free (Delay *delay)
{
  soup_server_disconnect (delay->server);
  g_object_unref (delay->server);
  g_object_unref (delay->session);
  g_ptr_array_unref (delay->held);
  g_free (delay->upstream);
  g_free (delay->url);
  g_free (delay);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Delay, delay_free)

static guint
n_tokens (PvTenantInfo *tenant)
{
  PvConnectionInfo *users = pv_tenant_info_get_connection (tenant, "users");

  g_assert_nonnull (users);
  return g_list_model_get_n_items (pv_connection_info_get_tokens (users));
}

/* Two refreshes of one tenant overlap (a periodic one and a renewal's):
 * refresh A asks first, the tenant changes, refresh B asks and its
 * answers come in first, then A's. The tenant shows B's state, not the
 * older one A brings last. */
static void
test_refresh_overlap (Fixture       *f,
                      gconstpointer  data)
{
  PvProfile profile = { (char *) "acme-overlap", f->url };
  g_autoptr(Delay) delay = delay_new (f->url);
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(PvClient) slow = pv_client_new (delay->url, f->key);
  g_autoptr(PvTenantInfo) tenant = pv_tenant_info_new (&profile);
  g_autoptr(GAsyncResult) a = NULL;
  g_autoptr(GAsyncResult) b = NULL;
  g_autoptr(GError) error = NULL;
  gint64 fetched_at;

  pv_tenant_info_set_keeps_state (tenant, FALSE);
  json_object_unref (request (client, "POST", "/api/v1/provisioning/users/tokens", NULL, &error));
  g_assert_no_error (error);

  /* A: provisiod has answered all four of its requests; the answers wait. */
  pv_tenant_info_refresh_async (tenant, slow, NULL, done_cb, &a);
  while (delay->held->len < 4)
    g_main_context_iteration (NULL, TRUE);

  /* The tenant changes; B sees the change and is shown. */
  json_object_unref (request (client, "POST", "/api/v1/provisioning/users/tokens", NULL, &error));
  g_assert_no_error (error);
  pv_tenant_info_refresh_async (tenant, client, NULL, done_cb, &b);
  while (b == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pv_tenant_info_refresh_finish (tenant, b, &error));
  g_assert_no_error (error);
  g_assert_null (a);
  g_assert_cmpuint (n_tokens (tenant), ==, 2);
  fetched_at = pv_tenant_info_get_fetched_at (tenant);

  /* A's older answers come in last: they succeed, and are not shown. */
  delay_release (delay);
  while (a == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pv_tenant_info_refresh_finish (tenant, a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_tokens (tenant), ==, 2);
  g_assert_cmpint (pv_tenant_info_get_fetched_at (tenant), ==, fetched_at);
  g_assert_null (pv_tenant_info_get_error (tenant));

}

static void
tracked_checked_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  guint n_probed = 0;

  g_assert_true (pv_tracked_check_finish (result, &n_probed, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_probed, <=, 1);
  *done = TRUE;
}

/* A tracked app's token is replaced (pasted and recorded) while a check of
 * the old one is on its way: the old token's verdict, arriving after, is not
 * shown as the new one's.  Without a replacement, the same check's verdict
 * is kept. */
static void
test_tracked_check_replaced (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(Delay) delay = delay_new (f->url);
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(PvTrackedApp) app = pv_tracked_app_new ("acme-vendor", "Acme as a vendor", "other");
  g_autoptr(GPtrArray) apps = g_ptr_array_new ();
  g_autoptr(GHashTable) tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GKeyFile) checks = g_key_file_new ();
  g_autoptr(JsonObject) issued = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  PvProbeVerdict verdict;
  gboolean done = FALSE;

  issued = request (client, "POST", "/api/v1/provisioning/users/tokens", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (issued, "scim_base_url"), f->url));
  /* The vendor's endpoint, behind the slow network */
  base = g_strconcat (delay->url, json_object_get_string_member (issued, "scim_base_url") + strlen (f->url), NULL);
  pv_tracked_app_add_connection (app, "users", base);
  g_ptr_array_add (apps, app);
  g_hash_table_insert (tokens, pv_tracked_app_credential_id (app, "users"),
                       g_strdup (json_object_get_string_member (issued, "secret")));

  /* Replaced while the vendor's answer is on its way */
  pv_tracked_check_async (apps, tokens, checks, g_get_real_time () / G_USEC_PER_SEC, NULL, NULL,
                          tracked_checked_cb, &done);
  while (delay->held->len < 1)
    g_main_context_iteration (NULL, TRUE);
  pv_tracked_checks_forget (checks, app, "users");
  delay_release (delay);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (pv_tracked_checks_get (checks, app, "users", &verdict, NULL, NULL));

  /* Not replaced: the verdict is kept */
  done = FALSE;
  g_ptr_array_set_size (delay->held, 0);
  pv_tracked_check_async (apps, tokens, checks, g_get_real_time () / G_USEC_PER_SEC, NULL, NULL,
                          tracked_checked_cb, &done);
  while (delay->held->len < 1)
    g_main_context_iteration (NULL, TRUE);
  delay_release (delay);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pv_tracked_checks_get (checks, app, "users", &verdict, NULL, NULL));
  g_assert_cmpint (verdict, ==, PV_PROBE_WORKS);
}

/* The state kept from an earlier session loads only after a refresh has
 * shown the tenant as it is now: the refresh's state stays. */
static void
test_cache_after_refresh (Fixture       *f,
                          gconstpointer  data)
{
  PvProfile profile = { (char *) "acme-cache-after-refresh", f->url };
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(PvTenantInfo) before = pv_tenant_info_new (&profile);
  g_autoptr(PvTenantInfo) tenant = pv_tenant_info_new (&profile);
  g_autoptr(GFile) file = pv_cache_file_for (profile.id);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *hour_ago = pv_time_format (g_get_real_time () / G_USEC_PER_SEC - 3600);
  gint64 fetched_at;

  /* An earlier session kept one token, an hour ago. */
  json_object_unref (request (client, "POST", "/api/v1/provisioning/users/tokens", NULL, &error));
  g_assert_true (refresh (before, client, &error));
  g_assert_no_error (error);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  json_object_set_string_member (json_node_get_object (json_parser_get_root (parser)), "fetched_at", hour_ago);
  json_generator_set_root (generator, json_parser_get_root (parser));

  /* Now the tenant has two, and the refresh is quicker than the disk: the
   * file read still brings the earlier session's state. */
  json_object_unref (request (client, "POST", "/api/v1/provisioning/users/tokens", NULL, &error));
  g_assert_true (refresh (tenant, client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_tokens (tenant), ==, 2);
  fetched_at = pv_tenant_info_get_fetched_at (tenant);
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);

  g_assert_true (show_cached (tenant, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_tokens (tenant), ==, 2);
  g_assert_cmpint (pv_tenant_info_get_fetched_at (tenant), ==, fetched_at);

  g_file_delete (file, NULL, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = g_dir_make_tmp ("pv-cache-XXXXXX", NULL);

  /* The offline cache goes to a throw-away directory. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/client/ok", Fixture, NULL, fixture_set_up, test_ok, fixture_tear_down);
  g_test_add ("/client/tenant-errors", Fixture, NULL, fixture_set_up, test_tenant_errors, fixture_tear_down);
  g_test_add ("/client/nothing-listening", Fixture, NULL, fixture_set_up, test_nothing_listening,
              fixture_tear_down);
  g_test_add ("/client/models", Fixture, NULL, fixture_set_up, test_models, fixture_tear_down);
  g_test_add ("/client/issue-refusals", Fixture, NULL, fixture_set_up, test_issue_refusals, fixture_tear_down);
  g_test_add ("/client/event-list", Fixture, NULL, fixture_set_up, test_event_list, fixture_tear_down);
  g_test_add ("/client/more-models", Fixture, NULL, fixture_set_up, test_more_models, fixture_tear_down);
  g_test_add ("/client/tenant-info", Fixture, NULL, fixture_set_up, test_tenant_info, fixture_tear_down);
  g_test_add ("/client/refresh-overlap", Fixture, NULL, fixture_set_up, test_refresh_overlap, fixture_tear_down);
  g_test_add ("/client/cache-after-refresh", Fixture, NULL, fixture_set_up, test_cache_after_refresh,
              fixture_tear_down);
  g_test_add ("/client/tracked-check-replaced", Fixture, NULL, fixture_set_up, test_tracked_check_replaced,
              fixture_tear_down);
  g_test_add_func ("/client/not-a-tenant", test_not_a_tenant);
  g_test_add_func ("/client/cache-errors", test_cache_errors);
  g_test_add_func ("/client/tls", test_tls);
  g_test_add_func ("/client/tls-trust", test_tls_trust);
  g_test_add_func ("/client/plain-http", test_plain_http);

  return g_test_run ();
}
