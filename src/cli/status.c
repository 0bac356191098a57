/* status.c: provisioctl status, check, remind, calendar and test: every
 * tenant's and tracked app's state at once, and a SCIM URL's
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisioctl-status"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "pv-calendar.h"
#include "pv-connection-info.h"
#include "pv-credentials.h"
#include "pv-expiry.h"
#include "pv-files.h"
#include "pv-json.h"
#include "pv-probe.h"
#include "pv-reminder-info.h"
#include "pv-reminder-cycle.h"
#include "pv-reminders.h"
#include "pv-tenant-info.h"
#include "pv-tenant-list.h"
#include "pv-time.h"
#include "pv-token-info.h"
#include "pv-tracked-check.h"
#include "app.h"
#include "common.h"
#include "entra.h"
#include "status.h"

/* Exit codes of `check`, as monitoring plugins use them. */
enum {
  CHECK_OK = 0,
  CHECK_WARNING = 1,
  CHECK_CRITICAL = 2,
  CHECK_UNKNOWN = 3,
};

static gboolean opt_offline;
static char *opt_output;

const GOptionEntry status_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON for scripts"), NULL },
  { "offline", 0, 0, G_OPTION_ARG_NONE, &opt_offline,
    N_("Show the last known state, without asking the tenants"), NULL },
  { NULL }
};

const GOptionEntry calendar_entries[] = {
  { "offline", 0, 0, G_OPTION_ARG_NONE, &opt_offline,
    N_("From the last known state, without asking the tenants"), NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("Write to FILE rather than standard output"),
    N_("FILE") },
  { NULL }
};

/* test URL: the SCIM probe, with a token from the terminal or standard input */
static int
test_connection (const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(PvProbeResult) result = NULL;
  g_autofree char *token = NULL;

  token = read_secret (_("SCIM token: "));
  if (token == NULL || *token == '\0')
    {
      g_printerr (_("provisioctl: no token given\n"));
      return 2;
    }
  pv_probe_async (url, token, NULL, NULL, got_result_cb, &done);
  result = pv_probe_finish (wait_for (&done), &error);
  if (result == NULL)
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "verdict");
      json_builder_add_string_value (b, pv_probe_verdict_to_string (result->verdict));
      json_builder_set_member_name (b, "detail");
      json_builder_add_string_value (b, result->detail);
      json_builder_set_member_name (b, "elapsed_ms");
      json_builder_add_int_value (b, result->elapsed_ms);
      json_builder_set_member_name (b, "features");
      json_builder_begin_array (b);
      for (guint i = 0; i < result->features->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (result->features, i));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "endpoints");
      json_builder_begin_array (b);
      for (guint i = 0; i < result->endpoints->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (result->endpoints, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *features = NULL;
      g_autofree char *endpoints = NULL;

      g_ptr_array_add (result->features, NULL);
      g_ptr_array_add (result->endpoints, NULL);
      features = g_strjoinv (", ", (char **) result->features->pdata);
      endpoints = g_strjoinv (", ", (char **) result->endpoints->pdata);
      g_print ("%s: %s (%" G_GINT64_FORMAT " ms)\n", pv_probe_verdict_to_string (result->verdict),
               result->detail, result->elapsed_ms);
      if (*features)
        g_print (_("Supports: %s\n"), features);
      if (*endpoints)
        g_print (_("Resource types: %s\n"), endpoints);
    }
  return result->verdict == PV_PROBE_WORKS || result->verdict == PV_PROBE_SLOW ? 0 : 1;
}

/* status, check and calendar: every tenant and tracked app at once, as
 * the app holds them (PvTenantList) */

/* The tenants and tracked apps: each one's last known state and, unless
 * @offline, each asked anew and each tracked token checked. */
