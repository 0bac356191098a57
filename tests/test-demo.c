/* test-demo.c: libprovisio's tenant list, tokens and event watch against
 * the real demo server, started as the app starts it
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <libsoup/soup.h>

#include "pv-connection-info.h"
#include "pv-demo.h"
#include "pv-entra-session.h"
#include "pv-error.h"
#include "pv-event-watch.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-reminders.h"
#include "pv-reminder-cycle.h"
#include "pv-reminders.h"
#include "pv-tokens.h"
#include "pv-tracked-check.h"

static void
got_result_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static PvDemo *
start_demo (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = pv_demo_find_server ();
  PvDemo *demo;

  g_assert_nonnull (server);
  pv_demo_start_async (server, NULL, got_result_cb, &result);
  demo = pv_demo_start_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  return demo;
}

/* The demo's tracked app: Timly, whose vendor is the demo server, marked
 * as the demo's; after a refresh the vendor accepts the Users token and
 * rejects the Persons one, which turns urgent a year before it expires. */
static void
test_demo_tracked_app (void)
{
  g_autoptr(PvDemo) demo = start_demo ();
  PvTenantList *tenants = pv_demo_get_tenants (demo);
  PvTenantInfo *info = pv_tenant_list_lookup (tenants, "timly-demo");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PvTrackedApp *app;
  PvProbeVerdict verdict;

  g_assert_nonnull (info);
  app = pv_tenant_list_get_tracked_app (tenants, info);
  g_assert_nonnull (app);
  g_assert_true (app->demo);
  g_assert_cmpstr (pv_tenant_info_get_name (info), ==, "Timly (demo)");
  g_assert_cmpuint (g_list_model_get_n_items (pv_tenant_info_get_connections (info)), ==, 2);
  g_assert_cmpint (pv_tracked_app_get_connection (app, "users")->source, ==, PV_EXPIRY_SOURCE_LIFETIME);
  g_assert_cmpint (pv_tenant_info_get_state (info), ==, PV_EXPIRY_DUE_SOON);

  pv_tenant_list_refresh_async (tenants, NULL, got_result_cb, &result);
  pv_tenant_list_refresh_finish (tenants, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (pv_tracked_checks_get (pv_tenant_list_get_checks (tenants), app, "users", &verdict, NULL, NULL));
  g_assert_cmpint (verdict, ==, PV_PROBE_WORKS);
  g_assert_true (pv_tracked_checks_get (pv_tenant_list_get_checks (tenants), app, "persons", &verdict, NULL, NULL));
  g_assert_cmpint (verdict, ==, PV_PROBE_TOKEN_REJECTED);
  g_assert_cmpint (pv_tenant_info_get_state (info), ==, PV_EXPIRY_URGENT);
}

/* Renewal step 5 (issue #15) in a list that keeps tokens in memory: the
 * Users token the vendor accepted is replaced by one it does not know.
 * The old verdict goes at once, and the next refresh asks about the new
 * token then, not a quarter of an hour after the old one's check. */
static void
test_demo_tracked_new_token (void)
{
  g_autoptr(PvDemo) demo = start_demo ();
  PvTenantList *tenants = pv_demo_get_tenants (demo);
  PvTenantInfo *info = pv_tenant_list_lookup (tenants, "timly-demo");
  GKeyFile *checks = pv_tenant_list_get_checks (tenants);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PvTrackedApp *app = pv_tenant_list_get_tracked_app (tenants, info);
  PvProbeVerdict verdict;

  pv_tenant_list_refresh_async (tenants, NULL, got_result_cb, &result);
  pv_tenant_list_refresh_finish (tenants, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (pv_tracked_checks_get (checks, app, "users", &verdict, NULL, NULL));
  g_assert_cmpint (verdict, ==, PV_PROBE_WORKS);

  pv_tenant_list_add_tracked_app (tenants, app, "users", "pvt_not_one_the_vendor_made");
  g_assert_false (pv_tracked_checks_get (checks, app, "users", &verdict, NULL, NULL));

  g_clear_object (&result);
  pv_tenant_list_refresh_async (tenants, NULL, got_result_cb, &result);
  pv_tenant_list_refresh_finish (tenants, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (pv_tracked_checks_get (checks, app, "users", &verdict, NULL, NULL));
  g_assert_cmpint (verdict, ==, PV_PROBE_TOKEN_REJECTED);
  g_assert_cmpint (pv_tenant_info_get_state (info), ==, PV_EXPIRY_URGENT);
  /* The Persons token, not replaced, keeps its verdict until its interval is over. */
  g_assert_true (pv_tracked_checks_get (checks, app, "persons", &verdict, NULL, NULL));
  g_assert_cmpint (verdict, ==, PV_PROBE_TOKEN_REJECTED);
}

/* The demo's tenants, fetched, with the states the dashboard shows. */
static void
test_demo_tenants (void)
{
  g_autoptr(PvDemo) demo = start_demo ();
  PvTenantList *tenants = pv_demo_get_tenants (demo);
  gboolean seen[PV_EXPIRY_EXPIRED + 1] = { FALSE };

  g_assert_true (g_str_has_prefix (pv_demo_get_url (demo), "http://127.0.0.1:"));
  /* Three tenants, then the tracked app whose vendor is the demo server */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tenants)), ==, 4);
  g_assert_nonnull (pv_tenant_list_lookup (tenants, "contoso"));
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (tenants), i);
      GListModel *connections = pv_tenant_info_get_connections (tenant);

      g_assert_null (pv_tenant_info_get_error (tenant));
      g_assert_nonnull (pv_tenant_info_get_name (tenant));
      g_assert_cmpint (pv_tenant_info_get_fetched_at (tenant), >, 0);
      g_assert_cmpuint (g_list_model_get_n_items (connections), ==, 2);
      g_assert_nonnull (pv_tenant_list_get_client (tenants, tenant));
      seen[pv_tenant_info_get_state (tenant)] = TRUE;
    }
  /* Expired, urgent and due-soon tokens are among the demo's. */
  g_assert_true (seen[PV_EXPIRY_EXPIRED]);
  g_assert_true (seen[PV_EXPIRY_URGENT] || seen[PV_EXPIRY_DUE_SOON]);

  /* The dashboard: a bar per token and certificate, actions most pressing first. */
  {
    g_autoptr(GPtrArray) items = pv_overview_items (G_LIST_MODEL (tenants), NULL, g_get_real_time () / G_USEC_PER_SEC);
    g_autoptr(GPtrArray) actions = pv_overview_next_actions (G_LIST_MODEL (tenants), NULL, g_get_real_time () / G_USEC_PER_SEC);
    g_autofree char *words = pv_overview_describe (items, g_get_real_time () / G_USEC_PER_SEC);
    guint in_use = 0;

    g_assert_cmpuint (items->len, >=, 6);
    for (guint i = 0; i < items->len; i++)
      in_use += ((PvOverviewItem *) g_ptr_array_index (items, i))->in_use;
    g_assert_cmpuint (in_use, >=, 1);
    g_assert_cmpuint (actions->len, >=, 3);
    for (guint i = 1; i < actions->len; i++)
      {
        PvNextAction *a = g_ptr_array_index (actions, i - 1);
        PvNextAction *b = g_ptr_array_index (actions, i);

        g_assert_cmpint (a->state, >=, b->state);
        if (a->kind != NULL)
          g_assert_true (strstr (a->title, "Users") || strstr (a->title, "Persons"));
      }
    g_assert_nonnull (strstr (words, "Expired"));
    g_assert_nonnull (strstr (words, "Contoso"));
  }

  /* Reminders: tokens and SSO certificates, each once. */
  {
    g_autoptr(GKeyFile) sent = g_key_file_new ();
    g_autoptr(GPtrArray) due = NULL;
    g_autoptr(GPtrArray) again = NULL;
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    PvExpiryPolicy policy;
    gboolean certificate = FALSE, named = TRUE;

    pv_expiry_policy_init_default (&policy);
    due = pv_reminders_due (G_LIST_MODEL (tenants), &policy, now, sent);
    g_assert_cmpuint (due->len, >=, 3);
    for (guint i = 0; i < due->len; i++)
      {
        PvDueReminder *r = g_ptr_array_index (due, i);

        certificate |= r->kind == NULL && strstr (r->title, "SSO certificate") != NULL;
        named &= r->kind == NULL || strstr (r->title, "Users") || strstr (r->title, "Persons");
        pv_reminders_mark_sent (sent, r);
      }
    g_assert_true (certificate);
    g_assert_true (named);
    again = pv_reminders_due (G_LIST_MODEL (tenants), &policy, now, sent);
    g_assert_cmpuint (again->len, ==, 0);
  }
}

