/* main.c: provisiod, the reference tenant server
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisiod"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

#include "pv-time.h"
#include "pvd-db.h"
#include "pvd-demo.h"
#include "pvd-server.h"
#include "pvd-store.h"
#include "pvd-tls.h"

typedef struct {
  char     *config;
  char     *db;
  char     *database;
  char     *listen;
  char     *public_url;
  gint      retire_grace;
  gint      auth_failure_limit;
  gint      request_timeout;
  gint      threads;
  gint      sqlite_cache_size;
  gint      sqlite_mmap_size;
  gboolean  test_clock;
  char     *tls_certificate;
  char     *tls_key;
  gboolean  allow_insecure_http;
  char     *clock;
  gboolean  demo;
  gboolean  version;
  /* for the administration commands */
  char     *from;
  char     *to;
  char     *name;
  char     *owner;
  gint      lifetime;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->config);
  g_free (o->db);
  g_free (o->database);
  g_free (o->from);
  g_free (o->to);
  g_free (o->listen);
  g_free (o->public_url);
  g_free (o->clock);
  g_free (o->tls_certificate);
  g_free (o->tls_key);
  g_free (o->name);
  g_free (o->owner);
}

static gboolean
load_config (Options  *o,
             GError  **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  static const char *known[] = {
    "db", "database", "listen", "public-url", "retire-grace", "auth-failure-limit", "request-timeout", "threads", "test-clock",
    "sqlite-cache-size", "sqlite-mmap-size", "tls-certificate", "tls-key", "allow-insecure-http",
    NULL
  };
  g_auto(GStrv) keys = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (file, o->config, G_KEY_FILE_NONE, error))
    return FALSE;

  keys = g_key_file_get_keys (file, "server", NULL, NULL);
  for (guint i = 0; keys && keys[i]; i++)
    if (!g_strv_contains (known, keys[i]))
      {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                     _("%s: unknown key “%s” in [server]"), o->config, keys[i]);
        return FALSE;
      }

  /* The command line wins over the file. */
#define STRING_KEY(field, key) \
  if (o->field == NULL) \
    o->field = g_key_file_get_string (file, "server", key, NULL);
  STRING_KEY (db, "db");
  STRING_KEY (db, "database");
  STRING_KEY (listen, "listen");
  STRING_KEY (public_url, "public-url");
#undef STRING_KEY

  /* File names in the configuration are relative to it, as they read. */
#define FILE_KEY(field, key) \
  if (o->field == NULL && g_key_file_has_key (file, "server", key, NULL)) \
    { \
      g_autofree char *value = g_key_file_get_string (file, "server", key, NULL); \
      g_autofree char *dir = g_path_get_dirname (o->config); \
      if (value != NULL && *value != '\0') \
        o->field = g_path_is_absolute (value) ? g_steal_pointer (&value) \
                                              : g_build_filename (dir, value, NULL); \
    }
  FILE_KEY (tls_certificate, "tls-certificate");
  FILE_KEY (tls_key, "tls-key");
#undef FILE_KEY

#define INT_KEY(field, key) \
  if (o->field < 0 && g_key_file_has_key (file, "server", key, NULL)) \
    { \
      o->field = g_key_file_get_integer (file, "server", key, &local_error); \
      if (local_error != NULL || o->field < 0) \
        { \
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, \
                       _("%s: “%s” must be a whole number of zero or more"), o->config, key); \
          return FALSE; \
        } \
    }
  INT_KEY (retire_grace, "retire-grace");
  INT_KEY (auth_failure_limit, "auth-failure-limit");
  INT_KEY (request_timeout, "request-timeout");
  INT_KEY (threads, "threads");
  INT_KEY (sqlite_cache_size, "sqlite-cache-size");
  INT_KEY (sqlite_mmap_size, "sqlite-mmap-size");
#undef INT_KEY

  if (!o->test_clock && g_key_file_has_key (file, "server", "test-clock", NULL))
    {
      o->test_clock = g_key_file_get_boolean (file, "server", "test-clock", &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("%s: “test-clock” must be true or false"), o->config);
          return FALSE;
        }
    }
  if (!o->allow_insecure_http && g_key_file_has_key (file, "server", "allow-insecure-http", NULL))
    {
      o->allow_insecure_http = g_key_file_get_boolean (file, "server", "allow-insecure-http", &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("%s: “allow-insecure-http” must be true or false"), o->config);
          return FALSE;
        }
    }
  return TRUE;
}

