/* test-graph.c: what the Graph client makes of Microsoft's refusals, and
 * what each of Microsoft's clouds offers
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>

#include <string.h>

#include "pv-calendar.h"
#include "pv-entra.h"
#include "pv-entra-session.h"
#include "pv-graph-private.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-reminders.h"
#include "pv-time.h"
#include "pv-tracked-app.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return pv_graph_parse (bytes);
}

static void
test_refusals (void)
{
  struct {
    const char   *answer;
    PvGraphError  code;
    const char   *message;
  } cases[] = {
    /* Conditional Access: not a dead sign-in, the policy is named */
    { "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS53003: Access has been blocked by Conditional "
      "Access policies.\\r\\nTrace ID: 1\",\"error_codes\":[53003]}",
      PV_GRAPH_ERROR_BLOCKED, "from that policy (AADSTS53003: Access has been blocked by Conditional Access policies.)" },
    { "{\"error\":\"interaction_required\",\"error_description\":\"AADSTS50076: MFA.\",\"error_codes\":[50076]}",
      PV_GRAPH_ERROR_NOT_SIGNED_IN, "multi-factor authentication again; sign in again (AADSTS50076: MFA.)" },
    /* The code from the description when error_codes is missing */
    { "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS65001: No consent.\"}",
      PV_GRAPH_ERROR_SIGN_IN_FAILED, "registers a client of the organisation's own (AADSTS65001: No consent.)" },
    /* A code Provisio does not know: Microsoft's words, with the code added */
    { "{\"error\":\"invalid_grant\",\"error_description\":\"Something new.\",\"error_codes\":[99999]}",
      PV_GRAPH_ERROR_NOT_SIGNED_IN, "sign in again (AADSTS99999: Something new.)" },
    { "{\"error\":\"invalid_client\",\"error_codes\":[12345]}",
      PV_GRAPH_ERROR_SIGN_IN_FAILED, "Microsoft refused the sign-in: AADSTS12345" },
    { "{\"error\":\"expired_token\",\"error_codes\":[70019]}",
      PV_GRAPH_ERROR_CODE_EXPIRED, "The code expired" },
    { "{}", PV_GRAPH_ERROR_INVALID_RESPONSE, "HTTP 400 and no usable error" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) answer = parse (cases[i].answer);
      g_autoptr(GError) error = pv_graph_oauth_error (answer, 400);

      g_assert_error (error, PV_GRAPH_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_null (strstr (error->message, "Trace ID"));
    }
}

static void
test_missing_rights (void)
{
  g_autoptr(JsonNode) body = parse ("{\"error\":{\"code\":\"UnknownError\",\"message\":\"\"}}");
  g_autofree char *role = pv_graph_missing_rights_message ("https://graph.microsoft.com/Synchronization.ReadWrite.All "
                                                           "https://graph.microsoft.com/Application.Read.All", 401, body);
  g_autofree char *consent = pv_graph_missing_rights_message ("https://graph.microsoft.com/Application.Read.All",
                                                              401, body);

  g_assert_nonnull (strstr (role, "Cloud Application Administrator role (HTTP 401)"));
  g_assert_nonnull (strstr (consent, "Synchronization.ReadWrite.All was not consented to"));
}