static PvTenantList *
load_tenants (GFile     *file,
              gboolean   offline,
              GError   **error)
{
  g_autoptr(PvTenantList) tenants = pv_tenant_list_new (file);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) refreshed = NULL;

  pv_tenant_list_set_offline (tenants, offline);
  pv_tenant_list_load_async (tenants, NULL, got_result_cb, &loaded);
  if (!pv_tenant_list_load_finish (tenants, wait_for (&loaded), error))
    return NULL;
  if (offline)
    return g_steal_pointer (&tenants);
  pv_tenant_list_refresh_async (tenants, NULL, got_result_cb, &refreshed);
  pv_tenant_list_refresh_finish (tenants, wait_for (&refreshed), NULL);
  /* The tracked tokens' checks are kept before the process ends. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tenants)); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (tenants), i);

      if (pv_tenant_list_get_tracked_app (tenants, tenant) != NULL)
        {
          save_checks (pv_tenant_list_get_checks (tenants));
          break;
        }
    }
  return g_steal_pointer (&tenants);
}

/* status, check and calendar say when the tracked tokens went unchecked. */
static PvTenantList *
survey (GFile     *file,
        gboolean   offline,
        GError   **error)
{
  PvTenantList *tenants = load_tenants (file, offline, error);
  const GError *unchecked = tenants ? pv_tenant_list_get_app_tokens_error (tenants) : NULL;

  if (unchecked != NULL)
    g_printerr (_("provisioctl: the tracked apps' tokens are not checked: %s\n"), unchecked->message);
  return tenants;
}

/* "Now" by the tenant's clock, as far as it was asked. */
static gint64
tenant_now (PvTenantList *tenants,
            PvTenantInfo *t)
{
  PvClient *client = pv_tenant_list_get_client (tenants, t);

  return client ? pv_client_get_now (client) : g_get_real_time () / G_USEC_PER_SEC;
}

/* When the state shown was fetched; a tracked app's is known here, not
 * fetched from anywhere. */
static gint64
fetched_at (PvTenantList *tenants,
            PvTenantInfo *t)
{
  return pv_tenant_list_get_tracked_app (tenants, t) ? 0 : pv_tenant_info_get_fetched_at (t);
}

/* The verdict of a tracked token's last check, in a word, or NULL */
static const char *
app_verdict (PvTenantList *tenants,
             PvTenantInfo *t,
             const char   *kind)
{
  PvTrackedApp *app = pv_tenant_list_get_tracked_app (tenants, t);
  PvProbeVerdict verdict;

  if (app == NULL || !pv_tracked_checks_get (pv_tenant_list_get_checks (tenants), app, kind, &verdict, NULL, NULL))
    return NULL;
  return pv_probe_verdict_to_string (verdict);
}

#define add_time pv_json_builder_add_time
#define add_string pv_json_builder_add_string