static void
print_secret_line (const char *secret)
{
  /* The secret alone on the last line, for scripts. */
  g_print ("%s\n", secret);
}

static void
copied_cb (const char *table,
           gint64      rows,
           gpointer    user_data)
{
  g_print ("%-20s %" G_GINT64_FORMAT "\n", table, rows);
}

/* provisiod migrate --from sqlite:PATH --to postgresql://…: everything, in
 * one transaction, into an empty database. */
static int
migrate_command (Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdStore) from = NULL;
  g_autoptr(PvdStore) to = NULL;

  if (o->from == NULL || o->to == NULL)
    {
      g_printerr (_("provisiod: migrate needs --from DATABASE and --to DATABASE\n"));
      return 2;
    }
  if (g_str_equal (o->from, o->to))
    {
      g_printerr (_("provisiod: migrate needs two different databases\n"));
      return 2;
    }
  /* Only an existing SQLite file is read: opening a mistyped path would
   * create an empty one and copy nothing. */
  if (!g_str_has_prefix (o->from, "postgres") &&
      !g_file_test (g_str_has_prefix (o->from, "sqlite:") ? o->from + strlen ("sqlite:") : o->from,
                    G_FILE_TEST_IS_REGULAR))
    {
      g_printerr (_("provisiod: there is no database file “%s”\n"), o->from);
      return 1;
    }
  if (!(from = pvd_store_open (o->from, &error)) ||
      !(to = pvd_store_open (o->to, &error)))
    goto fail;
  pvd_store_set_durable (to, TRUE);
  if (!pvd_store_copy (from, to, copied_cb, NULL, &error))
    goto fail;
  g_print (_("Copied everything; provisiod can now run on the new database.\n"));
  return 0;

fail:
  g_printerr ("provisiod: %s\n", error->message);
  return 1;
}

static int
admin_command (Options  *o,
               char    **args,
               gint64    now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdStore) store = NULL;
  guint n = g_strv_length (args);
  const char *what = args[0];
  const char *verb = n > 1 ? args[1] : "";

  store = pvd_store_open (o->db, &error);
  if (store == NULL)
    goto fail;
  /* A key handed out, or revoked, is on disk before it is said. */
  pvd_store_set_durable (store, TRUE);

  if (g_str_equal (what, "tenant") && g_str_equal (verb, "create") && n == 3)
    {
      g_autoptr(PvdTenant) tenant = NULL;
      g_autoptr(PvdApiKey) key = NULL;
      g_autofree char *secret = NULL;
      const char *owner = o->owner ? o->owner : "admin";

      if (o->name == NULL)
        {
          g_printerr (_("A tenant needs a name: add --name NAME\n"));
          return 2;
        }
      if (!(tenant = pvd_store_create_tenant (store, args[2], o->name, now, &error)) ||
          !(secret = pvd_store_issue_api_key (store, tenant->id, owner,
                                              o->lifetime > 0 ? o->lifetime : PVD_ADMIN_KEY_LIFETIME_DAYS,
                                              now, &key, &error)))
        goto fail;
      g_print (_("Created tenant “%s” (%s).\n"), tenant->slug, tenant->name);
      g_print (_("Admin API key %s for %s, shown this once:\n"), key->id, key->owner);
      print_secret_line (secret);
      return 0;
    }

  if (g_str_equal (what, "tenant") && g_str_equal (verb, "list") && n == 2)
    {
      g_autoptr(GPtrArray) tenants = pvd_store_list_tenants (store, &error);

      if (tenants == NULL)
        goto fail;
      for (guint i = 0; i < tenants->len; i++)
        {
          PvdTenant *t = g_ptr_array_index (tenants, i);
          g_autofree char *created = pv_time_format (t->created_at);

          g_print ("%-20s %-30s %s\n", t->slug, t->name, created);
        }
      return 0;
    }

  if (g_str_equal (what, "key") && n >= 3)
    {
      g_autoptr(PvdTenant) tenant = pvd_store_get_tenant (store, args[2], &error);

      if (tenant == NULL)
        goto fail;

      if (g_str_equal (verb, "issue") && n == 3)
        {
          g_autoptr(PvdApiKey) key = NULL;
          g_autofree char *secret =
            pvd_store_issue_api_key (store, tenant->id, o->owner ? o->owner : "admin",
                                     o->lifetime > 0 ? o->lifetime : PVD_ADMIN_KEY_LIFETIME_DAYS,
                                     now, &key, &error);

          if (secret == NULL)
            goto fail;
          g_print (_("Admin API key %s for %s on “%s”, shown this once:\n"),
                   key->id, key->owner, tenant->slug);
          print_secret_line (secret);
          return 0;
        }

      if (g_str_equal (verb, "list") && n == 3)
        {
          g_autoptr(GPtrArray) keys = pvd_store_list_api_keys (store, tenant->id, &error);

          if (keys == NULL)
            goto fail;
          for (guint i = 0; i < keys->len; i++)
            {
              PvdApiKey *k = g_ptr_array_index (keys, i);
              g_autofree char *expires = pv_time_format (k->expires_at);
              g_autofree char *replaced = NULL;
              gint64 retires_at = pvd_api_key_retires_at (k, o->retire_grace);
              const char *state = k->revoked_at ? _("revoked")
                                  : k->expires_at <= now ? _("expired")
                                  : retires_at != 0 && retires_at <= now ? _("retired") : _("active");

              /* Translators: a key's state, then the id of the key that replaces it */
              if (k->replaced_by != NULL && g_str_equal (state, _("active")))
                state = replaced = g_strdup_printf (_("%s, replaced by %s"), state, k->replaced_by);
              g_print ("%-16s %s…  %-24s %s  %s\n", k->id, k->prefix, k->owner, expires, state);
            }
          return 0;
        }

      if (g_str_equal (verb, "revoke") && n == 4)
        {
          if (!pvd_store_revoke_api_key (store, tenant->id, args[3], "provisiod (command line)",
                                         now, &error))
            goto fail;
          g_print (_("Revoked the admin API key %s of “%s”.\n"), args[3], tenant->slug);
          return 0;
        }
    }

  g_printerr (_("Unknown command. Try “provisiod --help”.\n"));
  return 2;

