/* test-renewal.c: PvRenewal, the one state machine of renewal and setup,
 * against a real provisiod on loopback
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the app's assistant and provisioctl rely on: a setup tells the
 * tenant its identity provider, issues the first token and is remembered
 * (on disk) until the identity provider first uses it; resumed from what
 * was remembered, it waits for that use and is then forgotten.  A renewal
 * replaces the token in use; one that finds an unused replacement in the
 * way says so with the tenant's refusal, and replaces it when asked.
 * Nothing listening is an error to show, back at the start.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "pv-client.h"
#include "pv-error.h"
#include "pv-renewal.h"
#include "pv-tenant-info.h"

typedef struct {
  char        *dir;
  char        *db;
  GSubprocess *provisiod;
  char        *url;
  char        *key;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *provisiod = g_getenv ("PROVISIOD");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *created = NULL;
  g_auto(GStrv) lines = NULL;
  int status;

  g_assert_nonnull (provisiod);
  f->dir = g_dir_make_tmp ("pv-renewal-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "t.db", NULL);
  g_spawn_sync (NULL, (char *[]) { (char *) provisiod, "--db", f->db, "tenant", "create", "acme", "--name", "Acme",
                                   "--owner", "ann@acme.example", NULL },
                NULL, G_SPAWN_DEFAULT, NULL, NULL, &created, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (g_strstrip (created), "\n", -1);
  f->key = g_strdup (lines[g_strv_length (lines) - 1]);
  g_assert_true (g_str_has_prefix (f->key, "pva_"));

  f->provisiod = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, provisiod,
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
  const char *argv[] = { "rm", "-rf", f->dir, NULL };

  g_subprocess_force_exit (f->provisiod);
  g_subprocess_wait (f->provisiod, NULL, NULL);
  g_clear_object (&f->provisiod);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->url);
  g_free (f->key);
}

typedef struct {
  PvRenewal     *renewal;
  PvRenewalStep  step;
} StepWait;

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins until @renewal is at @step, at most @seconds. */
static void
wait_for_step (PvRenewal     *renewal,
               PvRenewalStep  step,
               guint          seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, timed_out_cb, &timed_out);

  while (pv_renewal_get_step (renewal) != step && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_cmpint (pv_renewal_get_step (renewal), ==, step);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The tenant's users connection as it is now */
static PvConnectionInfo *
users_connection (Fixture  *f,
                  PvClient *client)
{
  PvProfile profile = { (char *) "acme", f->url, NULL, FALSE };
  g_autoptr(PvTenantInfo) tenant = pv_tenant_info_new (&profile);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  pv_tenant_info_refresh_async (tenant, client, NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pv_tenant_info_refresh_finish (tenant, result, &error));
  g_assert_no_error (error);
  return g_object_ref (pv_tenant_info_get_connection (tenant, "users"));
}

static PvSetups *
load_setups (GFile *file)
{
  PvSetups *setups = pv_setups_new (file);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  pv_setups_load_async (setups, NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pv_setups_load_finish (setups, result, &error));
  g_assert_no_error (error);
  return setups;
}

/* Spins until the file says (or no longer says) a setup of users is left midway. */
static void
wait_for_file (GFile    *file,
               gboolean  left)
{
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(PvSetups) setups = load_setups (file);
      g_autofree char *idp = NULL;
      g_autofree char *token = NULL;

      if (pv_setups_lookup (setups, "acme", "users", &idp, &token) == left)
        return;
      g_usleep (20000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_assert_not_reached ();
}

static void
test_setup_resumed (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autofree char *path = g_build_filename (f->dir, "state", "setup.ini", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PvSetups) setups = load_setups (file);
  g_autoptr(PvSetups) reloaded = NULL;
  g_autoptr(PvRenewal) setup = pv_renewal_new (client, "acme", "users", TRUE, setups);
  g_autoptr(PvRenewal) resumed = NULL;
  g_autoptr(PvConnectionInfo) connection = NULL;
  g_autofree char *idp = NULL;
  g_autofree char *token_id = NULL;
  const PvIssuedToken *issued;

  /* Nothing kept yet: nothing left midway. */
  g_assert_false (pv_setups_lookup (setups, "acme", "users", &idp, &token_id));
  g_assert_cmpint (pv_renewal_get_step (setup), ==, PV_RENEWAL_INTRO);

  pv_renewal_issue (setup, "okta", NULL);
  g_assert_cmpint (pv_renewal_get_step (setup), ==, PV_RENEWAL_ISSUING);
  wait_for_step (setup, PV_RENEWAL_ISSUED, 10);
  g_assert_null (pv_renewal_get_error (setup));
  issued = pv_renewal_get_issued (setup);
  g_assert_nonnull (issued);
  g_assert_true (g_str_has_prefix (issued->secret, "pvs_"));
  g_assert_cmpstr (pv_renewal_get_token_id (setup), ==, pv_token_info_get_id (issued->token));

  /* The tenant knows the identity provider and lists the token, unused. */
  connection = users_connection (f, client);
  g_assert_cmpstr (pv_connection_info_get_identity_provider (connection), ==, "okta");
  g_assert_cmpuint (g_list_model_get_n_items (pv_connection_info_get_tokens (connection)), ==, 1);

  /* Remembered, on disk too, for the next start. */
  g_assert_true (pv_setups_lookup (setups, "acme", "users", &idp, &token_id));
  g_assert_cmpstr (idp, ==, "okta");
  g_assert_cmpstr (token_id, ==, pv_renewal_get_token_id (setup));
  wait_for_file (file, TRUE);
  reloaded = load_setups (file);

  /* Another start resumes it: issued, without the secret, waiting. */
  g_clear_pointer (&idp, g_free);
  g_clear_pointer (&token_id, g_free);
  g_assert_true (pv_setups_lookup (reloaded, "acme", "users", &idp, &token_id));
  resumed = pv_renewal_new (client, "acme", "users", TRUE, reloaded);
  pv_renewal_resume (resumed, idp, token_id);
  g_assert_cmpint (pv_renewal_get_step (resumed), ==, PV_RENEWAL_ISSUED);
  g_assert_null (pv_renewal_get_issued (resumed));
  g_assert_false (pv_renewal_send_demo_request (resumed));
  /* Nor can it be handed over to Entra: that is said, not attempted. */
  {
    PvEntraLink link = { 0 };
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(PvEntraJob) job = NULL;

    pv_renewal_hand_over_async (resumed, NULL, &link, NULL, NULL, NULL, done_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    job = pv_renewal_hand_over_finish (resumed, result, &error);
    g_assert_null (job);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
  g_assert_cmpstr (pv_renewal_get_idp (resumed), ==, "okta");
  pv_renewal_wait (resumed, 200);
  g_assert_cmpint (pv_renewal_get_step (resumed), ==, PV_RENEWAL_WAITING);

  /* The identity provider's first request (the demo's, with the secret
   * the first run still holds) ends it, and the setup is forgotten. */
  g_assert_true (pv_renewal_send_demo_request (setup));
  wait_for_step (resumed, PV_RENEWAL_DONE, 15);
  g_assert_nonnull (pv_renewal_get_first_use (resumed));
  g_assert_cmpstr (pv_event_info_get_event_type (pv_renewal_get_first_use (resumed)), ==, "token.first-use");
  g_assert_cmpuint (g_list_model_get_n_items (pv_renewal_get_events (resumed)), >=, 1);
  g_clear_pointer (&idp, g_free);
  g_clear_pointer (&token_id, g_free);
  g_assert_false (pv_setups_lookup (reloaded, "acme", "users", &idp, &token_id));
  wait_for_file (file, FALSE);

  /* The secret, once shown, can be forgotten: zeroed in place. */
  pv_renewal_forget_secret (setup);
  g_assert_cmpuint (strlen (pv_renewal_get_issued (setup)->secret), ==, 0);
}

static void
test_renew_refused_replaced (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(PvClient) client = pv_client_new (f->url, f->key);
  g_autoptr(PvRenewal) first = pv_renewal_new (client, "acme", "users", FALSE, NULL);
  g_autoptr(PvRenewal) second = pv_renewal_new (client, "acme", "users", FALSE, NULL);
  g_autoptr(PvRenewal) again = pv_renewal_new (client, "acme", "users", FALSE, NULL);
  g_autoptr(PvConnectionInfo) connection = NULL;
  g_autofree char *unused_id = NULL;
  const PvIssueRefusal *refusal;

  /* A renewal where there is no token yet: simply a token. */
  pv_renewal_issue (first, NULL, NULL);
  wait_for_step (first, PV_RENEWAL_ISSUED, 10);
  g_assert_true (pv_renewal_send_demo_request (first));
  pv_renewal_wait (first, 200);
  wait_for_step (first, PV_RENEWAL_DONE, 15);

  /* The next replaces the one in use, on its first use. */
  pv_renewal_issue (second, NULL, NULL);
  wait_for_step (second, PV_RENEWAL_ISSUED, 10);
  g_assert_cmpstr (pv_renewal_get_issued (second)->replaces, ==, pv_renewal_get_token_id (first));
  g_assert_cmpstr (pv_renewal_get_issued (second)->retire, ==, "on-first-use");
  unused_id = g_strdup (pv_renewal_get_token_id (second));

  /* Another, with that replacement still unused: refused, saying which. */
  pv_renewal_issue (again, NULL, NULL);
  wait_for_step (again, PV_RENEWAL_ISSUING, 1);
  wait_for_step (again, PV_RENEWAL_INTRO, 10);
  g_assert_nonnull (pv_renewal_get_error (again));
  refusal = pv_renewal_get_refusal (again);
  g_assert_nonnull (refusal);
  g_assert_true (pv_issue_refusal_can_replace (refusal));
  g_assert_cmpstr (pv_token_info_get_id (refusal->token), ==, unused_id);
  g_assert_null (pv_renewal_get_issued (again));

  /* Asked to, it replaces the unused one in the same request. */
  pv_renewal_issue (again, NULL, pv_token_info_get_id (refusal->token));
  wait_for_step (again, PV_RENEWAL_ISSUED, 10);
  g_assert_null (pv_renewal_get_error (again));
  g_assert_null (pv_renewal_get_refusal (again));
  g_assert_cmpstr (pv_renewal_get_token_id (again), !=, unused_id);
  connection = users_connection (f, client);
  for (guint i = 0; i < g_list_model_get_n_items (pv_connection_info_get_tokens (connection)); i++)
    {
      g_autoptr(PvTokenInfo) token = g_list_model_get_item (pv_connection_info_get_tokens (connection), i);

      g_assert_cmpstr (pv_token_info_get_id (token), !=, unused_id);
    }
}

/* provisioctl setup --no-wait ends right after the issue: what it saved
 * (pv_setups_save_async()) is on disk when the save says so, for the app
 * or a later setup to resume; and so is a setup forgotten. */
static void
test_setups_saved (void)
{
  g_autofree char *dir = g_dir_make_tmp ("provisio-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "state", "setup.ini", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(PvSetups) setups = load_setups (file);
  g_autofree char *idp = NULL;
  g_autofree char *token_id = NULL;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(PvSetups) reloaded = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gboolean left = round == 0;

      if (left)
        pv_setups_remember (setups, "acme", "users", "entra", "tok_AAAAAAAAAAAA");
      else
        pv_setups_forget (setups, "acme", "users");
      pv_setups_save_async (setups, NULL, done_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_true (pv_setups_save_finish (setups, result, &error));
      g_assert_no_error (error);

      /* Read back at once, not after a wait */
      reloaded = load_setups (file);
      g_assert_cmpint (pv_setups_lookup (reloaded, "acme", "users", &idp, &token_id), ==, left);
      if (left)
        {
          g_assert_cmpstr (idp, ==, "entra");
          g_assert_cmpstr (token_id, ==, "tok_AAAAAAAAAAAA");
        }
      g_clear_pointer (&idp, g_free);
      g_clear_pointer (&token_id, g_free);
    }
  /* Only the owner reads it. */
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0077, ==, 0);
  }
  g_unlink (path);
  {
    g_autofree char *state = g_path_get_dirname (path);

    g_rmdir (state);
  }
  g_rmdir (dir);
}

static void
test_nothing_listening (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(PvRenewal) renewal = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago, closed again: nothing listens. */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);
  client = pv_client_new (url, "pva_000000000000000000000000000000");
  renewal = pv_renewal_new (client, "acme", "users", TRUE, NULL);
  pv_renewal_issue (renewal, "entra", NULL);
  wait_for_step (renewal, PV_RENEWAL_INTRO, 15);
  g_assert_error ((GError *) pv_renewal_get_error (renewal), PV_ERROR, PV_ERROR_NETWORK);
  g_assert_null (pv_renewal_get_refusal (renewal));
  g_assert_null (pv_renewal_get_issued (renewal));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/renewal/setup-resumed", Fixture, NULL, fixture_set_up, test_setup_resumed, fixture_tear_down);
  g_test_add ("/renewal/renew-refused-replaced", Fixture, NULL, fixture_set_up, test_renew_refused_replaced,
              fixture_tear_down);
  g_test_add_func ("/renewal/nothing-listening", test_nothing_listening);
  g_test_add_func ("/renewal/setups-saved", test_setups_saved);
  return g_test_run ();
}