static guint
count_events_of_type (GListModel *events,
                      const char *type)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(PvEventInfo) e = g_list_model_get_item (events, i);

      n += g_str_equal (pv_event_info_get_event_type (e), type);
    }
  return n;
}

/* Renewing as the assistant does: issue, watch, the IdP's first use seen
 * as it happens, then the old token refused for revocation while in use. */
static void
test_renew_and_watch (void)
{
  g_autoptr(PvDemo) demo = start_demo ();
  PvTenantList *tenants = pv_demo_get_tenants (demo);
  PvTenantInfo *contoso = pv_tenant_list_lookup (tenants, "contoso");
  PvClient *client = pv_tenant_list_get_client (tenants, contoso);
  PvConnectionInfo *users = pv_tenant_info_get_connection (contoso, "users");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) refreshed = NULL;
  g_autoptr(GAsyncResult) revoked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PvIssuedToken) issued = NULL;
  g_autoptr(PvEventWatch) watch = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *in_use = NULL;
  gint64 deadline;

  g_assert_nonnull (users);
  in_use = g_strdup (pv_connection_info_get_in_use_token_id (users));

  pv_tokens_issue_async (client, "users", "on-first-use", "test", NULL, got_result_cb, &result);
  issued = pv_tokens_issue_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (issued->secret, "pvs_"));
  g_assert_true (g_str_has_prefix (issued->secret, pv_token_info_get_prefix (issued->token)));
  g_assert_cmpstr (issued->retire, ==, "on-first-use");

  watch = pv_event_watch_new (client, "users", pv_token_info_get_id (issued->token), 100);
  pv_event_watch_start (watch);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (count_events_of_type (pv_event_watch_get_events (watch), "token.issued") == 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_events_of_type (pv_event_watch_get_events (watch), "token.first-use"), ==, 0);

  /* The identity provider's first request with the new token. */
  url = g_strconcat (issued->scim_base_url, "/Users?count=1", NULL);
  msg = soup_message_new ("GET", url);
  auth = g_strconcat ("Bearer ", issued->secret, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "User-Agent", "Azure AD SCIM Client");
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (count_events_of_type (pv_event_watch_get_events (watch), "token.first-use") == 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_events_of_type (pv_event_watch_get_events (watch), "token.first-use"), ==, 1);
  pv_event_watch_stop (watch);

  pv_tenant_list_refresh_async (tenants, NULL, got_result_cb, &refreshed);
  g_assert_cmpuint (pv_tenant_list_refresh_finish (tenants, wait_for (&refreshed), &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpstr (pv_connection_info_get_in_use_token_id (users), ==, pv_token_info_get_id (issued->token));

  /* The token the IdP now uses is protected. */
  pv_tokens_revoke_async (client, "users", pv_token_info_get_id (issued->token), FALSE, NULL,
                          got_result_cb, &revoked);
  g_assert_false (pv_tokens_revoke_finish (wait_for (&revoked), &error));
  g_assert_error (error, PV_ERROR, PV_ERROR_CONFLICT);
}

static void
test_guides (void)
{
  g_autoptr(GPtrArray) entra = pv_guide_renew_steps ("entra", "persons", "Contoso", "https://x/scim");
  g_autoptr(GPtrArray) okta = pv_guide_renew_steps ("okta", "users", "Contoso", "https://x/scim");
  g_autoptr(GPtrArray) unset = pv_guide_renew_steps (NULL, "users", "Contoso", "https://x/scim");
  g_autoptr(GPtrArray) odd = pv_guide_renew_steps ("something-else", "users", "Contoso", "https://x/scim");
  g_auto(GStrv) guides = pv_guide_list ();
  gboolean names_app = FALSE, names_url = FALSE;

  g_assert_cmpuint (entra->len, ==, 6);
  for (guint i = 0; i < entra->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (entra, i);

      names_app |= strstr (step->title, "Persons") != NULL;
      names_url |= strstr (step->detail, "https://x/scim") != NULL;
      g_assert_null (strchr (step->title, '{'));
      g_assert_null (strchr (step->detail, '{'));
    }
  g_assert_true (names_app);
  g_assert_true (names_url);
  g_assert_nonnull (strstr (((PvGuideStep *) g_ptr_array_index (okta, 3))->title, "API Token"));
  g_assert_cmpuint (unset->len, ==, entra->len);
  g_assert_cmpuint (odd->len, ==, 3);

  /* Every guide there is: loads (steps with text, known fields and
   * placeholders, https links); setup and renew ask for the tenant URL and
   * the token, verify shows the tenant URL. */
  g_assert_cmpuint (g_strv_length (guides), >=, 7);
  for (guint i = 0; guides[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (guides[i], "-", 2);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) steps = pv_guide_steps (parts[0], parts[1], "users", "Contoso", "https://x/scim", &error);
      gboolean url = FALSE, token = FALSE;

      g_assert_no_error (error);
      g_assert_nonnull (steps);
      for (guint k = 0; k < steps->len; k++)
        {
          PvGuideStep *step = g_ptr_array_index (steps, k);

          g_assert_cmpuint (strlen (step->title), >, 0);
          g_assert_cmpuint (strlen (step->detail), >, 0);
          url |= g_strv_contains ((const char * const *) step->fields, "tenant-url");
          token |= g_strv_contains ((const char * const *) step->fields, "secret-token");
        }
      /* A SAML certificate's roll-over concerns no tenant URL or token. */
      if (g_str_equal (parts[1], "saml"))
        continue;
      g_assert_true (url);
      g_assert_true (token || g_str_equal (parts[1], "verify"));
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (pv_guide_steps ("entra", "nonsense", "users", "C", "u", &error));
    g_assert_error (error, G_RESOURCE_ERROR, G_RESOURCE_ERROR_NOT_FOUND);
  }
}

static gboolean
gone (const char *path)
{
  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins the main loop until @done (or @seconds pass); whether it came. */
static gboolean
spin_until (gboolean (*done) (gpointer), gpointer data, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return done (data);
}

static gboolean
signed_in_cb (gpointer data)
{
  return pv_entra_session_get_signed_in (data);
}

static gboolean
dir_gone_cb (gpointer data)
{
  return gone (data);
}

/* The demo's Microsoft (the stand-in as installed, here the tests' file):
 * the demo's own Entra session, Contoso's apps linked, signed in by itself
 * after the stand-in approves the code, in memory only (this test has no
 * keyring); its files gone with the demo. */
static void
test_demo_entra (void)
{
  g_autoptr(PvDemo) demo = NULL;
  g_autoptr(GFile) apps = NULL;
  g_autofree char *dir = NULL;
  PvEntraSession *entra;
  PvEntraConfig *config;
  const PvEntraLink *link;

  g_assert_nonnull (g_getenv ("PV_FAKE_ENTRA"));
  g_setenv ("PROVISIO_DEMO_ENTRA", g_getenv ("PV_FAKE_ENTRA"), TRUE);
  demo = start_demo ();
  g_unsetenv ("PROVISIO_DEMO_ENTRA");
  entra = pv_demo_get_entra (demo);
  g_assert_nonnull (entra);
  config = pv_entra_session_get_config (entra);
  g_assert_cmpstr (config->cloud, ==, "custom");
  g_assert_true (g_str_has_prefix (config->login_url, "http://127.0.0.1:"));
  link = pv_entra_config_get_link (config, "contoso", "persons");
  g_assert_nonnull (link);
  g_assert_cmpstr (link->display_name, ==, "Contoso Persons");
  g_assert_nonnull (pv_entra_config_get_link (config, "fabrikam", "persons"));
  g_assert_null (pv_entra_config_get_link (config, "fabrikam", "users"));
  apps = pv_entra_session_get_demo_apps_file (entra);
  g_assert_nonnull (apps);
  {
    g_autoptr(GFile) parent = g_file_get_parent (apps);

    dir = g_file_get_path (parent);
  }
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));

  g_assert_true (spin_until (signed_in_cb, entra, 20));
  g_assert_cmpstr (pv_graph_get_account (pv_entra_session_get_graph (entra)), ==, "admin@contoso.example");

  g_clear_object (&demo);
  g_assert_true (spin_until (dir_gone_cb, dir, 10));
}