static void
test_clouds (void)
{
  const PvGraphCloud *china = pv_graph_cloud_lookup ("china");
  const PvGraphCloud *global = pv_graph_cloud_lookup ("global");
  g_autoptr(PvGraph) in_china = pv_graph_new (china->login_url, china->graph_url, NULL, NULL);
  g_autoptr(PvGraph) custom = pv_graph_new ("http://127.0.0.1:1", "http://127.0.0.1:1", NULL, NULL);

  /* The login host Microsoft names for China today */
  g_assert_cmpstr (china->login_url, ==, "https://login.partner.microsoftonline.cn");
  g_assert_false (china->validate_credentials);
  g_assert_true (global->validate_credentials);
  g_assert_true (pv_graph_cloud_for_graph_url ("https://microsoftgraph.chinacloudapi.cn") == china);
  g_assert_null (pv_graph_cloud_for_graph_url ("http://127.0.0.1:1"));

  g_assert_false (pv_entra_hand_over_step_available (in_china, PV_HAND_OVER_VALIDATE));
  for (PvHandOverStep step = PV_HAND_OVER_SAVE; step < PV_HAND_OVER_N_STEPS; step++)
    g_assert_true (pv_entra_hand_over_step_available (custom, step));
  g_assert_true (pv_entra_hand_over_step_available (in_china, PV_HAND_OVER_RESTART));

  /* Said before a renewal, in the preferences and after provisioctl entra sign-in */
  {
    g_autofree char *note = pv_entra_cloud_note (in_china);
    g_autofree char *none = pv_entra_cloud_note (custom);

    g_assert_nonnull (strstr (note, "China (operated by 21Vianet)"));
    g_assert_nonnull (strstr (note, "does not offer Entra's credential test"));
    g_assert_null (none);
  }
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A SAML app's active certificate is the Sign key preferredTokenSigningKey-
 * Thumbprint names (customKeyIdentifier: the thumbprint's bytes in base64),
 * not its Verify twin nor an inactive certificate that lasts longer; and it
 * comes to the dashboard, the next actions and the reminders as an SSO
 * certificate does. */
static void
test_saml_certificate (void)
{
  /* 3q2+7w== is DE AD BE EF; AAECAw== is 00 01 02 03. */
  g_autoptr(JsonObject) sp = parse_object (
    "{\"id\": \"5a1c\", \"displayName\": \"Timly SSO\", \"preferredSingleSignOnMode\": \"saml\","
    " \"preferredTokenSigningKeyThumbprint\": \"deadbeef\", \"keyCredentials\": ["
    "  {\"customKeyIdentifier\": \"AAECAw==\", \"usage\": \"Sign\", \"endDateTime\": \"2030-01-01T00:00:00Z\","
    "   \"displayName\": \"CN=Old\"},"
    "  {\"customKeyIdentifier\": \"3q2+7w==\", \"usage\": \"Verify\", \"endDateTime\": \"2029-01-01T00:00:00Z\"},"
    "  {\"customKeyIdentifier\": \"3q2+7w==\", \"usage\": \"Sign\", \"endDateTime\": \"2026-11-28T00:00:00Z\","
    "   \"displayName\": \"CN=Microsoft Azure Federated SSO Certificate\"}]}");
  g_autoptr(JsonObject) oidc = parse_object ("{\"id\": \"77\", \"preferredSingleSignOnMode\": \"oidc\"}");
  g_autoptr(JsonObject) lost = parse_object (
    "{\"id\": \"78\", \"displayName\": \"Lost\", \"preferredSingleSignOnMode\": \"saml\","
    " \"preferredTokenSigningKeyThumbprint\": \"CAFE\", \"keyCredentials\": [{\"usage\": \"Sign\"}, 3, null]}");
  g_autoptr(PvEntraSamlApp) app = pv_entra_saml_app_new_from_json (sp);
  g_autoptr(PvEntraSamlApp) none = pv_entra_saml_app_new_from_json (lost);
  g_autoptr(PvTenantInfo) info = NULL;
  g_autoptr(GListStore) store = g_list_store_new (PV_TYPE_TENANT_INFO);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  gint64 now, expires;
  PvOverviewItem *item;
  PvNextAction *action;

  g_assert_true (pv_time_parse ("2026-11-18T00:00:00Z", &now));
  g_assert_true (pv_time_parse ("2026-11-28T00:00:00Z", &expires));
  g_assert_null (pv_entra_saml_app_new_from_json (oidc));
  g_assert_nonnull (app);
  g_assert_cmpstr (app->thumbprint, ==, "DEADBEEF");
  g_assert_cmpstr (app->subject, ==, "CN=Microsoft Azure Federated SSO Certificate");
  g_assert_cmpint (app->not_after, ==, expires);
  g_assert_nonnull (none);
  g_assert_cmpint (none->not_after, ==, 0);

  info = pv_entra_saml_app_new_info (app);
  g_list_store_append (store, info);
  items = pv_overview_items (G_LIST_MODEL (store), NULL, now);
  g_assert_cmpuint (items->len, ==, 1);
  item = items->pdata[0];
  g_assert_cmpstr (item->label, ==, "Timly SSO · SSO certificate");
  g_assert_cmpint (item->expires_at, ==, expires);
  g_assert_cmpint (item->state, !=, PV_EXPIRY_OK);
  actions = pv_overview_next_actions (G_LIST_MODEL (store), NULL, now);
  g_assert_cmpuint (actions->len, ==, 1);
  action = actions->pdata[0];
  g_assert_cmpint (action->action, ==, PV_ACTION_RENEW_CERTIFICATE);
  g_assert_nonnull (strstr (action->title, "Timly SSO"));
  due = pv_reminders_due_for_tenant (info, pv_tenant_info_get_policy (info), now, sent);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_nonnull (strstr (((PvDueReminder *) due->pdata[0])->title, "Timly SSO"));

  /* The Entra steps to roll it over name the app. */
  steps = pv_guide_steps ("entra", "saml", "users", "Timly SSO", "", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, 5);
  g_assert_nonnull (strstr (((PvGuideStep *) steps->pdata[0])->title, "Timly SSO"));
  g_assert_nonnull (strstr (((PvGuideStep *) steps->pdata[3])->title, "active"));
}

/* After a hand-over, only a cycle that ended since tells whether Entra
 * provisions with the new token. */
static void
test_cycle_since (void)
{
  const char *job = "{\"id\": \"scim.1\", \"status\": {\"code\": \"%s\", "
                    "\"lastExecution\": {\"state\": \"%s\", \"timeEnded\": \"%s\"}, "
                    "\"lastSuccessfulExecution\": {\"state\": \"Succeeded\", \"timeEnded\": \"%s\"}, "
                    "\"quarantine\": %s}}";
  const char *quarantine = "{\"reason\": \"EncounteredQuarantineException\", "
                           "\"seriesBegan\": \"%s\", \"error\": {\"message\": \"401\"}}";
  struct {
    const char   *code, *last_state, *last_run, *last_success, *quarantined;
    PvEntraCycle  expected;
  } cases[] = {
    /* Nothing ran since 10:00 */
    { "Active", "Succeeded", "2026-12-03T09:40:00Z", "2026-12-03T09:40:00Z", NULL, PV_ENTRA_CYCLE_WAITING },
    { "Active", "Succeeded", "2026-12-03T10:20:00Z", "2026-12-03T10:20:00Z", NULL, PV_ENTRA_CYCLE_SUCCEEDED },
    /* Ended the very second of the hand-over: perhaps with the old token */
    { "Active", "Succeeded", "2026-12-03T10:00:00Z", "2026-12-03T10:00:00Z", NULL, PV_ENTRA_CYCLE_WAITING },
    { "Active", "Failed", "2026-12-03T10:20:00Z", "2026-12-03T09:40:00Z", NULL, PV_ENTRA_CYCLE_FAILED },
    /* A failure before the hand-over says nothing of the new token */
    { "Active", "Failed", "2026-12-03T09:50:00Z", "2026-12-03T09:40:00Z", NULL, PV_ENTRA_CYCLE_WAITING },
    { "Active", "EntryLevelErrors", "2026-12-03T10:20:00Z", "2026-12-03T09:40:00Z", NULL,
      PV_ENTRA_CYCLE_SUCCEEDED },
    { "Quarantine", "Failed", "2026-12-03T10:20:00Z", "2026-12-03T09:40:00Z", "2026-12-03T10:20:00Z",
      PV_ENTRA_CYCLE_FAILED },
    /* In quarantine before: waits for the restart the hand-over asked for */
    { "Quarantine", "Failed", "2026-12-03T09:50:00Z", "2026-12-03T09:40:00Z", "2026-12-02T09:00:00Z",
      PV_ENTRA_CYCLE_WAITING },
  };
  gint64 since;

  g_assert_true (pv_time_parse ("2026-12-03T10:00:00Z", &since));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *q = cases[i].quarantined ? g_strdup_printf (quarantine, cases[i].quarantined) : g_strdup ("null");
      g_autofree char *text = g_strdup_printf (job, cases[i].code, cases[i].last_state, cases[i].last_run,
                                               cases[i].last_success, q);
      g_autoptr(JsonObject) object = parse_object (text);
      g_autoptr(PvEntraJob) parsed = pv_entra_job_new_from_json (object, NULL);

      g_assert_nonnull (parsed);
      g_assert_cmpint (pv_entra_job_cycle_since (parsed, since), ==, cases[i].expected);
    }
}

/* The SAML certificates of the last import are kept in a state file (no
 * secret: names, thumbprints, dates) and read back as they were; a damaged
 * file says so; the reminders and the calendar give the Entra steps. */
static void
test_saml_kept (void)
{
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_saml_app_free);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GListStore) store = g_list_store_new (PV_TYPE_TENANT_INFO);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) calendar = NULL;
  g_autofree char *ics = NULL;
  g_autofree char *steps = NULL;
  PvEntraSamlApp *app;
  PvDueReminder *reminder;
  const char *data;
  PvExpiryPolicy policy;
  gint64 now, expires;
  gsize length;

  g_assert_true (pv_time_parse ("2026-11-18T00:00:00Z", &now));
  g_assert_true (pv_time_parse ("2026-11-28T00:00:00Z", &expires));
  app = g_new0 (PvEntraSamlApp, 1);
  app->service_principal_id = g_strdup ("5a1c-0001");
  app->display_name = g_strdup ("Timly SSO; \"quoted\"\nnext line");
  app->thumbprint = g_strdup ("DEADBEEF");
  app->subject = g_strdup ("CN=Microsoft Azure Federated SSO Certificate");
  app->not_after = expires;
  g_ptr_array_add (apps, app);
  app = g_new0 (PvEntraSamlApp, 1);
  app->service_principal_id = g_strdup ("78");
  app->display_name = g_strdup ("Lost");
  g_ptr_array_add (apps, app);

  bytes = pv_entra_saml_apps_to_bytes (apps);
  data = g_bytes_get_data (bytes, &length);
  back = pv_entra_saml_apps_from_data (data, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      PvEntraSamlApp *a = apps->pdata[i];
      PvEntraSamlApp *b = NULL;

      for (guint j = 0; j < back->len; j++)
        if (g_str_equal (((PvEntraSamlApp *) back->pdata[j])->service_principal_id, a->service_principal_id))
          b = back->pdata[j];
      g_assert_nonnull (b);
      g_assert_cmpstr (b->display_name, ==, a->display_name);
      g_assert_cmpstr (b->thumbprint, ==, a->thumbprint);
      g_assert_cmpstr (b->subject, ==, a->subject);
      g_assert_cmpint (b->not_after, ==, a->not_after);
    }
  /* Only a certificate whose expiry is known is shown. */
  infos = pv_entra_saml_apps_new_infos (back);
  g_assert_cmpuint (infos->len, ==, 1);
  g_assert_cmpstr (pv_entra_saml_info_get_app_name (infos->pdata[0]), ==, "Timly SSO; \"quoted\"\nnext line");

  g_assert_null (pv_entra_saml_apps_from_data ("[saml 1\nname", -1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_pointer (&back, g_ptr_array_unref);
  back = pv_entra_saml_apps_from_data ("[saml 9]\nname=Bad date\nnot-after=soon\n[other]\nname=x\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  g_assert_cmpint (((PvEntraSamlApp *) back->pdata[0])->not_after, ==, 0);

  /* The reminder says it is Entra's and what to do there. */
  due = pv_reminders_due_for_tenant (infos->pdata[0], pv_tenant_info_get_policy (infos->pdata[0]), now, sent);
  g_assert_cmpuint (due->len, ==, 1);
  reminder = due->pdata[0];
  g_assert_true (g_str_has_prefix (reminder->title, "The SAML signing certificate of Timly SSO"));
  g_assert_nonnull (strstr (reminder->body, "Microsoft Entra"));
  g_assert_nonnull (strstr (reminder->body, "add a new certificate"));
  g_assert_nonnull (strstr (reminder->body, "make it active"));

  /* The calendar's event carries the numbered steps. */
  steps = pv_entra_saml_describe_steps (infos->pdata[0]);
  g_assert_nonnull (steps);
  g_assert_true (g_str_has_prefix (steps, "1. Open the single sign-on settings of Timly SSO; \"quoted\"\nnext line\n"
                                          "In the Microsoft Entra admin center"));
  g_assert_nonnull (strstr (steps, "\n\n2. Add a new certificate\nUnder SAML Certificates select Edit"));
  g_assert_nonnull (strstr (steps, "\n\n4. Make the new certificate active\n"));
  g_list_store_append (store, infos->pdata[0]);
  pv_expiry_policy_init_default (&policy);
  ics = pv_calendar_build (G_LIST_MODEL (store), &policy, now);
  /* Unfolded (RFC 5545 3.1) */
  calendar = g_string_new (ics);
  g_string_replace (calendar, "\r\n ", "", 0);
  g_assert_nonnull (strstr (calendar->str, "UID:sso-certificate-20261128@entra-saml-5a1c-0001.provisio\r\n"));
  g_assert_nonnull (strstr (calendar->str, "in the Entra admin center:\\n1. Open the single sign-on settings of "
                                           "Timly SSO\\; \"quoted\"\\nnext line\\nIn the Microsoft Entra"));
  g_assert_nonnull (strstr (calendar->str, "\\n\\n4. Make the new certificate active\\n"));
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (pv_entra_session_load_finish (PV_ENTRA_SESSION (source), result, NULL));
  *done = TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* The app's session takes up the certificates of the last import at start,
 * before any sign-in: from the state file, as provisioctl reads it. */
static void
test_saml_restored (void)
{
  g_autofree char *dir = g_dir_make_tmp ("provisio-test-XXXXXX", NULL);
  g_autofree char *config_path = g_build_filename (dir, "entra.ini", NULL);
  g_autoptr(GFile) config = g_file_new_for_path (config_path);
  g_autoptr(GFile) state = pv_entra_saml_state_file ();
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_saml_app_free);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PvEntraSession) session = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autoptr(PvTenantInfo) shown = NULL;
  PvEntraSamlApp *app = g_new0 (PvEntraSamlApp, 1);
  GListModel *saml;
  gboolean done = FALSE;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint tick;

  /* $XDG_STATE_HOME is the test's own (main()). */
  g_assert_true (g_str_has_prefix (g_file_peek_path (state), g_get_tmp_dir ()));
  app->service_principal_id = g_strdup ("5a1c");
  app->display_name = g_strdup ("Timly SSO");
  app->not_after = 1800000000;
  g_ptr_array_add (apps, app);
  bytes = pv_entra_saml_apps_to_bytes (apps);
  parent = g_file_get_parent (state);
  g_file_make_directory_with_parents (parent, NULL, NULL);
  g_assert_true (g_file_replace_contents (state, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL,
                                          FALSE, G_FILE_CREATE_PRIVATE, NULL, NULL, NULL));

  session = pv_entra_session_new (config);
  saml = pv_entra_session_get_saml_certificates (session);
  g_assert_cmpuint (g_list_model_get_n_items (saml), ==, 0);
  pv_entra_session_load_async (session, NULL, loaded_cb, &done);
  tick = g_timeout_add (50, tick_cb, NULL);
  while ((!done || g_list_model_get_n_items (saml) == 0) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_true (done);
  g_assert_cmpuint (g_list_model_get_n_items (saml), ==, 1);
  shown = g_list_model_get_item (saml, 0);
  g_assert_cmpstr (pv_entra_saml_info_get_app_name (shown), ==, "Timly SSO");
  g_assert_false (pv_entra_session_get_signed_in (session));
  g_file_delete (state, NULL, NULL);
  g_rmdir (dir);
}

/* An app Import from Entra tracked, its expiry not told yet: its Next
 * Action is to set the date, not to issue a token (it is in use). */
static void
test_imported_expiry_unknown (void)
{
  g_autoptr(PvTrackedApp) app = pv_tracked_app_new ("timeneye", "Timeneye", "timeneye");
  g_autoptr(PvTenantInfo) info = NULL;
  g_autoptr(GListStore) store = g_list_store_new (PV_TYPE_TENANT_INFO);
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GPtrArray) items = NULL;
  PvNextAction *action;

  pv_tracked_app_add_connection (app, "users", "https://api.timeneye.com/scim/v2");
  info = pv_tracked_app_new_info (app, NULL, 1795000000);
  g_list_store_append (store, info);
  actions = pv_overview_next_actions (G_LIST_MODEL (store), NULL, 1795000000);
  items = pv_overview_items (G_LIST_MODEL (store), NULL, 1795000000);
  g_assert_cmpuint (actions->len, ==, 1);
  action = actions->pdata[0];
  g_assert_cmpint (action->action, ==, PV_ACTION_SET_EXPIRY);
  g_assert_cmpstr (action->title, ==, "Set when the Users token of Timeneye expires");
  g_assert_cmpuint (items->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = g_dir_make_tmp ("provisio-test-state-XXXXXX", NULL);
  int status;

  setlocale (LC_ALL, "C");
  /* Before GLib reads it: the SAML certificates' state file is the test's. */
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph/refusals", test_refusals);
  g_test_add_func ("/graph/missing-rights", test_missing_rights);
  g_test_add_func ("/graph/clouds", test_clouds);
  g_test_add_func ("/graph/saml-certificate", test_saml_certificate);
  g_test_add_func ("/graph/saml-kept", test_saml_kept);
  g_test_add_func ("/graph/saml-restored", test_saml_restored);
  g_test_add_func ("/graph/imported-expiry-unknown", test_imported_expiry_unknown);
  g_test_add_func ("/graph/cycle-since", test_cycle_since);
  status = g_test_run ();
  {
    g_autofree char *provisio = g_build_filename (state, "provisio", NULL);

    g_rmdir (provisio);
    g_rmdir (state);
  }
  return status;
}