fail:
  g_printerr ("provisiod: %s\n", error->message);
  return 1;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  /* Kept: a second signal while shutting down (the app that started the
   * demo stops it, then exits, which signals it again) must not kill the
   * server before it has removed its temporary database. */
  return G_SOURCE_CONTINUE;
}

static void
remove_database (const char *path)
{
  static const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static int
serve (Options *o,
       gint64   clock_offset)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvdStore) store = NULL;
  g_autoptr(PvdServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GPtrArray) demo_tenants = NULL;
  g_autofree char *demo_dir = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  PvdServerOptions server_options = {
    .listen = o->listen,
    .threads = (guint) o->threads,
    .public_url = o->public_url,
    .retire_grace = o->retire_grace,
    .auth_failure_limit = (guint) o->auth_failure_limit,
    .request_timeout = (guint) o->request_timeout,
    .test_clock = o->test_clock,
    .clock_offset = clock_offset,
    .allow_insecure_http = o->allow_insecure_http,
  };

  /* Before the database: a bad certificate changes nothing. */
  if (o->tls_certificate != NULL)
    {
      certificate = pvd_tls_load_certificate (o->tls_certificate, o->tls_key, &error);
      if (certificate == NULL)
        goto fail;
      server_options.tls_certificate = certificate;
    }

  /* Before anything is announced: a SIGTERM right after the "listening"
   * line must still shut down cleanly. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);

  if (o->demo)
    {
      demo_dir = g_dir_make_tmp ("provisiod-demo-XXXXXX", &error);
      if (demo_dir == NULL)
        goto fail;
      g_free (o->db);
      o->db = g_build_filename (demo_dir, "demo.db", NULL);
    }

  /* Opening the database here first creates or migrates it once, before
   * the workers open their own connections. */
  store = pvd_store_open (o->db, &error);
  if (store == NULL)
    goto fail;

  if (o->demo)
    {
      demo_tenants = pvd_demo_seed (store, g_get_real_time () / G_USEC_PER_SEC + clock_offset,
                                    o->retire_grace, &error);
      if (demo_tenants == NULL)
        goto fail;
    }
  g_clear_object (&store);

  server = pvd_server_new (o->db, &server_options);
  if (!pvd_server_listen (server, &error))
    goto fail;

  g_print ("provisiod: listening on %s\n", pvd_server_get_url (server));
  for (guint i = 0; demo_tenants != NULL && i < demo_tenants->len; i++)
    {
      PvdDemoTenant *t = g_ptr_array_index (demo_tenants, i);

      /* A stand-in vendor: for the app to track, "SLUG VENDOR ISSUED KIND TOKEN" */
      if (t->vendor != NULL)
        {
          g_print ("provisiod: demo app %s %s %" G_GINT64_FORMAT " users %s\n", t->slug, t->vendor,
                   t->issued_at, t->users_token);
          g_print ("provisiod: demo app %s %s %" G_GINT64_FORMAT " persons %s\n", t->slug, t->vendor,
                   t->issued_at, t->persons_token);
          continue;
        }
      /* Translators: the first %s is a tenant id, the second its name, the
       * third its admin API key */
      g_print (_("provisiod: demo tenant %s (%s), admin API key %s\n"),
               t->slug, t->name, t->admin_key);
    }
  /* For programs that start the demo, such as the app: the keys are all out. */
  if (demo_tenants != NULL)
    g_print ("provisiod: demo ready\n");
  fflush (stdout);

  if (o->test_clock)
    g_message ("The test clock is on: anyone on this machine can move the server's time");

  g_main_loop_run (loop);

  g_clear_object (&server);
  if (demo_dir != NULL)
    {
      remove_database (o->db);
      g_rmdir (demo_dir);
    }
  return 0;