/* Without its stand-in (not installed, failing, or never ready) the demo
 * runs as before, without Entra. */
static void
test_demo_without_entra (void)
{
  g_autofree char *dir = g_dir_make_tmp ("provisio-test-XXXXXX", NULL);
  g_autofree char *hangs = g_build_filename (dir, "hangs", NULL);
  const char *stand_ins[] = { "/bin/false", hangs };

  g_autoptr(GDir) tmp = NULL;
  const char *name;
  guint before = 0, after = 0;

  /* The demo's directories in $TMPDIR, counted: none left behind. */
  tmp = g_dir_open (g_get_tmp_dir (), 0, NULL);
  while ((name = g_dir_read_name (tmp)) != NULL)
    before += g_str_has_prefix (name, "provisio-demo-");
  g_clear_pointer (&tmp, g_dir_close);
  g_assert_true (g_file_set_contents (hangs, "#!/bin/sh\nexec sleep 600\n", -1, NULL));
  g_assert_cmpint (g_chmod (hangs, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (stand_ins); i++)
    {
      g_autoptr(PvDemo) demo = NULL;
      gint64 began = g_get_monotonic_time ();

      g_setenv ("PROVISIO_DEMO_ENTRA", stand_ins[i], TRUE);
      demo = start_demo ();
      g_unsetenv ("PROVISIO_DEMO_ENTRA");
      g_assert_null (pv_demo_get_entra (demo));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pv_demo_get_tenants (demo))), >=, 3);
      g_test_message ("%s: ready after %.1f s", stand_ins[i], (g_get_monotonic_time () - began) / 1e6);
    }
  tmp = g_dir_open (g_get_tmp_dir (), 0, NULL);
  while ((name = g_dir_read_name (tmp)) != NULL)
    after += g_str_has_prefix (name, "provisio-demo-");
  g_assert_cmpuint (after, ==, before);
  g_unlink (hangs);
  g_rmdir (dir);
}