static void
add_connections (JsonBuilder  *b,
                 PvTenantList *tenants,
                 PvTenantInfo *t)
{
  GListModel *connections = pv_tenant_info_get_connections (t);
  gboolean app = pv_tenant_list_get_tracked_app (tenants, t) != NULL;

  json_builder_begin_array (b);
  for (guint c = 0; pv_tenant_info_get_error (t) == NULL && c < g_list_model_get_n_items (connections); c++)
    {
      g_autoptr(PvConnectionInfo) conn = g_list_model_get_item (connections, c);
      GListModel *tokens = pv_connection_info_get_tokens (conn);

      json_builder_begin_object (b);
      add_string (b, "kind", pv_connection_info_get_kind (conn));
      add_string (b, "identity_provider", pv_connection_info_get_identity_provider (conn));
      add_string (b, "scim_base_url", pv_connection_info_get_scim_base_url (conn));
      if (app)
        add_string (b, "check", app_verdict (tenants, t, pv_connection_info_get_kind (conn)));
      json_builder_set_member_name (b, "tokens");
      json_builder_begin_array (b);
      for (guint k = 0; k < g_list_model_get_n_items (tokens); k++)
        {
          g_autoptr(PvTokenInfo) token = g_list_model_get_item (tokens, k);

          json_builder_begin_object (b);
          add_string (b, "id", pv_token_info_get_id (token));
          add_string (b, "prefix", pv_token_info_get_prefix (token));
          add_string (b, "description", pv_token_info_get_description (token));
          add_string (b, "created_by", pv_token_info_get_created_by (token));
          add_time (b, "created_at", pv_token_info_get_created_at (token));
          add_time (b, "expires_at", pv_token_info_get_expires_at (token));
          add_time (b, "last_used_at", pv_token_info_get_last_used_at (token));
          json_builder_set_member_name (b, "days_left");
          json_builder_add_int_value (b, pv_expiry_days_left (pv_token_info_get_expires_at (token),
                                                              tenant_now (tenants, t)));
          add_string (b, "state", pv_expiry_state_to_string (pv_token_info_get_state (token)));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* "admin_key": the key Provisio holds for the tenant, or null */
static void
add_key (JsonBuilder  *b,
         PvTenantList *tenants,
         PvTenantInfo *t)
{
  const char *id = NULL, *prefix = NULL;
  gint64 created_at = 0, expires_at = 0;
  PvExpiryState state = pv_tenant_info_get_key (t, &id, &prefix, &created_at, &expires_at);

  json_builder_set_member_name (b, "admin_key");
  if (pv_tenant_info_get_error (t) != NULL || id == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_string (b, "id", id);
  add_string (b, "prefix", prefix);
  add_string (b, "owner", pv_tenant_info_get_account (t));
  add_time (b, "created_at", created_at);
  add_time (b, "expires_at", expires_at);
  json_builder_set_member_name (b, "days_left");
  json_builder_add_int_value (b, pv_expiry_days_left (expires_at, tenant_now (tenants, t)));
  add_string (b, "state", pv_expiry_state_to_string (state));
  json_builder_end_object (b);
}

/* Days left come from the tenant's clock; say so when this one is off. */
static void
warn_about_clocks (PvTenantList *tenants)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tenants)); i++)
    {
      g_autoptr(PvTenantInfo) t = g_list_model_get_item (G_LIST_MODEL (tenants), i);
      PvClient *client = pv_tenant_list_get_client (tenants, t);
      gint64 skew = client ? pv_client_get_clock_skew (client) : 0;

      if (ABS (skew) >= 120)
        g_printerr (skew > 0
                    ? _("provisioctl: this computer's clock is %d minutes behind %s's; "
                        "expiry is computed with the tenant's clock\n")
                    : _("provisioctl: this computer's clock is %d minutes ahead of %s's; "
                        "expiry is computed with the tenant's clock\n"),
                    /* The Date header has whole seconds: round, not truncate. */
                    (int) ((ABS (skew) + 30) / 60), pv_tenant_info_get_id (t));
    }
}