fail:
  g_printerr ("provisiod: %s\n", error->message);
  if (demo_dir != NULL)
    {
      g_clear_object (&store);
      remove_database (o->db);
      g_rmdir (demo_dir);
    }
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  Options o = { .retire_grace = -1, .auth_failure_limit = -1, .request_timeout = -1, .threads = -1,
                .sqlite_cache_size = -1, .sqlite_mmap_size = -1 };
  g_auto(GStrv) args = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gint64 clock_offset = 0;
  int status;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o.config, N_("Read settings from FILE"), N_("FILE") },
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &o.db, N_("The SQLite database (default: provisiod.db)"), N_("FILE") },
    { "database", 0, 0, G_OPTION_ARG_STRING, &o.database, N_("The database: an SQLite file (sqlite:PATH or PATH), or PostgreSQL (postgresql://…); as --db"), N_("DATABASE") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &o.from, N_("migrate: the database to copy"), N_("DATABASE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &o.to, N_("migrate: the empty database to copy it to"), N_("DATABASE") },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &o.listen, N_("Listen on ADDR:PORT (default: 127.0.0.1:8080)"), N_("ADDR:PORT") },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &o.public_url, N_("Base of the URLs handed out (default: the listening address)"), N_("URL") },
    { "retire-grace", 0, 0, G_OPTION_ARG_INT, &o.retire_grace, N_("Seconds a replaced token keeps working once the identity provider has used its successor and not it (default: two of the identity provider’s cycles), and a replaced admin key once it goes unused (default: 300)"), N_("SECONDS") },
    { "auth-failure-limit", 0, 0, G_OPTION_ARG_INT, &o.auth_failure_limit, N_("Failed authentications per address and minute before 429 (default: 20)"), N_("N") },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &o.request_timeout, N_("Seconds a client has for a request and its answer before its connection is closed (default: 30)"), N_("SECONDS") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, N_("Worker threads serving requests (default: one per processor)"), N_("N") },
    { "test-clock", 0, 0, G_OPTION_ARG_NONE, &o.test_clock, N_("Allow setting the server’s clock over HTTP, for tests and demos (loopback only)"), NULL },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_certificate, N_("Serve HTTPS with the certificate in FILE (PEM; with any intermediate certificates after it)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_key, N_("The private key of --tls-certificate (PEM, unencrypted)"), N_("FILE") },
    { "allow-insecure-http", 0, 0, G_OPTION_ARG_NONE, &o.allow_insecure_http, N_("Serve plain HTTP on an address other than loopback, such as behind a TLS-terminating proxy"), NULL },
    { "clock", 0, 0, G_OPTION_ARG_STRING, &o.clock, N_("Start the clock at TIME (RFC 3339); implies --test-clock"), N_("TIME") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &o.demo, N_("Serve demo tenants from a temporary database"), NULL },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o.name, N_("tenant create: the tenant’s display name"), N_("NAME") },
    { "owner", 0, 0, G_OPTION_ARG_STRING, &o.owner, N_("tenant create, key issue: who holds the new key"), N_("WHO") },
    { "lifetime", 0, 0, G_OPTION_ARG_INT, &o.lifetime, N_("tenant create, key issue: key lifetime in days (default: 365)"), N_("DAYS") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &o.version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  /* HTTPS with TLS 1.2 and 1.3 only: GnuTLS's default on Debian 12 still
   * accepts 1.0 and 1.1.  glib-networking reads this at the first TLS
   * connection; an administrator's own setting wins. */
  g_setenv ("G_TLS_GNUTLS_PRIORITY", PVD_TLS_PRIORITY, FALSE);

  /* Standard output carries only the announcements that programs read
   * (the listening line, the demo's tenants); every log message, debug
   * included, goes to standard error.  A program that starts the demo stops
   * reading its output once it is ready: request logs there would fill the
   * pipe and stall the server. */
  g_log_writer_default_set_use_stderr (TRUE);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("[tenant create SLUG | tenant list | key issue|list SLUG | key revoke SLUG KEY-ID | migrate]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("The Provisio reference tenant server: a management API and a SCIM 2.0 endpoint per "
      "provisioning connection.\n\nWithout a command it serves; with one it administers the "
      "database and exits."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      g_printerr ("provisiod: %s\n", error->message);
      options_clear (&o);
      return 2;
    }

  if (o.version)
    {
      g_print ("provisiod %s\n", PACKAGE_VERSION);
      options_clear (&o);
      return 0;
    }

  if (o.database != NULL && o.db != NULL && !g_str_equal (o.database, o.db))
    {
      g_printerr (_("provisiod: --db and --database name the same setting: give one\n"));
      options_clear (&o);
      return 2;
    }
  if (o.database != NULL)
    {
      g_free (o.db);
      o.db = g_steal_pointer (&o.database);
    }

  if (o.config != NULL && !load_config (&o, &error))
    {
      g_printerr ("provisiod: %s\n", error->message);
      options_clear (&o);
      return 2;
    }

  if (o.db == NULL)
    o.db = g_strdup ("provisiod.db");
  if (o.listen == NULL)
    o.listen = g_strdup ("127.0.0.1:8080");
  if (o.auth_failure_limit < 0)
    o.auth_failure_limit = PVD_DEFAULT_AUTH_FAILURE_LIMIT;
  if (o.threads < 0)
    o.threads = MIN (g_get_num_processors (), 8);
  if (o.request_timeout < 0)
    o.request_timeout = PVD_DEFAULT_REQUEST_TIMEOUT;
  if (o.request_timeout == 0 || o.request_timeout > PVD_MAX_REQUEST_TIMEOUT)
    {
      g_printerr (_("provisiod: --request-timeout must be between 1 and %d seconds\n"),
                  PVD_MAX_REQUEST_TIMEOUT);
      options_clear (&o);
      return 2;
    }
  pvd_db_sqlite_set_memory (o.sqlite_cache_size, o.sqlite_mmap_size);
  if (o.threads == 0 || o.threads > 64)
    {
      g_printerr (_("provisiod: --threads must be between 1 and 64\n"));
      options_clear (&o);
      return 2;
    }
  if (o.auth_failure_limit == 0)
    {
      g_printerr (_("provisiod: --auth-failure-limit must be at least 1\n"));
      options_clear (&o);
      return 2;
    }
  if (o.clock != NULL)
    {
      gint64 start;

      if (!pv_time_parse (o.clock, &start))
        {
          g_printerr (_("provisiod: --clock needs an RFC 3339 time such as 2026-01-31T12:00:00Z\n"));
          options_clear (&o);
          return 2;
        }
      clock_offset = start - g_get_real_time () / G_USEC_PER_SEC;
      o.test_clock = TRUE;
    }
  if (o.demo)
    o.test_clock = TRUE;
  if ((o.tls_certificate == NULL) != (o.tls_key == NULL))
    {
      g_printerr (_("provisiod: HTTPS needs both a certificate and its key: --tls-certificate FILE "
                    "--tls-key FILE (or tls-certificate and tls-key in the configuration)\n"));
      options_clear (&o);
      return 2;
    }

  if (g_strv_length (args) == 2 && g_str_equal (args[1], "migrate"))
    status = migrate_command (&o);
  else if (g_strv_length (args) > 1)
    status = admin_command (&o, args + 1, g_get_real_time () / G_USEC_PER_SEC + clock_offset);
  else
    status = serve (&o, clock_offset);

  options_clear (&o);
  return status;
}
