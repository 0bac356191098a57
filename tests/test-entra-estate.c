/* test-entra-estate.c: the Entra estate at scale, against the local
 * stand-in for Microsoft's sign-in and Graph (tests/server/fake_entra.py)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Run under tests/with-session.sh (the sign-in's refresh token goes to a
 * real gnome-keyring on a private D-Bus).  As a test (TAP): a directory of
 * 5,000 service principals, 300 of them provisioning and 800 SAML apps,
 * with Graph throttling bursts; the first read, a later one by delta, apps
 * added, removed and a certificate rolled over.  With --bench (tools/
 * bench-entra) it prints the figures instead: seconds of the first read and
 * of a refresh, requests sent, 429s, and the longest the main loop did not
 * run a 5 ms timer. */

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <libsoup/soup.h>

#include "pv-entra.h"
#include "pv-graph.h"

static char *fake_url;
static GSubprocess *fake;
static PvGraph *graph;
static gboolean bench;
static guint total = 5000, with_jobs = 300, saml = 800;

/* The main loop's health: the longest gap between two runs of a 5 ms
 * high-priority timer, as the app's own benchmark measures it. */
static gint64 last_tick, max_stall;

static gboolean
tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick != 0)
    max_stall = MAX (max_stall, now - last_tick);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static JsonObject *
control (const char *what,
         const char *body)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 120, NULL);
  g_autofree char *url = g_strconcat (fake_url, "/_control/", what, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_nonnull (answer);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* How many requests of each kind reached the stand-in, and how many 429s. */
static void
count_log (guint *jobs,
           guint *batches,
           guint *throttled)
{
  g_autoptr(JsonObject) state = control ("state", "{}");
  JsonArray *log = json_object_get_array_member (state, "log");

  *jobs = *batches = *throttled = 0;
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonArray *entry = json_array_get_array_element (log, i);
      const char *path = json_array_get_string_element (entry, 1);
      gint64 status = json_array_get_int_element (entry, 2);

      if (g_str_has_suffix (path, "/synchronization/jobs") && status != 429)
        (*jobs)++;
      if (g_str_equal (path, "/v1.0/$batch"))
        (*batches)++;
      if (status == 429)
        (*throttled)++;
    }
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
progress_cb (guint    done,
             guint    all,
             gpointer data)
{
  guint *calls = data;

  (*calls)++;
}

/* Refreshes @estate, in seconds; the main loop's longest stall meanwhile. */
static double
refresh (PvEntraEstate *estate,
         guint         *progress_calls,
         gint64        *stall)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSource) timer = g_timeout_source_new (5);
  gint64 start = g_get_monotonic_time ();

  g_source_set_priority (timer, G_PRIORITY_HIGH);
  g_source_set_callback (timer, tick, NULL, NULL);
  g_source_attach (timer, NULL);
  last_tick = 0;
  max_stall = 0;
  pv_entra_estate_refresh_async (estate, graph, progress_cb, progress_calls, NULL, done_cb, &result);
  g_assert_true (pv_entra_estate_refresh_finish (estate, wait_for (&result), &error));
  g_assert_no_error (error);
  g_source_destroy (timer);
  *stall = max_stall;
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
sign_in (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  control ("set", "{\"auto_approve\": 0, \"interval\": 1}");
  graph = pv_graph_new (fake_url, fake_url, "contoso.example", NULL);
  pv_graph_sign_in_async (graph, NULL, done_cb, &result);
  g_assert_true (pv_graph_sign_in_finish (graph, wait_for (&result), &error));
  g_assert_no_error (error);
}

static PvEntraSamlApp *
find_saml (GPtrArray  *apps,
           const char *name)
{
  for (guint i = 0; i < apps->len; i++)
    {
      PvEntraSamlApp *app = g_ptr_array_index (apps, i);

      if (g_str_equal (app->display_name, name))
        return app;
    }
  return NULL;
}