static int
status (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvTenantList) tenants = NULL;
  GListModel *list;
  int status = 0;

  if (!(tenants = survey (file, opt_offline, &error)))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  list = G_LIST_MODEL (tenants);
  if (opt_offline)
    {
      for (guint i = 0; i < g_list_model_get_n_items (list); i++)
        {
          g_autoptr(PvTenantInfo) t = g_list_model_get_item (list, i);
          gint64 when_fetched = fetched_at (tenants, t);
          g_autofree char *when = pv_tenant_info_get_error (t) == NULL && when_fetched ? pv_time_format (when_fetched)
                                                                                        : NULL;

          if (when != NULL)
            g_printerr (_("provisioctl: %s as of %s\n"), pv_tenant_info_get_id (t), when);
        }
    }
  else
    {
      warn_about_clocks (tenants);
    }

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "tenants");
      json_builder_begin_array (b);
      for (guint i = 0; i < g_list_model_get_n_items (list); i++)
        {
          g_autoptr(PvTenantInfo) t = g_list_model_get_item (list, i);
          PvTrackedApp *app = pv_tenant_list_get_tracked_app (tenants, t);
          const GError *unreached = pv_tenant_info_get_error (t);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, pv_tenant_info_get_id (t));
          json_builder_set_member_name (b, "url");
          json_builder_add_string_value (b, pv_tenant_info_get_base_url (t));
          add_string (b, "source", app ? "app" : "tenant");
          if (app != NULL)
            add_string (b, "vendor", app->vendor);
          add_time (b, "fetched_at", opt_offline ? fetched_at (tenants, t) : 0);
          add_string (b, "error", unreached ? unreached->message : NULL);
          json_builder_set_member_name (b, "connections");
          add_connections (b, tenants, t);
          add_key (b, tenants, t);
          json_builder_end_object (b);
          status = unreached ? 1 : status;
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return status;
    }

  /* Translators: column headings of provisioctl status */
  g_print ("%-14s %-8s %-12s %-20s %6s  %s\n", _("TENANT"), _("KIND"), _("TOKEN"), _("EXPIRES"),
           _("DAYS"), _("STATE"));
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(PvTenantInfo) t = g_list_model_get_item (list, i);
      GListModel *connections = pv_tenant_info_get_connections (t);
      const char *id = pv_tenant_info_get_id (t);
      const char *prefix;
      gint64 expires_at;
      PvExpiryState state;

      if (pv_tenant_info_get_error (t) != NULL)
        {
          g_print ("%-14s %s\n", id, pv_tenant_info_get_error (t)->message);
          status = 1;
          continue;
        }
      state = pv_tenant_info_get_key (t, NULL, &prefix, NULL, &expires_at);
      if (expires_at != 0)
        {
          g_autofree char *expires = pv_time_format (expires_at);

          /* Translators: the KIND column of provisioctl status for the admin API key */
          g_print ("%-14s %-8s %-12s %-20s %6" G_GINT64_FORMAT "  %s\n", id, _("key"),
                   prefix, expires, pv_expiry_days_left (expires_at, tenant_now (tenants, t)),
                   pv_expiry_state_to_string (state));
        }
      for (guint c = 0; c < g_list_model_get_n_items (connections); c++)
        {
          g_autoptr(PvConnectionInfo) conn = g_list_model_get_item (connections, c);
          GListModel *tokens = pv_connection_info_get_tokens (conn);
          const char *kind = pv_connection_info_get_kind (conn);
          const char *verdict = app_verdict (tenants, t, kind);

          if (g_list_model_get_n_items (tokens) == 0)
            g_print ("%-14s %-8s %s\n", id, kind, _("(no token)"));
          for (guint k = 0; k < g_list_model_get_n_items (tokens); k++)
            {
              g_autoptr(PvTokenInfo) token = g_list_model_get_item (tokens, k);
              g_autofree char *expires = pv_time_format (pv_token_info_get_expires_at (token));

              g_print ("%-14s %-8s %-12s %-20s %6" G_GINT64_FORMAT "  %s%s%s%s\n", id, kind,
                       pv_token_info_get_prefix (token), expires,
                       pv_expiry_days_left (pv_token_info_get_expires_at (token), tenant_now (tenants, t)),
                       pv_expiry_state_to_string (pv_token_info_get_state (token)),
                       verdict ? " (" : "", verdict ? verdict : "", verdict ? ")" : "");
            }
        }
    }
  return status;
}