/* The app's reminder cycle (pv_reminders_collect()) over the demo's
 * tenants: the expired and urgent tokens are due, by the tenants' own
 * schedules or the preferences'; once sent, none is due again. */
static void
test_reminders_collect (void)
{
  g_autoptr(PvDemo) demo = start_demo ();
  PvTenantList *tenants = pv_demo_get_tenants (demo);
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) one_day = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  PvExpiryPolicy override = { 0 };
  gboolean expired = FALSE;
  gboolean contoso = FALSE;

  due = pv_reminders_collect (tenants, NULL, NULL, now, sent);
  g_assert_cmpuint (due->len, >=, 2);
  for (guint i = 0; i < due->len; i++)
    {
      PvDueReminder *reminder = g_ptr_array_index (due, i);

      g_assert_nonnull (reminder->title);
      g_assert_nonnull (reminder->body);
      expired |= reminder->state == PV_EXPIRY_EXPIRED && reminder->threshold == 0;
      contoso |= reminder->tenant != NULL && g_str_equal (pv_tenant_info_get_id (reminder->tenant), "contoso");
    }
  g_assert_true (expired);
  g_assert_true (contoso);

  /* The preferences' thresholds instead: one day before, and expired;
   * what is not within a day of expiring is not due. */
  g_assert_true (pv_expiry_policy_parse (&override, "1", NULL));
  one_day = pv_reminders_collect (tenants, NULL, &override, now, sent);
  g_assert_cmpuint (one_day->len, >=, 1);
  g_assert_cmpuint (one_day->len, <, due->len);

  /* Each goes out once. */
  for (guint i = 0; i < due->len; i++)
    pv_reminders_mark_sent (sent, g_ptr_array_index (due, i));
  again = pv_reminders_collect (tenants, NULL, NULL, now, sent);
  g_assert_cmpuint (again->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  const char *base = g_getenv ("TMPDIR");
  g_autofree char *tmp = NULL;
  int status;

  /* A temporary directory of its own, before anything asks for one: the
   * demo's directories are counted in it (/demo/without-entra), and
   * other tests' demos run beside this one. */
  tmp = g_build_filename (base != NULL && *base != '\0' ? base : "/tmp", "provisio-test-demo-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (tmp));
  g_setenv ("TMPDIR", tmp, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demo/tenants", test_demo_tenants);
  g_test_add_func ("/demo/tracked-app", test_demo_tracked_app);
  g_test_add_func ("/demo/tracked-new-token", test_demo_tracked_new_token);
  g_test_add_func ("/demo/renew-and-watch", test_renew_and_watch);
  g_test_add_func ("/demo/entra", test_demo_entra);
  g_test_add_func ("/demo/without-entra", test_demo_without_entra);
  g_test_add_func ("/demo/reminders-collect", test_reminders_collect);
  g_test_add_func ("/guide/renew-steps", test_guides);
  status = g_test_run ();
  g_rmdir (tmp);
  return status;
}