static PvEntraApp *
find_app (GPtrArray  *apps,
          const char *name)
{
  for (guint i = 0; i < apps->len; i++)
    {
      PvEntraApp *app = g_ptr_array_index (apps, i);

      if (g_str_equal (app->display_name, name))
        return app;
    }
  return NULL;
}

static void
test_estate_at_scale (void)
{
  g_autoptr(PvEntraEstate) estate = pv_entra_estate_new ();
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GPtrArray) skipped = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(JsonObject) made = NULL;
  g_autofree char *estate_json = g_strdup_printf ("{\"total\": %u, \"jobs\": %u, \"saml\": %u}", total, with_jobs, saml);
  PvEntraSamlApp *certificate;
  PvEntraApp *app;
  guint progress_calls = 0, jobs, batches, throttled, jobs_before, batches_before, throttled_before;
  gint64 first_stall, refresh_stall;
  double first, again;

  made = control ("estate", estate_json);
  g_assert_cmpint (json_object_get_int_member (made, "apps"), ==, total);
  /* Graph's delta pages, and its throttling of bursts: 1,000 requests in
   * two seconds, each request of a batch counted. */
  control ("set", "{\"page_size\": 999, \"burst\": {\"limit\": 1000, \"window\": 2}}");
  sign_in ();

  first = refresh (estate, &progress_calls, &first_stall);
  count_log (&jobs, &batches, &throttled);
  apps = pv_entra_estate_get_apps (estate);
  skipped = pv_entra_estate_get_skipped (estate);
  certificates = pv_entra_estate_get_saml_apps (estate);
  if (bench)
    {
      g_print ("first import: %.2f s, %u service principals, %u provisioning, %u SAML apps\n",
               first, pv_entra_estate_get_size (estate), apps->len, certificates->len);
      g_print ("  %u jobs requests in %u batches, %u answered 429 and sent again; "
               "longest main-loop stall %.1f ms; progress told %u times\n",
               jobs, batches, throttled, first_stall / 1000.0, progress_calls);
    }
  g_test_message ("first import: %.2f s, %u jobs requests in %u batches, %u answered 429, longest stall %.1f ms",
                  first, jobs, batches, throttled, first_stall / 1000.0);
  g_assert_cmpuint (pv_entra_estate_get_size (estate), ==, total);
  g_assert_cmpuint (apps->len, ==, with_jobs);
  g_assert_cmpuint (skipped->len, ==, 0);
  g_assert_cmpuint (certificates->len, ==, saml);
  g_assert_cmpuint (jobs, ==, total);
  g_assert_cmpuint (batches, >=, total / 20);
  g_assert_cmpuint (throttled, >, 0);
  g_assert_cmpuint (progress_calls, >, 2);
  app = find_app (apps, "Provisioning app 0007");
  g_assert_nonnull (app);
  g_assert_cmpstr (app->base_address, ==, "https://scim7.example.com/scim/v2");
  g_assert_cmpstr (app->job->status, ==, "Active");
  /* The active certificate, of the two the app holds keys for. */
  certificate = find_saml (certificates, "SAML app 0310");
  g_assert_nonnull (certificate);
  g_assert_nonnull (certificate->thumbprint);
  g_assert_cmpint (certificate->not_after, >, g_get_real_time () / G_USEC_PER_SEC + 86400 * 309);
  g_assert_cmpint (certificate->not_after, <, g_get_real_time () / G_USEC_PER_SEC + 86400 * 311);
  g_clear_pointer (&apps, g_ptr_array_unref);
  g_clear_pointer (&certificates, g_ptr_array_unref);

  /* A later refresh: one new provisioning app, one removed, one SAML app's
   * certificate rolled over to a new one (the old one kept, inactive). */
  control ("app", "{\"id\": \"feedface-0001\", \"displayName\": \"Timly Users\", "
                  "\"base_address\": \"https://api.timly.example/scim/v2\"}");
  control ("remove", "{\"id\": \"00000003-e57a-4e00-8000-000000000003\"}");
  control ("app", "{\"id\": \"00000136-e57a-4e00-8000-000000000136\", \"displayName\": \"SAML app 0310\", "
                  "\"status\": \"None\", \"saml\": {\"thumbprint\": \"ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12\", "
                  "\"not_after\": \"2029-01-31T12:00:00Z\", \"subject\": \"CN=New SSO Certificate\", "
                  "\"older\": [{\"thumbprint\": \"0012cd34ef56ab12cd34ef56ab12cd34ef56ab12\", "
                  "\"not_after\": \"2030-01-01T00:00:00Z\"}]}}");
  jobs_before = jobs;
  batches_before = batches;
  throttled_before = throttled;
  progress_calls = 0;
  again = refresh (estate, &progress_calls, &refresh_stall);
  count_log (&jobs, &batches, &throttled);
  apps = pv_entra_estate_get_apps (estate);
  certificates = pv_entra_estate_get_saml_apps (estate);
  if (bench)
    g_print ("refresh by delta: %.2f s, %u jobs requests in %u batches, %u answered 429; "
             "longest main-loop stall %.1f ms\n",
             again, jobs - jobs_before, batches - batches_before, throttled - throttled_before,
             refresh_stall / 1000.0);
  g_test_message ("refresh: %.2f s, %u jobs requests, longest stall %.1f ms", again, jobs - jobs_before,
                  refresh_stall / 1000.0);
  g_assert_cmpuint (pv_entra_estate_get_size (estate), ==, total);
  g_assert_cmpuint (apps->len, ==, with_jobs);
  g_assert_nonnull (find_app (apps, "Timly Users"));
  g_assert_null (find_app (apps, "Provisioning app 0003"));
  /* Only what changed, and what provisions, was asked again. */
  g_assert_cmpuint (jobs - jobs_before, ==, with_jobs + 1);
  certificate = find_saml (certificates, "SAML app 0310");
  g_assert_cmpstr (certificate->thumbprint, ==, "AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12");
  g_assert_cmpstr (certificate->subject, ==, "CN=New SSO Certificate");
  g_assert_cmpint (certificate->not_after, ==, 1864555200);
  if (!bench)
    {
      /* The targets, with room for a loaded machine; tools/bench-entra
       * prints the figures. */
      g_assert_cmpfloat (first, <, 60);
      g_assert_cmpfloat (again, <, first);

      /* Graph no longer knows the delta link (410): the whole directory
       * is read again, and nothing is lost or doubled. */
      control ("set", "{\"delta_gone\": true}");
      control ("remove", "{\"id\": \"00000004-e57a-4e00-8000-000000000004\"}");
      jobs_before = jobs;
      refresh (estate, &progress_calls, &refresh_stall);
      count_log (&jobs, &batches, &throttled);
      g_clear_pointer (&apps, g_ptr_array_unref);
      apps = pv_entra_estate_get_apps (estate);
      g_assert_cmpuint (pv_entra_estate_get_size (estate), ==, total - 1);
      g_assert_cmpuint (apps->len, ==, with_jobs - 1);
      g_assert_null (find_app (apps, "Provisioning app 0004"));
      g_assert_cmpuint (jobs - jobs_before, ==, total - 1);
    }
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--bench"))
      bench = TRUE;
  if (bench)
    {
      if (g_getenv ("BENCH_APPS") != NULL)
        total = (guint) g_ascii_strtoull (g_getenv ("BENCH_APPS"), NULL, 10);
      argc = 1;
    }
  g_test_init (&argc, &argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fake = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", g_getenv ("PV_FAKE_ENTRA"), NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake));
  line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  g_assert_true (line != NULL && g_str_has_prefix (line, "fake-entra: listening on "));
  fake_url = g_strdup (line + strlen ("fake-entra: listening on "));

  g_test_add_func ("/entra/estate-at-scale", test_estate_at_scale);
  status = g_test_run ();
  g_subprocess_send_signal (fake, 15);
  g_subprocess_wait (fake, NULL, NULL);
  g_clear_object (&graph);
  return status;
}