static int
check (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) details = g_string_new (NULL);
  g_autoptr(PvTenantList) tenants = NULL;
  GListModel *list;
  int worst = CHECK_OK;
  guint n_items = 0, n_unknown = 0;
  const char *words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

  if (!(tenants = survey (file, FALSE, &error)))
    {
      g_print ("PROVISIO UNKNOWN - %s\n", error->message);
      return CHECK_UNKNOWN;
    }
  list = G_LIST_MODEL (tenants);
  if (g_list_model_get_n_items (list) == 0)
    {
      g_print ("PROVISIO UNKNOWN - %s\n", _("no tenants; add one with provisioctl tenant add"));
      return CHECK_UNKNOWN;
    }

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(PvTenantInfo) t = g_list_model_get_item (list, i);
      GListModel *reminders = pv_tenant_info_get_reminders (t);
      const GError *unreached = pv_tenant_info_get_error (t);
      const char *id = pv_tenant_info_get_id (t);

      if (unreached != NULL)
        {
          /* An expired key is known: the tenant said so. */
          if (g_error_matches (unreached, PV_ERROR, PV_ERROR_KEY_EXPIRED))
            worst = CHECK_CRITICAL;
          else
            n_unknown++;
          g_string_append_printf (details, "%s%s: %s", details->len ? "; " : "", id, unreached->message);
          continue;
        }
      for (guint k = 0; k < g_list_model_get_n_items (reminders); k++)
        {
          g_autoptr(PvReminderInfo) item = g_list_model_get_item (reminders, k);
          PvExpiryState state = pv_reminder_info_get_state (item);
          const char *connection = pv_reminder_info_get_connection (item);
          const char *what = connection ? connection :
                             g_strcmp0 (pv_reminder_info_get_subject (item), "key") == 0 ? "admin-key"
                                                                                       : "sso-certificate";
          int level = state == PV_EXPIRY_OK ? CHECK_OK :
                      state == PV_EXPIRY_DUE_SOON ? CHECK_WARNING : CHECK_CRITICAL;
          gint64 days = pv_reminder_info_get_days_left (item);

          n_items++;
          worst = MAX (worst, level);
          if (level == CHECK_OK)
            continue;
          if (details->len > 0)
            g_string_append (details, "; ");
          if (g_strcmp0 (app_verdict (tenants, t, connection), "token-rejected") == 0)
            /* Translators: app/connection, such as timly/persons */
            g_string_append_printf (details, _("%s/%s: the vendor rejects the token"), id, connection);
          else if (days <= 0)
            /* Translators: tenant/connection, such as contoso/persons */
            g_string_append_printf (details, _("%s/%s expired"), id, what);
          else
            g_string_append_printf (details,
                                    /* Translators: tenant/connection and days left */
                                    g_dngettext (GETTEXT_PACKAGE,
                                                 "%s/%s expires in %d day",
                                                 "%s/%s expires in %d days", days),
                                    id, what, (int) days);
        }
    }

  /* Expired or urgent beats unknown; unknown beats a warning. */
  if (n_unknown > 0 && worst < CHECK_CRITICAL)
    worst = CHECK_UNKNOWN;
  g_print ("PROVISIO %s - %u tenant(s), %u token(s) and certificate(s)%s%s\n", words[worst],
           g_list_model_get_n_items (list), n_items, details->len ? ": " : "", details->str);
  return worst;
}

/* remind: the reminders due, as desktop notifications, each once */

/* The app's preferences, where its settings schema is installed: the
 * reminder thresholds they set for every tenant (@overridden), and whether
 * they allow notifications. */
static gboolean
remind_policy (PvExpiryPolicy *policy,
               gboolean       *overridden)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, BASE_ID, TRUE) : NULL;

  *overridden = FALSE;
  /* Parsing keeps urgent_days if set: start from nothing, not the stack's. */
  *policy = (PvExpiryPolicy) { 0 };
  if (schema != NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
      g_autofree char *text = g_settings_get_string (settings, "reminder-thresholds");

      *overridden = *text != '\0' && pv_expiry_policy_parse (policy, text, NULL);
      return g_settings_get_boolean (settings, "notifications");
    }
  return TRUE;
}

static int
remind (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GFile) state = pv_reminders_state_file ();
  g_autoptr(PvTenantList) tenants = NULL;
  g_autoptr(GListStore) saml = g_list_store_new (PV_TYPE_TENANT_INFO);
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GApplication) app = NULL;
  g_autoptr(GAsyncResult) written = NULL;
  g_autofree char *state_path = g_file_get_path (state);
  g_autofree char *account = NULL;
  g_autofree char *data = NULL;
  PvExpiryPolicy policy;
  gboolean overridden;
  gint64 lapses_at;
  gsize length;

  if (!(tenants = load_tenants (file, FALSE, &error)))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  if (!remind_policy (&policy, &overridden))
    {
      g_printerr (_("provisioctl: notifications are off in Provisio's preferences\n"));
      return 0;
    }
  g_key_file_load_from_file (sent, state_path, G_KEY_FILE_NONE, NULL);

  /* A tenant out of reach is judged on its last known state; one never
   * reached has none. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tenants)); i++)
    {
      g_autoptr(PvTenantInfo) t = g_list_model_get_item (G_LIST_MODEL (tenants), i);
      const GError *unreached = pv_tenant_info_get_error (t);

      if (unreached != NULL && pv_tenant_info_get_fetched_at (t) == 0 &&
          pv_tenant_list_get_tracked_app (tenants, t) == NULL)
        g_printerr (_("provisioctl: %s left out: %s\n"), pv_tenant_info_get_id (t), unreached->message);
    }
  /* The Microsoft sign-in, used so that it does not lapse, and the SAML
   * apps' certificates the last Import from Entra found */
  lapses_at = entra_sign_in_use (&account);
  {
    g_autoptr(GPtrArray) certificates = entra_saml_certificates ();

    g_list_store_splice (saml, 0, 0, certificates->pdata, certificates->len);
  }
  /* What is due, computed as the app does, each tenant by its own clock
   * and, unless the preferences say otherwise, its own schedule */
  due = pv_reminders_collect_full (tenants, lapses_at, account, G_LIST_MODEL (saml), overridden ? &policy : NULL,
                                   g_get_real_time () / G_USEC_PER_SEC, sent);

  /* Sent as the app, so that the notification's actions open it. */
  app = g_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  if (due->len > 0 && !g_application_register (app, NULL, &error))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  pv_reminders_send (app, due, sent);
  for (guint i = 0; i < due->len; i++)
    g_print ("%s\n", ((PvDueReminder *) g_ptr_array_index (due, i))->title);
  if (due->len > 0)
    {
      GDBusConnection *bus = g_application_get_dbus_connection (app);
      g_autoptr(GBytes) bytes = NULL;

      /* The notifications leave before the process does. */
      if (bus != NULL)
        g_dbus_connection_flush_sync (bus, NULL, NULL);
      data = g_key_file_to_data (sent, &length, NULL);
      bytes = g_bytes_new (data, length);
      pv_file_write_private_async (state, bytes, NULL, got_result_cb, &written);
      if (!pv_file_write_private_finish (wait_for (&written), &error))
        g_printerr (_("provisioctl: could not remember the reminders sent: %s\n"), error->message);
    }
  return 0;
}

/* calendar: the expiries as iCalendar */
static int
calendar (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) infos = g_list_store_new (PV_TYPE_TENANT_INFO);
  g_autoptr(PvTenantList) tenants = NULL;
  g_autofree char *ics = NULL;
  PvExpiryPolicy policy;
  int status = 0;

  if (!(tenants = survey (file, opt_offline, &error)))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tenants)); i++)
    {
      g_autoptr(PvTenantInfo) t = g_list_model_get_item (G_LIST_MODEL (tenants), i);
      const GError *unreached = pv_tenant_info_get_error (t);

      if (unreached != NULL)
        {
          g_printerr (_("provisioctl: %s left out: %s\n"), pv_tenant_info_get_id (t), unreached->message);
          status = 1;
          continue;
        }
      g_list_store_append (infos, t);
    }
  /* The SAML apps' certificates the last Import from Entra found */
  {
    g_autoptr(GPtrArray) saml = entra_saml_certificates ();

    g_list_store_splice (infos, g_list_model_get_n_items (G_LIST_MODEL (infos)), 0, saml->pdata, saml->len);
  }
  pv_expiry_policy_init_default (&policy);
  ics = pv_calendar_build (G_LIST_MODEL (infos), &policy, g_get_real_time () / G_USEC_PER_SEC);
  if (opt_output == NULL)
    {
      fputs (ics, stdout);
      return status;
    }
  if (!g_file_set_contents (opt_output, ics, -1, &error))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  return status;
}

int
run_status (GFile *file, char **args)
{
  return status (file);
}

int
run_calendar (GFile *file, char **args)
{
  return calendar (file);
}

int
run_remind (GFile *file, char **args)
{
  return remind (file);
}

int
run_check (GFile *file, char **args)
{
  return check (file);
}

int
run_test (GFile *file, char **args)
{
  return test_connection (args[0]);
}
